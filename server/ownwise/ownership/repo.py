"""What a file's repository says about it: where it sits, who imports it, how often it changes.

Evidence that one file's text cannot give (see :mod:`ownwise.ownership.facts` for that):

- **place**: a directory with its own licence (code copied in), a UI kit's folder managed by
  its generator (shadcn's ``components.json``), an examples/tutorial/samples tree;
- **fan-in**: how many files of the workspace import this one, from one scan of the imports
  (:class:`ImportGraph`; Python, JavaScript/TypeScript, Go, Rust, Java/Kotlin, C/C++);
- **history** (when the workspace is a git repository; never required): commits touching the
  file in the year before the newest commit, their distinct authors, from one ``git log``.

Reading git is the only I/O here besides the file list (:func:`list_files`); both are plain
subprocess calls with a timeout, and a failure means "no history", never an error.
Pure Python otherwise: no protocol, no storage.
"""

from __future__ import annotations

import json
import os
import posixpath
import re
import subprocess
from collections import defaultdict
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from pathlib import Path

from .facts import Lazy as _Lazy

__all__ = [
    "History",
    "ImportGraph",
    "Place",
    "RepoFacts",
    "git_head",
    "list_files",
    "read_history",
]

# --------------------------------------------------------------------------
# Listing a workspace's files


def _git(root: Path, *args: str, timeout: float = 30.0) -> str | None:
    try:
        done = subprocess.run(["git", "-C", str(root), *args], capture_output=True, timeout=timeout,
                              stdin=subprocess.DEVNULL)
    except (OSError, subprocess.SubprocessError):
        return None
    if done.returncode != 0:
        return None
    return done.stdout.decode("utf-8", "surrogateescape")


def git_head(root: Path) -> str | None:
    """The commit HEAD points at, or None outside a git repository (or with no commit yet)."""
    out = _git(root, "rev-parse", "HEAD", timeout=5.0)
    return out.strip() if out else None


_SKIP_DIRS = frozenset({".git", "node_modules", ".venv", "venv", "__pycache__", ".tox", ".mypy_cache",
                        ".pytest_cache", ".ruff_cache", "target", ".next", ".idea"})


def list_files(directory: Path) -> list[Path]:
    """The files of *directory*, absolute (see :func:`list_relpaths`)."""
    directory = Path(os.path.abspath(directory))
    base = str(directory)
    return [Path(base, rel) for rel in list_relpaths(directory)]


def list_relpaths(directory: Path) -> list[str]:
    """The files of *directory*: git-tracked ones in a git work tree, else all minus ``.gitignore``d.

    Sorted posix paths relative to *directory*. In a git work tree: tracked and untracked but not
    ignored files, less the
    ones deleted from the work tree (submodules and symlinks to directories fail to read later
    and are skipped there). Outside git, ``.gitignore`` files are honoured at every level (as
    git does) and the usual tool directories (``node_modules``, ``.venv``, ``.git``) are skipped.
    """
    directory = Path(os.path.abspath(directory))
    out = _git(directory, "ls-files", "-z", "--cached", "--others", "--exclude-standard", "--", ".")
    if out is not None:
        names = set(out.split("\0"))
        names.discard("")
        gone = _git(directory, "ls-files", "-z", "--deleted", "--", ".")
        if gone:
            names -= set(gone.split("\0"))
        return sorted(names)
    import pathspec

    found: list[str] = []
    specs: list[tuple[Path, pathspec.GitIgnoreSpec]] = []
    for dirpath, dirnames, filenames in os.walk(directory):
        here = Path(dirpath)
        gi = here / ".gitignore"
        if gi.is_file():
            try:
                specs.append((here, pathspec.GitIgnoreSpec.from_lines(gi.read_text("utf-8", "replace").splitlines())))
            except Exception:
                pass

        def ignored(p: Path, is_dir: bool) -> bool:
            for base, spec in specs:
                if p.is_relative_to(base):
                    rel = p.relative_to(base).as_posix() + ("/" if is_dir else "")
                    if spec.match_file(rel):
                        return True
            return False

        dirnames[:] = sorted(d for d in dirnames if d not in _SKIP_DIRS and not ignored(here / d, True))
        for name in sorted(filenames):
            p = here / name
            if not p.is_symlink() and not ignored(p, False):
                found.append(p.relative_to(directory).as_posix())
    return sorted(found)


