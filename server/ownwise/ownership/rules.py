"""The Ownership Matrix: classes, rules, the built-in defaults and the classifier.

Every file is *transient* (use AI freely), *repeatable* (known patterns: CRUD,
test scaffolding) or *core* (own the thinking).  A :class:`Classifier` decides
which, from these sources, strongest first:

1. a per-file override (passed to :meth:`Classifier.classify`),
2. the workspace's rules (``.ownwise.toml`` or ``[tool.ownwise]`` in
   ``pyproject.toml``, see :mod:`ownwise.ownership.config`),
3. the client settings ``ownership.rules``,
4. :data:`DEFAULT_RULES`.

Within one source the first matching rule wins.  Globs use gitignore
semantics and are matched against the workspace-relative posix path.

Pure Python: no protocol, no storage.
"""

from __future__ import annotations

import os
from dataclasses import InitVar, dataclass, field
from enum import Enum
from functools import lru_cache
from pathlib import Path

import pathspec

from .evidence import MODEL, Evidence, Model, Signal, judge, trivial
from .facts import language_of

__all__ = [
    "DEFAULT_GROUPS",
    "DEFAULT_RULES",
    "Classifier",
    "ConfigError",
    "Decision",
    "DefaultGroup",
    "OwnershipClass",
    "Rule",
    "validate_glob",
]


class OwnershipClass(str, Enum):
    """How much of the thinking in a file the user should own."""

    TRANSIENT = "transient"
    REPEATABLE = "repeatable"
    CORE = "core"

    def __str__(self) -> str:
        return self.value


# --------------------------------------------------------------------------
# Globs


def validate_glob(glob: object) -> str | None:
    """Return why *glob* cannot be used as a rule's glob, or ``None`` if it can."""
    if not isinstance(glob, str):
        return f"glob must be a string, not {_type_name(glob)}"
    if not glob.strip():
        return "glob is empty"
    if glob != glob.strip():
        return f"glob {glob!r} has leading or trailing whitespace"
    if "\n" in glob or "\r" in glob:
        return f"glob {glob!r} contains a line break"
    if glob.startswith("#"):
        return f"glob {glob!r} starts with '#', which gitignore reads as a comment"
    if glob.startswith("!"):
        return (
            f"glob {glob!r} is negated ('!'); negation is not supported in rules, "
            "put a more specific rule first instead"
        )
    try:
        spec = pathspec.GitIgnoreSpec.from_lines([glob])
    except Exception as exc:  # pathspec raises its own error types
        return f"glob {glob!r} is not a valid gitignore pattern ({exc})"
    if not spec.patterns or spec.patterns[0].include is None:
        return f"glob {glob!r} is not a valid gitignore pattern (it matches nothing)"
    return None


def _needles(glob: str) -> tuple[str, ...]:
    """Literal pieces of *glob* that every path it matches contains (none for ``[`` or ``\\``).

    ``*``, ``?`` and ``/`` are the only other special characters of a gitignore glob, and a
    path is matched as it is given (only separators are normalised): a path lacking a piece
    cannot match, so :meth:`Rule.matches` answers without compiling (or running) the glob.
    """
    if "[" in glob or "\\" in glob:
        return ()
    return tuple(p for p in glob.replace("?", "*").replace("/", "*").split("*") if p)


@lru_cache(maxsize=4096)
def _compile(glob: str, case_sensitive: bool) -> pathspec.GitIgnoreSpec:
    problem = validate_glob(glob)
    if problem is not None:
        raise ValueError(problem)
    return pathspec.GitIgnoreSpec.from_lines([glob if case_sensitive else glob.lower()])


def _type_name(value: object) -> str:
    return {
        str: "a string",
        int: "an integer",
        float: "a number",
        bool: "a boolean",
        list: "an array",
        dict: "a table",
        type(None): "null",
    }.get(type(value), type(value).__name__)


# --------------------------------------------------------------------------
# Rules and decisions


