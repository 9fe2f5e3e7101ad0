"""The Ownership Matrix from evidence: the class of a file no explicit rule decides, and why.

A file's own text (:class:`~.facts.FileFacts`) and what its repository says about it
(:class:`~.repo.RepoFacts`: where it sits, who imports it, how often it changes) are weighed
in two steps, both written down here and nowhere else:

1. **Decisive evidence**, in order: a generated header, copied-in code, a UI kit managed by
   its generator, a data table, a re-export or empty module, configuration written as code,
   an entry point, example code, tests by content (see :func:`judge`).
2. **A score** for the rest of the source code: a weighted sum of readable signals
   (branching, fan-in, imports of hard domains, framework glue, size, history; the weights
   in :data:`MODEL`). At or above ``MODEL.core_at`` a file is core; below it, repeatable (or
   transient when it is tiny). The weights were fitted on the labelled corpus in
   ``benchmarks/ownership_corpus`` by ``benchmarks/ownership_fit.py`` and rounded; settings
   may move the threshold (``ownership.evidence.coreThreshold``).

Every verdict carries its signals (name, value, weight) so that ``ownwise classify
--explain`` can show them, and a one-line reason naming the strongest ones, e.g.
``core: 64 branch points, imported by 23 files, 26 commits in the last year``.

Pure Python: no protocol, no storage, no I/O.
"""

from __future__ import annotations

import math
import posixpath
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from .facts import FileFacts, is_entry_point

if TYPE_CHECKING:  # repo.py (subprocess, git) stays off the server's start-up path
    from .repo import Place

__all__ = ["MODEL", "Evidence", "Model", "Signal", "Verdict", "judge", "plural", "trivial"]

_T, _R, _C = "transient", "repeatable", "core"


@dataclass(frozen=True)
class Signal:
    """One piece of evidence: its value and what it added to the score (0 when decisive or shown only)."""

    name: str
    value: float | int | str | bool
    weight: float
    text: str


@dataclass(frozen=True)
class Evidence:
    """Everything known about one file: its own facts and what its repository says."""

    facts: FileFacts
    place: Place | None = None
    fan_in: int | None = None
    history: tuple[int, int] | None = None  # (commits, authors) in the last year; None outside git


@dataclass(frozen=True)
class Verdict:
    """A class from evidence, the reason shown to the user, and every signal behind it."""

    cls: str
    reason: str
    signals: tuple[Signal, ...] = ()
    score: float | None = None


@dataclass(frozen=True)
class Model:
    """The weights and thresholds of the score, in one place (see the module docstring)."""

    # fitted by benchmarks/ownership_fit.py on the clear labels and rounded; "hard" kept at 1.0 (fits
    # give 0.3-1.1 with the regularisation: a hard domain is core by the Matrix's own definition)
    bias: float = -4.0  # -3.4 fitted; -4.0 leaves out the small modules of 3-5 branch points with a few importers
    branches: float = 0.8  # per doubling of branch points (log2(1 + n))
    fan_in: float = 0.9  # per doubling of importing files (unknown for Go, whose imports name packages)
    security: float = 3.0  # cryptography, tokens, authentication: core by the Matrix's definition (not fitted)
    hard: float = 1.0  # imports another hard domain: concurrency, parsing, numerical, low-level
    path: float = 0.6  # a directory named for a hard domain (crypto, auth, concurrent, parser, ...)
    glue: float = -1.7  # imports a web/ORM/form/UI framework or follows its handler patterns
    ui: float = -0.5  # a UI component
    size: float = 0.15  # per doubling of code lines
    history: float = 0.0  # per doubling of commits in the last year: measured and shown, fitted to ~0
    core_at: float = 0.0  # core when the score is at or above this
    tiny_lines: int = 8  # at most this many code lines, at most one branch, no framework: transient
    entry_lines: int = 40  # an entry point with at most this many code lines is boilerplate
    example_tiny_lines: int = 15  # an example this small (and without branching) is a snippet


MODEL = Model()