# --------------------------------------------------------------------------
# Place: copied-in code, generator-managed UI kits, examples


_VENDOR_DIRS = frozenset({"vendor", "vendors", "third_party", "third-party", "thirdparty", "3rdparty",
                          "external", "externals", "extern", "deps"})
_EXAMPLE_DIRS = frozenset({"examples", "example", "samples", "sample", "tutorial", "tutorials", "demo",
                           "demos", "playground", "cookbook", "_examples", "recipes", "snippets",
                           "docs_src", "docs-src"})
#: below these, a directory name is a package of the code, not examples or docs beside it
_SOURCE_ROOTS = frozenset({"src", "lib", "java", "kotlin", "scala", "main", "pkg", "internal", "app"})
_DOC_DIRS = frozenset({"docs", "doc", "documentation", "website", "site"})
_MANIFESTS = frozenset({"Cargo.toml", "package.json", "pyproject.toml", "setup.py", "setup.cfg", "go.mod",
                        "pom.xml", "build.gradle", "build.gradle.kts", "composer.json", "Gemfile", "mix.exs",
                        "pubspec.yaml", "Package.swift", "CMakeLists.txt", "meson.build"})
_LICENCE = _Lazy(r"^(?:licen[cs]e|copying|copyright)(?:[.-]\w+)*$", re.I)


@dataclass(frozen=True)
class Place:
    """Where a file sits, when that decides its class."""

    kind: str  # "vendored", "ui-kit", "example", "docs"
    why: str  # e.g. "copied in: src/blib2to3/ has its own licence"


class Places:
    def __init__(self, relpaths: Iterable[str], read: Mapping[str, str] | None = None) -> None:
        self.licensed: set[str] = set()  # directories (not the root) with their own licence
        self.ui_kits: dict[str, str] = {}  # directory -> its components.json
        packages: set[str] = set()  # directories with a package manifest: a workspace's own members
        for rel in relpaths:
            d, name = posixpath.split(rel)
            if d and _LICENCE.match(name):
                self.licensed.add(d)
            if d and name in _MANIFESTS:
                packages.add(d)
            if name == "components.json" and read is not None and rel in read:
                ui = _shadcn_ui_dir(d, read[rel])
                if ui:
                    self.ui_kits[ui] = rel
        # a package of a monorepo carries its own licence for publishing: it is not copied in
        self.licensed -= packages

    def place(self, rel: str) -> Place | None:
        parts = rel.split("/")[:-1]
        for i in range(len(parts)):
            d = "/".join(parts[: i + 1])
            if d in self.licensed:
                return Place("vendored", f"copied in: {d}/ has its own licence")
            if parts[i].lower() in _VENDOR_DIRS:
                return Place("vendored", f"copied in: under {d}/")
            if d in self.ui_kits:
                return Place("ui-kit", f"UI kit managed by its generator ({self.ui_kits[d]})")
        for kind, names, what in (("example", _EXAMPLE_DIRS, "example code"),
                                  ("docs", _DOC_DIRS, "documentation sources")):
            for i, part in enumerate(parts):
                low = part.lower()
                if low in _SOURCE_ROOTS:
                    break  # a package of the code itself (Java's org/.../samples/), not a tree beside it
                if low in names:
                    return Place(kind, f"{what} (under {'/'.join(parts[: i + 1])}/)")
        return None