@dataclass(frozen=True)
class Rule:
    """One ``glob -> class`` rule and where it was written.

    ``origin`` is e.g. ``"/abs/ws/.ownwise.toml:12"``,
    ``"settings ownership.rules[0]"`` or ``"built-in default: tests"``.
    ``case_sensitive`` is ``True`` for user rules (gitignore semantics); the
    built-in defaults are matched case-insensitively.

    Constructing a rule with an unusable glob raises :class:`ValueError`
    (see :func:`validate_glob`); ``cls`` may be given as its string value.
    ``_lazy=True`` (the built-in defaults only) leaves the glob to be checked
    and compiled when a path first gets past the literal-piece test of
    :meth:`matches`: compiling all ~150 defaults at import cost ~15 ms of the
    server's start-up, and a path usually needs one or two of them.
    """

    glob: str
    cls: OwnershipClass
    origin: str
    case_sensitive: bool = True
    _spec: pathspec.GitIgnoreSpec = field(
        init=False, repr=False, compare=False, hash=False, default=None  # type: ignore[assignment]
    )
    _needles: tuple[str, ...] = field(init=False, repr=False, compare=False, hash=False, default=())
    _lazy: InitVar[bool] = False

    def __post_init__(self, _lazy: bool) -> None:
        if not isinstance(self.cls, OwnershipClass):
            object.__setattr__(self, "cls", OwnershipClass(self.cls))
        object.__setattr__(self, "_needles", _needles(self.glob if self.case_sensitive else self.glob.lower()))
        if not _lazy:
            object.__setattr__(self, "_spec", _compile(self.glob, self.case_sensitive))

    def matches(self, relpath: str) -> bool:
        """Whether the workspace-relative posix path *relpath* matches the glob."""
        if relpath.startswith("./"):
            relpath = relpath[2:]
        if not self.case_sensitive:
            relpath = relpath.lower()
        return self.matches_normalised(relpath)

    def matches_normalised(self, relpath: str) -> bool:
        """:meth:`matches` for a path already without ``./`` and, for a case-insensitive rule, lower-cased."""
        for n in self._needles:
            if n not in relpath:
                return False  # most defaults, for most paths: the glob is never compiled
        spec = self._spec
        if spec is None:  # a lazy rule's first match
            spec = _compile(self.glob, self.case_sensitive)
            object.__setattr__(self, "_spec", spec)
        return spec.match_file(relpath)

    def describe(self) -> str:
        """E.g. ``"/ws/.ownwise.toml:12 (glob 'src/core/**' -> core)"``."""
        return f"{self.origin} (glob '{self.glob}' -> {self.cls.value})"


@dataclass(frozen=True)
class Decision:
    """The class of a file and why.

    ``source`` is ``"override"``, ``"workspace"``, ``"settings"``, ``"default"``
    or ``"evidence"``; ``rule`` is human readable and names the file and line, the
    settings index, the built-in default or the evidence that decided.
    """

    cls: OwnershipClass
    source: str
    rule: str
    signals: tuple[Signal, ...] = ()  # the evidence behind a decision whose source is "evidence"
    score: float | None = None  # the evidence score, when it came to one


@dataclass(frozen=True)
class ConfigError:
    """A problem in a rules file; ``line`` is 1-based, ``None`` if unknown."""

    file: str
    line: int | None
    message: str

    def __str__(self) -> str:
        if self.line is None:
            return f"{self.file}: {self.message}"
        return f"{self.file}:{self.line}: {self.message}"


# --------------------------------------------------------------------------
# Built-in defaults


@dataclass(frozen=True)
class DefaultGroup:
    """A named group of built-in default globs sharing one class and reason."""

    name: str
    cls: OwnershipClass
    reason: str
    globs: tuple[str, ...]


_T, _R, _C = OwnershipClass.TRANSIENT, OwnershipClass.REPEATABLE, OwnershipClass.CORE

