"""The Agent Trace record of one commit, built from labelled lines and read back (pure).

Agent Trace v0.1.0 (cursor/agent-trace, README's JSON Schema): ``version``, ``id``, ``timestamp``,
``vcs``, ``tool``, ``files[].conversations[].ranges[]`` with 1-based inclusive line numbers against
the committed file, a ``contributor`` per conversation and a ``content_hash`` per range.
ownwise's own knowledge is under ``metadata["dev.ownwise"]`` (docs/git.md): per file its ownership
class, and per AI, mixed or suspected range its kind, tool, explained state and the ids of the
edit events behind it. Never code, never an explanation's text.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections.abc import Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from typing import Any

SPEC_VERSION = "0.1.0"
TOOL = "ownwise"
META = "dev.ownwise"
META_FORMAT = 1
TYPES = ("ai", "mixed", "human", "unknown")
EXPLAINED = ("explained", "cannot", "pending")
#: ownwise's edit kinds as the record names them
KINDS = {"inlineCompletion": "inline", "inlineCompletionPartial": "inline", "chatEdit": "chat",
         "agentEdit": "agent", "suspected": "suspected"}
_SHA = re.compile(r"^[0-9a-f]{40}([0-9a-f]{24})?$")


@dataclass(frozen=True)
class Label:
    """Who wrote one committed line, as far as ownwise knows.

    ``type``: ``ai``, ``mixed`` (AI code the user typed into), ``human`` or ``unknown``;
    ``kind``: ``inline``, ``chat``, ``agent`` or ``suspected`` (a large insert with no hint:
    recorded as ``unknown``); ``tool``: the AI tool (a hint's source, or the coding agent);
    ``explained``: ``explained``, ``cannot`` (answered "I can't explain this yet") or ``pending``.
    ``events`` are ownwise's edit ids (opaque; they let the author's own machine refresh
    ``explained`` later); they do not take part in equality.
    """

    type: str
    kind: str | None = None
    tool: str | None = None
    explained: str | None = None
    events: tuple[str, ...] = field(default=(), compare=False)

    @property
    def is_ai(self) -> bool:
        return self.type in ("ai", "mixed")

    def key(self) -> tuple:
        return (self.type, self.kind, self.tool, self.explained)


HUMAN = Label("human")
UNKNOWN = Label("unknown")


def content_hash(texts: Iterable[str]) -> str:
    """``sha256:`` and the first 16 hex digits of SHA-256 over the lines (no line breaks, joined by \\n)."""
    joined = "\n".join(t.rstrip("\r") for t in texts)
    return "sha256:" + hashlib.sha256(joined.encode("utf-8", "surrogatepass")).hexdigest()[:16]


@dataclass
class FileLines:
    """One committed file: its ownership class and the lines the record covers (1-based) with their text
    and label."""

    path: str
    cls: str | None
    lines: dict[int, tuple[str, Label]]


@dataclass(frozen=True)
class Span:
    """A range read back from a record: 1-based, inclusive."""

    start: int
    end: int
    label: Label
    content_hash: str | None = None

    def __contains__(self, line: int) -> bool:
        return self.start <= line <= self.end


def spans(lines: Mapping[int, tuple[str, Label]]) -> list[tuple[int, int, Label, list[str]]]:
    """Runs of consecutive line numbers with the same label: ``(start, end, label, texts)``."""
    out: list[tuple[int, int, Label, list[str]]] = []
    for n in sorted(lines):
        text, label = lines[n]
        if out and out[-1][1] == n - 1 and out[-1][2].key() == label.key():
            s, _e, lab, texts = out[-1]
            events = lab.events + tuple(e for e in label.events if e not in lab.events)
            out[-1] = (s, n, Label(lab.type, lab.kind, lab.tool, lab.explained, events), texts + [text])
        else:
            out.append((n, n, label, [text]))
    return out


def build(commit: str, files: Iterable[FileLines], *, record_id: str, timestamp: str, version: str,
          author_stats: bool = False) -> dict[str, Any]:
    """The record of ``commit`` (a dict in the order the specification lists its fields)."""
    out_files: list[dict[str, Any]] = []
    meta_files: dict[str, Any] = {}
    for f in sorted(files, key=lambda f: f.path):
        runs = spans(f.lines)
        if not runs:
            continue
        conversations: dict[tuple, dict[str, Any]] = {}
        meta_ranges = []
        for start, end, label, texts in runs:
            key = (label.type, label.kind, label.tool)
            conv = conversations.get(key)
            if conv is None:
                conv = conversations[key] = {"contributor": {"type": label.type}, "ranges": []}
            conv["ranges"].append({"start_line": start, "end_line": end, "content_hash": content_hash(texts)})
            if label.kind is not None or label.is_ai:
                m: dict[str, Any] = {"start_line": start, "end_line": end, "type": label.type}
                for k in ("kind", "tool", "explained"):
                    if getattr(label, k) is not None:
                        m[k] = getattr(label, k)
                if label.events:
                    m["events"] = list(label.events)
                meta_ranges.append(m)
        out_files.append({"path": f.path, "conversations": list(conversations.values())})
        entry: dict[str, Any] = {"class": f.cls}
        if meta_ranges:
            entry["ranges"] = meta_ranges
        meta_files[f.path] = entry
    return {
        "version": SPEC_VERSION,
        "id": record_id,
        "timestamp": timestamp,
        "vcs": {"type": "git", "revision": commit},
        "tool": {"name": TOOL, "version": version},
        "files": out_files,
        "metadata": {META: {"format": META_FORMAT, "author_stats": bool(author_stats), "files": meta_files}},
    }


def dumps(record: Mapping[str, Any]) -> str:
    """One line of JSON (what a note holds per record)."""
    return json.dumps(record, ensure_ascii=False, separators=(",", ":"))


# ----------------------------------------------------------------- reading
def parse_note(text: str) -> list[dict[str, Any]]:
    """The records of a note: one JSON object per line; lines that are not one are left out."""
    out = []
    for line in text.splitlines():
        line = line.strip()
        if not line.startswith("{"):
            continue
        try:
            value = json.loads(line)
        except ValueError:
            continue
        if isinstance(value, dict) and isinstance(value.get("files"), list):
            out.append(value)
    return out


def revision(record: Mapping[str, Any]) -> str | None:
    vcs = record.get("vcs")
    rev = vcs.get("revision") if isinstance(vcs, dict) else None
    return rev if isinstance(rev, str) else None


def is_ours(record: Mapping[str, Any]) -> bool:
    tool = record.get("tool")
    return isinstance(tool, dict) and tool.get("name") == TOOL


def latest_ours(records: Iterable[Mapping[str, Any]], commit: str) -> Mapping[str, Any] | None:
    """ownwise's newest record for ``commit`` (several can meet in a merged note: the newest wins)."""
    best = None
    for r in records:
        if is_ours(r) and revision(r) in (commit, None):
            if best is None or str(r.get("timestamp", "")) > str(best.get("timestamp", "")):
                best = r
    return best