def _shadcn_ui_dir(base: str, text: str) -> str | None:
    """The directory a shadcn ``components.json`` puts its UI components in, relative to the root."""
    try:
        data = json.loads(text)
    except ValueError:
        return None
    if not isinstance(data, dict) or "aliases" not in data:
        return None
    aliases = data.get("aliases")
    ui = aliases.get("ui") if isinstance(aliases, dict) else None
    if not isinstance(ui, str):
        comps = aliases.get("components") if isinstance(aliases, dict) else None
        ui = f"{comps}/ui" if isinstance(comps, str) else "@/components/ui"
    # "@/components/ui" -> "<base>/src/components/ui" (the usual "@" -> "./src" alias)
    rest = re.sub(r"^[@~#]/", "src/", ui)
    return posixpath.normpath(posixpath.join(base, rest)) if base else posixpath.normpath(rest)


# --------------------------------------------------------------------------
# Fan-in: the workspace's import graph

_JS_EXTS = (".ts", ".tsx", ".js", ".jsx", ".mjs", ".cjs", ".mts", ".cts", ".vue", ".svelte", ".d.ts")
_CARGO_NAME = _Lazy(r'^\s*name\s*=\s*"([^"]+)"', re.M)
_GO_MODULE = _Lazy(r"^\s*module\s+(\S+)", re.M)