#: The built-in defaults name the kinds of file a path says enough about. Source code that none
#: of them names (and anything they leave) is judged from evidence (:mod:`.evidence`): a file's
#: name alone says too little about whether it is CRUD glue or the heart of a library.
DEFAULT_GROUPS: tuple[DefaultGroup, ...] = (
    DefaultGroup(
        "generated code",
        _T,
        "Written by a generator, never by hand; regenerate it rather than own it.",
        (
            "*_pb2.py", "*_pb2.pyi", "*_pb2_grpc.py", "*.pb.go", "*.pb.cc", "*.pb.h", "*.generated.*",
            "*.gen.*", "*_generated.*", "*.g.dart", "*.freezed.dart", "*.min.js", "*.min.css", "*.map",
            "*.snap", "generated/", "__generated__/", "gen/",
        ),
    ),  # fmt: skip
    DefaultGroup(
        "type declarations",
        _T,
        "Type declaration files describe code that lives elsewhere (or are written by a compiler).",
        ("*.d.ts", "*.d.mts", "*.d.cts"),
    ),
    DefaultGroup(
        "vendored or built files",
        _T,
        "Someone else's code or build output; nothing in it is yours to understand.",
        ("vendor/", "third_party/", "third-party/", "node_modules/", "dist/", "build/", "target/"),
    ),
    DefaultGroup(
        "lock files",
        _T,
        "Written by the package manager.",
        (
            "*.lock", "package-lock.json", "npm-shrinkwrap.json", "pnpm-lock.yaml",
            "bun.lockb", "go.sum",
        ),
    ),  # fmt: skip
    # -- a generated header (read from the file) decides before the groups below
    DefaultGroup(
        "documentation",
        _T,
        "Prose rather than code.",
        (
            "*.md", "*.mdx", "*.rst", "*.adoc", "README*", "LICENSE*", "LICENCE*", "COPYING*", "NOTICE*",
            "AUTHORS*", "CHANGELOG*", "CHANGES*", "HISTORY*",
        ),
    ),  # fmt: skip
    DefaultGroup(
        "configuration",
        _T,
        "Configuration files: looked up, not designed.",
        (
            "*.json", "*.jsonc", "*.json5", "*.yaml", "*.yml", "*.toml", "*.ini", "*.cfg", "*.conf",
            "*.properties", ".env*", "*.xml", "*.plist", ".*ignore", ".gitattributes", ".gitmodules",
            ".editorconfig", ".*rc", ".nvmrc", ".python-version", ".tool-versions", "go.mod", "go.work",
            "requirements*.txt", "*requirements.txt", "constraints*.txt", "MANIFEST.in", "CODEOWNERS",
            "*.csproj", "*.sln", "module-info.java", "py.typed", "versions.tf", "providers.tf", "backend.tf",
        ),
    ),  # fmt: skip
    DefaultGroup(
        "assets",
        _T,
        "Images, fonts, styles and media: made or picked, not designed in code.",
        (
            "*.css", "*.scss", "*.sass", "*.less", "*.styl", "*.svg", "*.png", "*.jpg", "*.jpeg", "*.gif",
            "*.webp", "*.ico", "*.woff", "*.woff2", "*.ttf", "*.otf", "*.eot", "*.mp3", "*.mp4", "*.pdf",
        ),
    ),  # fmt: skip
    DefaultGroup(
        "translations",
        _T,
        "Translated strings follow the shape of the original; they are looked up, not designed.",
        ("locales/", "locale/", "i18n/", "l10n/", "translations/", "*.po", "*.pot", "*.mo", "*.xliff", "*.xlf"),
    ),
    DefaultGroup(
        "tests",
        _R,
        "Test scaffolding follows known patterns; what a test checks is worth "
        "deciding yourself, the scaffolding around it is not.",
        (
            "test_*.py", "*_test.py", "*_tests.py", "*_test.go", "*.test.*", "*.spec.*", "*_spec.rb", "*Test.java",
            "*Tests.java", "*IT.java", "*Test.kt", "*Tests.kt", "conftest.py", "tests/", "test/",
            "__tests__/", "spec/", "e2e/", "testdata/", "src/test/", "testing/", "*-testing/",
            "*-testing-support/", "testing-support/", "testutil/", "testutils/", "test-utils/", "test_utils/",
        ),
    ),  # fmt: skip
    DefaultGroup(
        "test fixtures",
        _R,
        "Sample data and fixtures for tests follow the shape of the code they feed.",
        ("fixtures/", "__fixtures__/", "__mocks__/"),
    ),
    DefaultGroup(
        "benchmarks",
        _R,
        "Benchmark harnesses follow a known pattern: set up, run, measure.",
        ("benchmarks/", "benchmark/", "bench/", "benches/", "profiling/"),
    ),
    DefaultGroup(
        "migration boilerplate",
        _T,
        "Written once by the migration tool's init command.",
        ("**/alembic/env.py", "**/alembic/script.py.mako", "alembic.ini"),
    ),
    DefaultGroup(
        "migrations",
        _R,
        "Schema migrations follow the model changes they encode; mostly mechanical.",
        ("migrations/", "alembic/", "**/db/migrate/"),
    ),
    DefaultGroup(
        "infrastructure",
        _T,
        "Build, container, CI and deployment files: one-off configuration, "
        "looked up rather than designed.",
        (
            "Dockerfile*", "*.dockerfile", "docker-compose*", "compose.yaml",
            "compose.yml", "Makefile", "GNUmakefile", "*.mk", ".github/",
            ".gitlab-ci.yml", ".circleci/", ".devcontainer/", "Jenkinsfile", "Procfile",
            "*.tfvars", "k8s/", "helm/", "deploy/", "build-logic/", "buildSrc/", "gradle/",
            "*.gradle", "*.gradle.kts", "gradlew", "gradlew.bat", "mvnw", "mvnw.cmd", "build.rs",
        ),
    ),  # fmt: skip
    DefaultGroup(
        "scripts",
        _T,
        "One-off and glue scripts: useful once, not where the thinking lives.",
        ("scripts/", "script/", "*.sh", "*.bash", "*.zsh", "*.fish", "*.ps1", "*.bat", "*.cmd"),
    ),
    DefaultGroup(
        "project boilerplate",
        _T,
        "Packaging and task-runner entry points, written once from a template.",
        (
            "setup.py", "noxfile.py", "/tasks.py", "fabfile.py", "manage.py",
            "**/docs/conf.py", "wsgi.py", "asgi.py",
        ),
    ),  # fmt: skip
)