_HARD_DIRS = frozenset({
    "crypto", "cryptography", "security", "auth", "authentication", "tls", "ssl", "concurrent", "concurrency",
    "sync", "parser", "parsers", "parsing", "lexer", "compiler", "codegen", "runtime", "scheduler",
    "kernel", "engine", "cache", "caching", "jit", "vm", "interpreter", "http2", "protocol",
})
_DIR_IGNORE = frozenset({"src", "lib", "app", "pkg", "internal", "main", "java", "kotlin", "python"})


def plural(n: int | float, one: str, many: str | None = None) -> str:
    """``1 file``, ``2 files``; *many* defaults to *one* + ``s``."""
    word = one if n == 1 else (many or one + "s")
    return f"{n:g} {word}" if isinstance(n, float) else f"{n} {word}"


def judge(facts: FileFacts, *, place: Place | None = None, fan_in: int | None = None,
          history: tuple[int, int] | None = None, model: Model = MODEL) -> Verdict:
    """The class of a file from its evidence (see the module docstring for the order)."""
    signals: list[Signal] = []

    def decide(cls: str, reason: str, *extra: Signal) -> Verdict:
        return Verdict(cls, f"{cls}: {reason}", tuple(signals) + extra)

    if facts.generated:
        return decide(_T, f'generated (header "{facts.generated}")', Signal("generated", facts.generated, 0, "header"))
    if place is not None and place.kind in ("vendored", "ui-kit"):
        return decide(_T, place.why, Signal("place", place.kind, 0, place.why))
    if facts.data_table:
        return decide(_T, f"a data table ({plural(facts.lines, 'line')} of literal values)",
                      Signal("data_table", True, 0, "mostly literal values"))
    if not facts.is_source:
        return _judge_other(facts, place, decide)
    if facts.code_lines == 0:
        return decide(_T, "no code (empty, or only comments)", Signal("code_lines", 0, 0, "no code"))
    if facts.reexport:
        return decide(_T, f"only imports and re-exports ({plural(facts.code_lines, 'line')})",
                      Signal("reexport", True, 0, "re-exports only"))
    if facts.config_like:
        return decide(_T, "configuration written as code", Signal("config", True, 0, "configuration as code"))
    if place is not None and place.kind in ("example", "docs"):
        if facts.code_lines <= model.example_tiny_lines and facts.branches <= 1:
            return decide(_T, f"a tiny example ({plural(facts.code_lines, 'line')}; {place.why})",
                          Signal("place", place.kind, 0, place.why))
        return decide(_R, place.why, Signal("place", place.kind, 0, place.why))
    if is_entry_point(facts) and facts.code_lines <= model.entry_lines and facts.branches <= 3:
        return decide(_T, f"entry point ({plural(facts.code_lines, 'line')} of start-up code)",
                      Signal("entry_point", True, 0, "entry point"))
    if facts.tests >= 2 and facts.tests * 3 >= facts.functions:
        return decide(_R, f"tests ({plural(facts.tests, 'test')} by content)",
                      Signal("tests", facts.tests, 0, "test functions"))
    return _score(facts, fan_in, history, model)


#: the signals the score weighs, each a number (counts as log2(1 + n), flags as 0 or 1)
FEATURES = ("branches", "fan_in", "security", "hard", "path", "glue", "ui", "size", "history")


def features(facts: FileFacts, fan_in: int | None, history: tuple[int, int] | None) -> dict[str, float]:
    """The score's inputs for one file (unknown fan-in or history count as 0)."""
    return {
        "branches": math.log2(1 + facts.branches),
        "fan_in": math.log2(1 + (fan_in or 0)),
        "security": 1.0 if "security" in facts.hard else 0.0,
        "hard": 1.0 if [h for h in facts.hard if h != "security"] else 0.0,
        "path": 1.0 if _hard_dirs(facts.path) else 0.0,
        "glue": 1.0 if _is_glue(facts) else 0.0,
        "ui": 1.0 if facts.ui else 0.0,
        "size": math.log2(1 + facts.code_lines),
        "history": math.log2(1 + history[0]) if history is not None else 0.0,
    }