class ImportGraph:
    """Who imports whom, resolved to files of the workspace; :meth:`fan_in` counts importers."""

    def __init__(self, relpaths: Iterable[str], manifests: Mapping[str, str] | None = None) -> None:
        self.files = set(relpaths)
        self.importers: dict[str, set[str]] = defaultdict(set)
        self._py: dict[str, list[str]] = defaultdict(list)  # dotted suffix -> files
        self._jvm: dict[str, list[str]] = defaultdict(list)  # dotted suffix (a.b.C) -> files
        self._stem: dict[str, str] = {}  # path without extension -> file (JS/TS, Rust)
        self._tail: dict[str, list[str]] = defaultdict(list)  # path-without-ext tail "x/y" -> files
        self._base: dict[str, list[str]] = defaultdict(list)  # file name -> files (C includes)
        self._go_dirs: dict[str, list[str]] = defaultdict(list)
        self._go_modules: list[tuple[str, str]] = []  # (module path, directory)
        self._crates: dict[str, str] = {}  # crate name (underscored) -> its src directory
        for rel in sorted(self.files):
            stem, ext = posixpath.splitext(rel)
            self._base[posixpath.basename(rel)].append(rel)
            parts = stem.split("/")
            if ext in (".py", ".pyi"):
                mod = parts[:-1] if parts[-1] == "__init__" else parts
                for i in range(len(mod)):
                    self._py[".".join(mod[i:])].append(rel)
            elif ext in (".java", ".kt", ".kts", ".scala", ".groovy"):
                for i in range(len(parts) - 1):
                    self._jvm[".".join(parts[i:])].append(rel)
            elif ext in _JS_EXTS or ext == ".rs":
                self._stem.setdefault(stem, rel)
                if rel.endswith(".d.ts"):
                    self._stem.setdefault(rel[:-5], rel)
                for i in range(1, min(len(parts), 4)):
                    self._tail["/".join(parts[-i:])].append(rel)
            elif ext == ".go" and not rel.endswith("_test.go"):
                self._go_dirs[posixpath.dirname(rel)].append(rel)
        for rel, text in (manifests or {}).items():
            d = posixpath.dirname(rel)
            name = posixpath.basename(rel)
            if name == "go.mod":
                m = _GO_MODULE.search(text)
                if m:
                    self._go_modules.append((m.group(1), d))
            elif name == "Cargo.toml":
                m = _CARGO_NAME.search(text.split("[package]", 1)[-1]) if "[package]" in text else None
                if m:
                    self._crates[m.group(1).replace("-", "_")] = posixpath.join(d, "src") if d else "src"
        self._go_modules.sort(key=lambda m: -len(m[0]))

    def add(self, importer: str, language: str, specs: Iterable[str]) -> None:
        """Record the imports of *importer* (specifiers as :func:`~.facts.file_facts` found them)."""
        for spec in specs:
            for target in self._resolve(importer, language, spec):
                if target != importer:
                    self.importers[target].add(importer)

    def fan_in(self, rel: str) -> int | None:
        """How many files import *rel*; None where imports name packages, not files (Go)."""
        if rel.endswith(".go"):
            return None
        return len(self.importers.get(rel, ()))

    # -- resolution per language ------------------------------------------
    def _resolve(self, importer: str, language: str, spec: str) -> list[str]:
        if language == "python":
            return self._resolve_py(importer, spec)
        if language == "js":
            return self._resolve_js(importer, spec)
        if language == "go":
            return self._resolve_go(spec)
        if language == "rust":
            return self._resolve_rust(importer, spec)
        if language == "java":
            hits = self._jvm.get(spec, [])
            return hits if len(hits) == 1 else []
        if language == "c":
            if "/" in spec:
                joined = posixpath.normpath(posixpath.join(posixpath.dirname(importer), spec))
                if joined in self.files:
                    return [joined]
            hits = self._base.get(posixpath.basename(spec), [])
            return hits if len(hits) <= 2 else []
        return []

    def _resolve_py(self, importer: str, spec: str) -> list[str]:
        if spec.startswith("."):
            level = len(spec) - len(spec.lstrip("."))
            rest = spec[level:]
            base = posixpath.dirname(importer)
            for _ in range(level - 1):
                base = posixpath.dirname(base)
            target = posixpath.join(base, *rest.split(".")) if rest else base
            for cand in (target + ".py", target + "/__init__.py", target + ".pyi"):
                if cand in self.files:
                    return [cand]
            return []
        hits = self._py.get(spec)
        while not hits and "." in spec:
            spec = spec.rsplit(".", 1)[0]  # "pkg.mod.name": the module is "pkg.mod"
            hits = self._py.get(spec)
        if not hits:
            return []
        if len(hits) == 1:
            return hits
        # ambiguous ("utils"): prefer the one in the importer's own tree
        top = importer.split("/")[0]
        mine = [h for h in hits if h.split("/")[0] == top]
        return mine if len(mine) == 1 else []

    def _resolve_js(self, importer: str, spec: str) -> list[str]:
        if spec.startswith("."):
            base = posixpath.normpath(posixpath.join(posixpath.dirname(importer), spec))
            return self._js_file(base)
        m = re.match(r"^(?:[@~#]|src)/(.+)$", spec)
        if m:
            rest = posixpath.normpath(m.group(1))
            rest = re.sub(r"\.(?:[cm]?[jt]sx?)$", "", rest)
            for key in (rest, rest + "/index"):
                hits = self._tail.get(key, [])
                top = importer.split("/")[0]
                mine = [h for h in hits if h.split("/")[0] == top] if len(hits) > 1 else hits
                if len(mine) == 1:
                    return mine
        return []

    def _js_file(self, base: str) -> list[str]:
        if base in self.files:
            return [base]
        stem = re.sub(r"\.(?:[cm]?js|jsx)$", "", base)  # TS sources imported as "./x.js"
        for cand in (stem, base + "/index"):
            hit = self._stem.get(cand)
            if hit is not None:
                return [hit]
        return []

    def _resolve_go(self, spec: str) -> list[str]:
        for module, d in self._go_modules:
            if spec == module or spec.startswith(module + "/"):
                sub = spec[len(module):].lstrip("/")
                return self._go_dirs.get(posixpath.join(d, sub) if d else sub, []) or (
                    self._go_dirs.get(d or "", []) if not sub else [])
        return []

    def _resolve_rust(self, importer: str, spec: str) -> list[str]:
        here = posixpath.dirname(importer)
        name = posixpath.basename(importer)
        if "::" not in spec:  # `mod x;` declares the module; it does not use it
            return []
        parts = spec.split("::")
        head = parts[0]
        if head == "crate":
            src = self._crate_src(importer)
            base = src
            rest = parts[1:]
        elif head in ("super", "self"):
            base = here if name in ("mod.rs", "lib.rs", "main.rs") else posixpath.join(here, name[:-3])
            rest = parts[:]
            while rest and rest[0] in ("super", "self"):
                if rest.pop(0) == "super":
                    base = posixpath.dirname(base)
        elif head in self._crates:
            base = self._crates[head]
            rest = parts[1:]
            if not rest:
                return self._rust_file(posixpath.join(base, "lib"))
        else:
            return []
        for n in range(len(rest), 0, -1):
            hit = self._rust_file(posixpath.join(base, *rest[:n]))
            if hit:
                return hit
        return []

    def _rust_file(self, stem: str) -> list[str]:
        stem = posixpath.normpath(stem)
        for cand in (stem + ".rs", stem + "/mod.rs"):
            if cand in self.files:
                return [cand]
        return []

    def _crate_src(self, importer: str) -> str:
        parts = importer.split("/")
        if "src" in parts:
            return "/".join(parts[: len(parts) - 1 - parts[::-1].index("src")] + ["src"])
        return posixpath.dirname(importer)