#: how many groups come before a generated header is looked at (generated, declarations,
#: vendored, lock files: a header adds nothing there)
_HEAD_GROUPS = 4

#: The built-in defaults, in order (first match wins); matched case-insensitively.
#: Compiled on first use (``_lazy``); a unit test checks that every glob is valid.
DEFAULT_RULES: list[Rule] = [
    Rule(glob, group.cls, f"built-in default: {group.name}", case_sensitive=False, _lazy=True)
    for group in DEFAULT_GROUPS
    for glob in group.globs
]
#: groups of scaffolding: an empty or tiny file in them is a placeholder, not scaffolding
_SCAFFOLDING = frozenset(f"built-in default: {g}" for g in ("tests", "test fixtures", "benchmarks", "migrations"))
#: how many of DEFAULT_RULES come before a generated header is looked at
DEFAULT_HEAD = sum(len(g.globs) for g in DEFAULT_GROUPS[:_HEAD_GROUPS])


# --------------------------------------------------------------------------
# Classifier


def _normalise(path: Path | str) -> Path:
    """Lexically normalised (``..`` removed), without resolving symlinks.

    A relative path stays relative: it is never inside a workspace root (the
    server's working directory says nothing about where a document lives).
    """
    return Path(os.path.normpath(os.fspath(path)))


def _normalise_root(root: Path | str) -> Path:
    return Path(os.path.normpath(os.path.abspath(os.fspath(root))))