def trivial(facts: FileFacts, model: Model = MODEL) -> str | None:
    """Why a file is too small to be scaffolding (an empty placeholder, a one-line fixture), or None."""
    if facts.is_source:
        if facts.code_lines == 0:
            return "no code (empty, or only comments)"
        if facts.reexport:
            return f"only imports and module declarations ({plural(facts.code_lines, 'line')})"
        return None
    if facts.lines <= 3 and not facts.template_logic:
        return "empty" if facts.lines == 0 else f"a tiny fixture ({plural(facts.lines, 'line')})"
    return None


def _score(facts: FileFacts, fan_in: int | None, history: tuple[int, int] | None, model: Model) -> Verdict:
    """Core or not, for source code no decisive evidence settled."""
    frameworks = _foreign_frameworks(facts)
    glue = _is_glue(facts)
    feats = features(facts, fan_in, history)
    texts = {
        "branches": (facts.branches, plural(facts.branches, "branch point")),
        "size": (facts.code_lines, plural(facts.code_lines, "line") + " of code"),
        "fan_in": (fan_in, f"imported by {plural(fan_in or 0, 'file')}"),
        "security": ("security", "security imports (cryptography, tokens, authentication)"),
        "hard": (",".join(h for h in facts.hard if h != "security"),
                 " and ".join(h for h in facts.hard if h != "security") + " imports"),
        "path": (_hard_dirs(facts.path), f"under {_hard_dirs(facts.path)}/"),
        "glue": (_glue_text(facts, frameworks), _glue_text(facts, frameworks)),
        "ui": (True, "a UI component"),
    }
    if history is not None:
        commits, authors = history
        texts["history"] = (commits, f"{plural(commits, 'commit')} in the last year"
                            + (f" by {plural(authors, 'author')}" if authors > 1 else ""))
    signals = [Signal("bias", 1, model.bias, "starting point")]
    score = model.bias
    for name in FEATURES:
        if name not in texts or (name in ("security", "hard", "path", "glue", "ui") and not feats[name]):
            continue
        if name == "fan_in" and fan_in is None:
            continue
        w = getattr(model, name) * feats[name]
        score += w
        value, text = texts[name]
        signals.append(Signal(name, value if value is not None else 0, round(w, 2), text))
    score = round(score, 2)
    if score >= model.core_at:
        shown = sorted((s for s in signals if s.weight > 0 and s.name != "size"), key=lambda s: -s.weight)
        reason = ", ".join(s.text for s in shown[:3]) or "source code"
        return Verdict(_C, f"core: {reason}", tuple(signals), score)
    if facts.code_lines <= model.tiny_lines and facts.branches <= 1 and not facts.hard and not glue:
        return Verdict(_T, f"transient: tiny ({plural(facts.code_lines, 'line')} of code, no logic)",
                       tuple(signals), score)
    if glue or facts.ui:
        kind = "UI component" if facts.ui else _glue_kind(facts)
        detail = [_glue_text(facts, frameworks)] if glue else []
        detail.append("little branching" if facts.branches < 10 else plural(facts.branches, "branch point"))
        return Verdict(_R, f"repeatable: {kind} ({', '.join(detail)})", tuple(signals), score)
    detail = [plural(facts.branches, "branch point")]
    if fan_in:
        detail.append(f"imported by {plural(fan_in, 'file')}")
    return Verdict(_R, f"repeatable: common code ({', '.join(detail)}; below the core threshold)",
                   tuple(signals), score)


def _is_glue(facts: FileFacts) -> bool:
    """Written against a framework: imports one, or follows its handler patterns more than once."""
    return bool(_foreign_frameworks(facts)) or facts.handlers >= 2


def _foreign_frameworks(facts: FileFacts) -> tuple[str, ...]:
    """Frameworks imported from outside: a framework's own files import it by name too."""
    parts = {p.lower() for p in facts.path.split("/")[:-1]}
    return tuple(f for f in facts.frameworks if f.split("/")[-1].split(".")[0].lower() not in parts)


def _glue_text(facts: FileFacts, frameworks: tuple[str, ...]) -> str:
    bits = []
    if frameworks:
        bits.append("imports " + ", ".join(frameworks[:3]))
    if facts.handlers:
        bits.append(plural(facts.handlers, "handler"))
    return ", ".join(bits) or "framework glue"