# --------------------------------------------------------------------------
# History


@dataclass
class History:
    """Per file: commits touching it in the year before the newest commit, and their authors."""

    head: str | None = None  # the commit it was read at
    commits: dict[str, int] = field(default_factory=dict)
    authors: dict[str, int] = field(default_factory=dict)

    def of(self, rel: str) -> tuple[int, int]:
        return self.commits.get(rel, 0), self.authors.get(rel, 0)


#: at most this many commits are read (the newest), so a huge history costs a bounded time
MAX_COMMITS = 20_000


def read_history(root: Path, *, days: int = 365, since_commit: str | None = None,
                 timeout: float = 20.0) -> History | None:
    """One ``git log`` over the *days* before the newest commit; None outside git or on failure.

    With *since_commit*, only the commits after it (``since_commit..HEAD``), to add to counts
    read before. Paths are made relative to *root* (which may be a sub-directory of the repository).
    """
    head = git_head(root)
    if head is None:
        return None
    prefix = _git(root, "rev-parse", "--show-prefix", timeout=5.0)
    if prefix is None:
        return None
    if since_commit is not None:
        span = [f"{since_commit}..HEAD"]
    else:
        newest = _git(root, "log", "-1", "--format=%ct", "HEAD", timeout=5.0)
        if not newest:
            return None
        span = [f"--since={int(newest.strip()) - days * 86400}", "HEAD"]
    out = _git(root, "log", *span[:-1], f"--max-count={MAX_COMMITS}", "--no-renames",
               "--format=%x1e%ae", "--name-only", span[-1], "--", ".", timeout=timeout)
    if out is None:
        return None
    prefix = prefix.strip()
    commits: dict[str, int] = defaultdict(int)
    authors: dict[str, set[str]] = defaultdict(set)
    for record in out.split("\x1e")[1:]:
        lines = record.split("\n")
        who = lines[0].strip().lower()
        for name in lines[1:]:
            name = name.strip()
            if not name or not name.startswith(prefix):
                continue
            rel = name[len(prefix):]
            commits[rel] += 1
            authors[rel].add(who)
    return History(head=head, commits=dict(commits), authors={k: len(v) for k, v in authors.items()})


# --------------------------------------------------------------------------
# Everything the repository says about its files


@dataclass
class RepoFacts:
    """The repository's evidence about each of its files (see the module docstring)."""

    places: Places
    graph: ImportGraph
    history: History | None = None

    @classmethod
    def build(cls, relpaths: Iterable[str], manifests: Mapping[str, str] | None = None,
              history: History | None = None) -> RepoFacts:
        rels = list(relpaths)
        return cls(Places(rels, manifests), ImportGraph(rels, manifests), history)

    def place(self, rel: str) -> Place | None:
        return self.places.place(rel)

    def fan_in(self, rel: str) -> int | None:
        return self.graph.fan_in(rel)

    def history_of(self, rel: str) -> tuple[int, int] | None:
        return self.history.of(rel) if self.history is not None else None


#: files whose text :class:`RepoFacts` needs besides imports (read by whoever builds it)
MANIFEST_NAMES = frozenset({"go.mod", "Cargo.toml", "components.json"})