def author_stats(record: Mapping[str, Any]) -> bool:
    meta = record.get("metadata")
    own = meta.get(META) if isinstance(meta, dict) else None
    return bool(own.get("author_stats")) if isinstance(own, dict) else False


def file_class(record: Mapping[str, Any], path: str) -> str | None:
    meta = record.get("metadata")
    own = meta.get(META) if isinstance(meta, dict) else None
    files = own.get("files") if isinstance(own, dict) else None
    entry = files.get(path) if isinstance(files, dict) else None
    cls = entry.get("class") if isinstance(entry, dict) else None
    return cls if isinstance(cls, str) else None


def paths(record: Mapping[str, Any]) -> list[str]:
    return [f["path"] for f in record.get("files", []) if isinstance(f, dict) and isinstance(f.get("path"), str)]


def _int(v: Any) -> int | None:
    return v if isinstance(v, int) and not isinstance(v, bool) and v >= 1 else None


def file_spans(record: Mapping[str, Any], path: str) -> list[Span]:
    """The ranges a record gives ``path``, each with its label (ownwise's metadata joined in)."""
    meta: dict[tuple[int, int], Mapping[str, Any]] = {}
    m = record.get("metadata")
    own = m.get(META) if isinstance(m, dict) else None
    files = own.get("files") if isinstance(own, dict) else None
    entry = files.get(path) if isinstance(files, dict) else None
    if isinstance(entry, dict):
        for r in entry.get("ranges") or []:
            if isinstance(r, dict) and _int(r.get("start_line")) and _int(r.get("end_line")):
                meta[(r["start_line"], r["end_line"])] = r
    out: list[Span] = []
    for f in record.get("files", []):
        if not isinstance(f, dict) or f.get("path") != path:
            continue
        for conv in f.get("conversations") or []:
            if not isinstance(conv, dict):
                continue
            conv_c = conv.get("contributor")
            contributor: dict[str, Any] = conv_c if isinstance(conv_c, dict) else {}
            for r in conv.get("ranges") or []:
                if not isinstance(r, dict):
                    continue
                s, e = _int(r.get("start_line")), _int(r.get("end_line"))
                if s is None or e is None or e < s:
                    continue
                range_c = r.get("contributor")
                c: dict[str, Any] = range_c if isinstance(range_c, dict) else contributor
                t = str(c.get("type")) if c.get("type") in TYPES else "unknown"
                extra = meta.get((s, e), {})
                tool = extra.get("tool")
                if tool is None and not is_ours(record):
                    tool = (record.get("tool") or {}).get("name") if isinstance(record.get("tool"), dict) else None
                model = c.get("model_id")
                label = Label(t, _str(extra.get("kind")), _str(tool) or _str(model),
                              _str(extra.get("explained")) if t in ("ai", "mixed") else None,
                              tuple(x for x in extra.get("events") or [] if isinstance(x, str)))
                ch = r.get("content_hash")
                out.append(Span(s, e, label, ch if isinstance(ch, str) else None))
    out.sort(key=lambda sp: sp.start)
    return out


def _str(v: Any) -> str | None:
    return v if isinstance(v, str) and v else None


def label_at(spans_: Iterable[Span], line: int) -> Label | None:
    for sp in spans_:
        if line in sp:
            return sp.label
    return None


def iter_lines(spans_: Iterable[Span]) -> Iterator[tuple[int, Label]]:
    for sp in spans_:
        for n in range(sp.start, sp.end + 1):
            yield n, sp.label


def valid_revision(sha: str) -> bool:
    return bool(_SHA.match(sha))


__all__ = ["EXPLAINED", "HUMAN", "KINDS", "META", "SPEC_VERSION", "TOOL", "TYPES", "UNKNOWN", "FileLines",
           "Label", "Span", "author_stats", "build", "content_hash", "dumps", "file_class", "file_spans",
           "is_ours", "iter_lines", "label_at", "latest_ours", "parse_note", "paths", "revision", "spans",
           "valid_revision"]
