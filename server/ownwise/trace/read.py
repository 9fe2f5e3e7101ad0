"""Reading the records back: per commit and file the labelled ranges, from ownwise's records first, then
other tools' Agent Trace records, then git-ai's ``refs/notes/ai`` (read, never written) for lines
ownwise never saw."""

from __future__ import annotations

import json
import re
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from typing import Any

from .git import GIT_AI_REF, NOTES_REF, Repo
from .record import Label, Span, file_class, file_spans, is_ours, latest_ours, parse_note, revision


@dataclass(frozen=True)
class LineInfo:
    label: Label
    source: str  # ownwise, agent-trace (another tool's record), git-ai, none
    cls: str | None = None


NONE = LineInfo(Label("unknown"), "none")


class Notes:
    """The notes of some commits, read once."""

    def __init__(self, repo: Repo, commits: Iterable[str] | None = None) -> None:
        wanted = None if commits is None else list(dict.fromkeys(commits))
        self.trace = {c: parse_note(t) for c, t in repo.notes(NOTES_REF, wanted).items()}
        self.git_ai = {c: parse_git_ai(t) for c, t in repo.notes(GIT_AI_REF, wanted).items()}
        self._spans: dict[tuple[str, str], list[tuple[list[Span], str, str | None]]] = {}

    def ours(self, commit: str) -> Mapping[str, Any] | None:
        return latest_ours(self.trace.get(commit, []), commit)

    def layers(self, commit: str, path: str) -> list[tuple[list[Span], str, str | None]]:
        """``(spans, source, class)`` for the file in this commit, most trusted first."""
        key = (commit, path)
        if key not in self._spans:
            layers = []
            ours = self.ours(commit)
            if ours is not None:
                layers.append((file_spans(ours, path), "ownwise", file_class(ours, path)))
            for rec in self.trace.get(commit, []):
                if not is_ours(rec) and revision(rec) in (commit, None):
                    layers.append((file_spans(rec, path), "agent-trace", None))
            gai = self.git_ai.get(commit)
            if gai is not None and path in gai:
                layers.append((gai[path], "git-ai", None))
            self._spans[key] = layers
        return self._spans[key]

    def line(self, commit: str, path: str, line: int) -> LineInfo:
        """What the records say of one line of ``path`` as ``commit`` has it (1-based)."""
        cls = None
        for spans, source, c in self.layers(commit, path):
            cls = cls or c
            for sp in spans:
                if sp.start <= line <= sp.end and sp.label.type != "unknown":
                    return LineInfo(sp.label, source, cls)
        for spans, source, _c in self.layers(commit, path):
            for sp in spans:
                if sp.start <= line <= sp.end:
                    return LineInfo(sp.label, source, cls)
        return LineInfo(Label("unknown"), "none", cls)

    def has_any(self, commit: str) -> bool:
        return bool(self.trace.get(commit)) or commit in self.git_ai


# ------------------------------------------------------------------- git-ai
_RANGE = re.compile(r"^(\d+)(?:-(\d+))?$")


def parse_git_ai(text: str) -> dict[str, list[Span]]:
    """git-ai's authorship log (Git AI Standard v3.0.0): file lines, then indented ``key ranges``, a ``---``
    line, then JSON metadata naming each key's agent. ``h_`` keys are known humans; the others AI."""
    head, sep, tail = text.partition("\n---\n")
    if not sep:
        if text.startswith("---\n"):
            head, tail = "", text[4:]
        else:
            return {}
    try:
        meta = json.loads(tail) if tail.strip() else {}
    except ValueError:
        meta = {}
    if not isinstance(meta, dict):
        meta = {}
    out: dict[str, list[Span]] = {}
    path: str | None = None
    for line in head.splitlines():
        if not line.strip():
            continue
        if not line.startswith(" "):
            path = line[1:-1] if len(line) > 1 and line.startswith('"') and line.endswith('"') else line
            continue
        if path is None:
            continue
        parts = line.strip().split(" ")
        if len(parts) != 2:
            continue
        key, ranges = parts
        label = _git_ai_label(key, meta)
        for piece in ranges.split(","):
            m = _RANGE.match(piece)
            if m:
                s = int(m.group(1))
                e = int(m.group(2) or s)
                if 1 <= s <= e:
                    out.setdefault(path, []).append(Span(s, e, label))
    for spans in out.values():
        spans.sort(key=lambda sp: sp.start)
    return out


def _git_ai_label(key: str, meta: Mapping[str, Any]) -> Label:
    if key.startswith("h_"):
        return Label("human")
    table = meta.get("sessions") if key.startswith("s_") else meta.get("prompts")
    rec = table.get(key.split("::")[0]) if isinstance(table, dict) else None
    agent = rec.get("agent_id") if isinstance(rec, dict) else None
    tool = agent.get("tool") if isinstance(agent, dict) else None
    return Label("ai", None, tool if isinstance(tool, str) and tool else "git-ai")


__all__ = ["NONE", "LineInfo", "Notes", "parse_git_ai"]