def _glue_kind(facts: FileFacts) -> str:
    name = facts.path.lower()
    for word, kind in (("model", "data models"), ("entit", "entities"), ("schema", "schemas"),
                       ("serializer", "serializers"), ("route", "CRUD routes"), ("view", "views"),
                       ("controller", "controllers"), ("form", "forms"), ("admin", "admin glue"),
                       ("repositor", "a repository"), ("crud", "CRUD"), ("page", "a page"),
                       ("api/", "API routes"), ("endpoint", "API routes"), ("handler", "handlers")):
        if word in name:
            return kind
    return "framework glue"


def _hard_dirs(path: str) -> str:
    parts = path.split("/")[:-1]
    for i, part in enumerate(parts):
        if part.lower() in _HARD_DIRS:
            return "/".join(parts[: i + 1])
    return ""


def _judge_other(facts: FileFacts, place: Place | None, decide) -> Verdict:
    """Files that are not source code and that no built-in rule named."""
    name = posixpath.basename(facts.path).lower()
    if name.endswith(".ipynb"):
        why = place.why if place is not None else "a notebook"
        if facts.code_lines <= 3:
            return decide(_T, f"a tiny notebook ({plural(facts.code_lines, 'cell')})", Signal("notebook", True, 0, why))
        return decide(_R, f"a notebook ({why})", Signal("notebook", True, 0, "notebook"))
    if name.endswith((".tf", ".hcl")):
        return _judge_terraform(facts, place, decide)
    if facts.template_logic and facts.code_lines > 3:
        return decide(_R, f"a page template ({plural(facts.code_lines, 'line')} with template logic)",
                      Signal("template", True, 0, "template logic"))
    if facts.code_lines:
        return decide(_T, f"static markup ({plural(facts.code_lines, 'line')}, no template logic)",
                      Signal("template", False, 0, "static markup"))
    return decide(_T, "not source code (assets, data, text)", Signal("source", False, 0, "not source code"))


def _judge_terraform(facts: FileFacts, place: Place | None, decide) -> Verdict:
    name = posixpath.basename(facts.path).lower()
    lines = facts.code_lines
    if not lines:
        return decide(_T, "empty", Signal("code_lines", 0, 0, "no code"))
    if name in ("versions.tf", "providers.tf", "provider.tf", "backend.tf", "terraform.tf", "plugins.pkr.hcl"):
        return decide(_T, "provider and version requirements", Signal("config", True, 0, "requirements"))
    if place is not None and place.kind in ("example", "docs"):
        return decide(_R, place.why, Signal("place", place.kind, 0, place.why))
    if name in ("variables.tf", "outputs.tf", "migrations.tf", "moved.tf", "locals.tf"):
        if lines <= 12 and name in ("variables.tf", "outputs.tf"):
            return decide(_T, f"pass-through declarations ({plural(lines, 'line')})",
                          Signal("declarations", lines, 0, "few declarations"))
        return decide(_R, f"module interface declarations ({name})", Signal("declarations", True, 0, name))
    logic, resources = facts.iac_logic, facts.iac_resources
    what = f"{plural(resources, 'resource')}, {plural(logic, 'conditional')}"
    if logic >= 40 and resources >= 8:
        return decide(_C, f"infrastructure design ({what})", Signal("iac", logic, 0, what))
    return decide(_R, f"infrastructure module ({what})", Signal("iac", logic, 0, what))


def explain_lines(decision, model: Model = MODEL) -> list[str]:
    """Every signal of an evidence decision (a :class:`Verdict` or a ``Decision``) with its weight."""
    out = [getattr(decision, "reason", None) or decision.rule]
    if decision.score is not None:
        out.append(f"score {decision.score:+.2f} (core at {model.core_at:+.2f} or more)")
    for s in decision.signals:
        w = f"{s.weight:+.2f}" if s.weight or s.name == "bias" or decision.score is not None else "decisive"
        out.append(f"  {s.name:<11} {str(s.value):<24} {w:>9}  {s.text}")
    return out


def with_threshold(model: Model, core_at: float | None) -> Model:
    return model if core_at is None else replace(model, core_at=core_at)