class Classifier:
    """Classifies paths from override, workspace, settings and default rules, then evidence."""

    def __init__(self, defaults: list[Rule] = DEFAULT_RULES, *, head: int | None = None) -> None:
        self._defaults: tuple[Rule, ...] = tuple(defaults)
        self._head = (DEFAULT_HEAD if defaults is DEFAULT_RULES else 0) if head is None else head
        self._workspaces: dict[Path, tuple[Rule, ...]] = {}
        self._settings: tuple[Rule, ...] = ()
        self._roots_cache: tuple[dict, list[str]] | None = None
        self.model: Model = MODEL

    # -- configuration ----------------------------------------------------

    def set_workspace_rules(self, root: Path, rules: list[Rule]) -> None:
        """Register *root* as a workspace root with its rules (may be empty)."""
        self._workspaces = {**self._workspaces, _normalise_root(root): tuple(rules)}

    def remove_workspace(self, root: Path) -> None:
        """Forget a workspace root and its rules (no error if unknown)."""
        root = _normalise_root(root)
        self._workspaces = {r: v for r, v in self._workspaces.items() if r != root}

    def set_settings_rules(self, rules: list[Rule]) -> None:
        """Replace the rules from the client settings ``ownership.rules``."""
        self._settings = tuple(rules)

    def workspace_roots(self) -> list[Path]:
        """The registered roots (absolute, normalised), in registration order."""
        return list(self._workspaces)

    def workspace_rules(self, root: Path) -> list[Rule]:
        return list(self._workspaces.get(_normalise_root(root), ()))

    def settings_rules(self) -> list[Rule]:
        return list(self._settings)

    def default_rules(self) -> list[Rule]:
        return list(self._defaults)

    # -- lookups ----------------------------------------------------------

    def workspace_root_for(self, path: Path) -> Path | None:
        """The longest registered root that contains *path* (or is *path*).

        ``None`` outside every root, and always for a relative path.
        """
        path = _normalise(path)
        if not path.is_absolute():
            return None
        best: Path | None = None
        for root in self._workspaces:
            if path.is_relative_to(root) and (best is None or len(root.parts) > len(best.parts)):
                best = root
        return best

    def relpath(self, path: Path) -> str:
        """The posix path rules are matched against for *path*.

        Relative to its workspace root; outside any root, the absolute path
        without the leading ``/`` (a relative path: as given, normalised).
        """
        path = _normalise(path)
        root = self.workspace_root_for(path)
        if root is None:
            return path.as_posix().lstrip("/")
        return path.relative_to(root).as_posix()

    def classify(self, path: Path, *, override: OwnershipClass | None = None,
                 evidence: Evidence | None = None) -> Decision:
        """Decide the class of *path*; see the module docstring for precedence.

        *evidence* (the file's facts and its repository's) decides what no rule does, and a
        generated header decides before the defaults that come after the generated,
        vendored and lock-file groups (a generated test is generated).
        """
        if override is not None:
            return Decision(OwnershipClass(override), "override", "per-file override")
        rel, workspace = self._rel_and_rules(path)
        for source, rules in (("workspace", workspace), ("settings", self._settings)):
            for rule in rules:
                if rule.matches(rel):
                    return Decision(rule.cls, source, rule.describe())
        plain = rel[2:] if rel.startswith("./") else rel
        low = plain.lower()
        hit = self._first_default(plain, low)
        generated = evidence is not None and evidence.facts.generated
        if hit is not None and not (generated and hit[0] >= self._head):
            rule = hit[1]
            if evidence is not None and rule.origin in _SCAFFOLDING:
                why = trivial(evidence.facts, self.model)
                if why is not None:
                    return Decision(OwnershipClass.TRANSIENT, "evidence",
                                    f"transient: {why} ({rule.origin.split(': ', 1)[1]})")
            return Decision(rule.cls, "default", rule.describe())
        if evidence is not None and generated:
            return self._from_evidence(evidence)
        if evidence is None:
            if language_of(rel):
                return Decision(OwnershipClass.REPEATABLE, "default",
                                "built-in default: source code whose content was not read (repeatable until it is)")
            return Decision(OwnershipClass.TRANSIENT, "default", "built-in default: not recognised as source code")
        return self._from_evidence(evidence)

    def _first_default(self, plain: str, low: str) -> tuple[int, Rule] | None:
        """The first default rule matching the path, as ``(index, rule)``."""
        for i, rule in enumerate(self._defaults):
            if rule.matches_normalised(plain if rule.case_sensitive else low):
                return i, rule
        return None

    def _rel_and_rules(self, path: Path) -> tuple[str, tuple[Rule, ...]]:
        """The path rules see and the workspace rules that apply (string work: this runs per file)."""
        p = os.path.normpath(os.fspath(path))
        if not os.path.isabs(p):
            return Path(p).as_posix(), ()
        best: str | None = None
        for root in self._root_strings():
            if p == root or p.startswith(root if root.endswith(os.sep) else root + os.sep):
                if best is None or len(root) > len(best):
                    best = root
        if best is None:
            return Path(p).as_posix().lstrip("/"), ()
        rel = p[len(best):].lstrip(os.sep)
        return (rel.replace(os.sep, "/") if os.sep != "/" else rel) or ".", self._workspaces[Path(best)]

    def _root_strings(self) -> list[str]:
        if self._roots_cache is None or self._roots_cache[0] is not self._workspaces:
            self._roots_cache = (self._workspaces, [str(r) for r in self._workspaces])
        return self._roots_cache[1]

    def _from_evidence(self, evidence: Evidence) -> Decision:
        v = judge(evidence.facts, place=evidence.place, fan_in=evidence.fan_in, history=evidence.history,
                  model=self.model)
        return Decision(OwnershipClass(v.cls), "evidence", v.reason, v.signals, v.score)
