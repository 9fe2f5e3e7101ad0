"""Mirror exactness at scale: random incremental edits against a reference model.

``TrackedDocument`` (the pure mirror) gets 10,000 random edits in CI and 100,000
under ``--soak``: insertions, deletions and replacements spanning lines, several
content changes per ``didChange``, whole-document changes, positions past the end
and reversed ranges, on LF, CRLF, CR and mixed documents with é, 中, 😀 and
characters that are *not* LSP line breaks (U+2028, U+0085, form feed), under
every hint kind, with re-inserted removed text (undo, redo, paste, moves).

The reference model works on the whole text as one string: each change is a
splice at offsets found by walking UTF-16 (or UTF-8, UTF-32) code units, and the
line tags follow the attribution rules of docs/protocol.md, computed from the
offsets of the prefix, the inserted text and the suffix. After every edit the
mirrored text, its lines and the tags must equal the reference; every
``CHECK_EVERY`` edits and at the end also the ranges and the counts.

One server-level variant sends a few thousand such edits through the real server
(raw JSON-RPC) on a CRLF document with astral characters and compares
``fileInfo``'s ``textHash`` and ``aiRanges`` with the same reference.
"""

from __future__ import annotations

import random
import re
import time
from collections import OrderedDict, deque

import pytest

from ownwise.attribution import Change, EditKind, Tag, TrackedDocument
from ownwise.attribution.model import SUSPECTED

from .conftest import scaled
from .test_hostile_input import RawServer, text_hash

SEED = 7_2026
CHECK_EVERY = 50

# ------------------------------------------------------------------ reference

_BREAK = re.compile(r"\r\n|\r|\n")


def ref_lines(text: str) -> list[str]:
    """LSP lines, each with its break; the last one without (maybe empty)."""
    out, pos = [], 0
    for m in _BREAK.finditer(text):
        out.append(text[pos:m.end()])
        pos = m.end()
    out.append(text[pos:])
    return out


def content(line: str) -> str:
    return line.rstrip("\r\n")


def blank(s: str) -> bool:
    return not s or s.isspace()


def squash(s: str) -> str:
    return "".join(c for c in s if not c.isspace())


def units(ch: str, encoding: str) -> int:
    o = ord(ch)
    if encoding == "utf-16":
        return 2 if o > 0xFFFF else 1
    if encoding == "utf-8":
        return 1 if o < 0x80 else 2 if o < 0x800 else 3 if o < 0x10000 else 4
    return 1


def clamp(text: str, lines: list[str], line: int, char: int, encoding: str) -> tuple[int, int]:
    """(line, offset into text) of an LSP position, clamped as docs/protocol.md says: negative
    values to 0, a line past the last to the end of the document, a column past its line's end
    to that end (a column inside a character, e.g. between UTF-16 surrogates, to after it)."""
    line, char = max(line, 0), max(char, 0)
    if line >= len(lines):
        return len(lines) - 1, len(text)
    start = sum(len(x) for x in lines[:line])
    body = content(lines[line])
    i = n = 0
    while i < len(body) and n < char:
        n += units(body[i], encoding)
        i += 1
    return line, start + i


def splice_range(text: str, l1: int, c1: int, l2: int, c2: int, encoding: str) -> tuple[int, int]:
    lines = ref_lines(text)
    a = clamp(text, lines, l1, c1, encoding)[1]
    b = clamp(text, lines, l2, c2, encoding)[1]
    return min(a, b), max(a, b)


AI = {"inlineCompletion", "inlineCompletionPartial", "chatEdit", "agentEdit"}
RESTORING = {None, "undo", "redo", "paste"}


class Reference:
    """The document as one string, and one tag (or None) per line, by the documented rules."""

    REMOVED = 32
    DELETED = 16

    def __init__(self, text: str, encoding: str = "utf-16") -> None:
        self.text = text
        self.encoding = encoding
        self.tags: list[Tag | None] = [None] * len(ref_lines(text))
        self.removed: OrderedDict[str, tuple] = OrderedDict()
        self.deleted: deque[str] = deque(maxlen=self.DELETED)

    def offset(self, lines: list[str], line: int, char: int) -> tuple[int, int]:
        return clamp(self.text, lines, line, char, self.encoding)

    def whole_as_range(self, new_text: str):
        """A whole-text change narrowed to the lines that differ (None: no change)."""
        old, new = ref_lines(self.text), ref_lines(new_text)
        p = 0
        while p < min(len(old), len(new)) and old[p] == new[p]:
            p += 1
        if p == len(old) == len(new):
            return None
        s = 0
        while s < min(len(old), len(new)) - p and old[-1 - s] == new[-1 - s]:
            s += 1
        if s == 0:
            return "".join(new[p:]), (p, 0), (len(old) - 1, 1 << 40)
        return "".join(new[p:len(new) - s]), (p, 0), (len(old) - s, 0)

    def apply(self, changes: list, hint: str | None, source: str | None, event: str) -> None:
        for ch in changes:
            if ch[0] == "whole":
                r = self.whole_as_range(ch[1])
                if r is None:
                    continue
                ins, (l1, c1), (l2, c2) = r
            else:
                _, ins, l1, c1, l2, c2 = ch
            self._one(ins, l1, c1, l2, c2, hint, source, event)

    def _one(self, ins, l1, c1, l2, c2, hint, source, event) -> None:
        text, lines, tags = self.text, ref_lines(self.text), self.tags
        starts = [0]
        for x in lines:
            starts.append(starts[-1] + len(x))
        sl, a = self.offset(lines, l1, c1)
        el, b = self.offset(lines, l2, c2)
        if b < a:
            sl, a, el, b = el, b, sl, a
        removed = text[a:b]
        new_text = text[:a] + ins + text[b:]
        new_lines = ref_lines(new_text)
        # the lines that change: from sl (or sl-1 when "\r" + "\n" join into one break) to el
        ws = sl if sl == 0 or new_lines[sl - 1] == lines[sl - 1] else sl - 1
        tail = len(lines) - 1 - el
        assert new_lines[:ws] == lines[:ws] and (tail == 0 or new_lines[-tail:] == lines[-tail:])
        window = new_lines[ws:len(new_lines) - tail]
        old_tags = tags[ws:el + 1]
        prefix = text[starts[ws]:a]
        suffix = text[b:starts[el + 1]]
        m = len(window)

        ins_nonws, del_nonws = not blank(ins), not blank(removed)
        if del_nonws:
            # "a text removed ... while its lines carried tags": tag of line j of the removed text
            if any(t is not None for t in tags[sl:el + 1]):
                pieces = ref_lines(removed)
                self.removed[removed] = tuple(tags[sl + j] if sl + j <= el else None
                                              for j in range(len(pieces)))
                self.removed.move_to_end(removed)
                while len(self.removed) > self.REMOVED:
                    self.removed.popitem(last=False)
            self.deleted.append(squash(removed))
        ai = hint in AI
        restored = self.removed.get(ins) if ins_nonws and hint in RESTORING else None
        suspect = False
        if hint is None and restored is None and ins_nonws:
            if sum(1 for p in ref_lines(ins) if not blank(p)) >= 2 or len(squash(ins)) >= 80:
                suspect = squash(ins) not in self.deleted
        fmt = hint == "format" or (not ins_nonws and not del_nonws and not ai)

        if sl == el:
            del_first = del_last = del_nonws
        else:
            del_first = not blank(text[a:starts[sl] + len(content(lines[sl]))])
            del_last = not blank(text[starts[el]:b])
        carry_first = old_tags[0] if not blank(prefix) else None
        carry_last = old_tags[-1] if not blank(suffix) else None
        if m == 1:
            if carry_first is None:
                carry_first, del_first = carry_last, del_last
            del_last = del_first

        ins_from, ins_to = len(prefix), len(prefix) + len(ins)
        ins_pieces = ref_lines(ins)
        new_tags: list[Tag | None] = []
        combined = prefix + ins + suffix
        pos = 0
        for j, line in enumerate(window):
            lo, hi = max(pos, ins_from), min(pos + len(line), ins_to)
            pos += len(line)
            piece = combined[lo:hi] if lo < hi else ""
            has = not blank(piece)
            middle = 0 < j < m - 1
            carried = carry_first if j == 0 else carry_last if j == m - 1 else None
            if ai:
                new_tags.append(Tag(hint, source, event) if has or (middle and ins_nonws) else carried)
            elif restored is not None and j < len(ins_pieces) and (has or middle):
                rtag = restored[j] if j < len(restored) else None
                new_tags.append(rtag if rtag is not None else carried)
            elif suspect and (has or middle):
                new_tags.append(Tag(SUSPECTED, None, event))
            elif fmt:
                if carried is None and old_tags:
                    carried = old_tags[min(j, len(old_tags) - 1)]
                new_tags.append(carried)
            else:
                touched = has or (j == 0 and del_first) or (j == m - 1 and del_last)
                new_tags.append(Tag(carried.kind, carried.source, carried.event, True)
                                if carried is not None and touched else carried)
        self.text = new_text
        self.tags = tags[:ws] + new_tags + tags[el + 1:]

    def ranges(self) -> list[tuple]:
        out, i = [], 0
        while i < len(self.tags):
            t = self.tags[i]
            if t is None:
                i += 1
                continue
            j = i
            while j + 1 < len(self.tags) and self.tags[j + 1] == t:
                j += 1
            out.append((i, j, t.kind, t.source, t.human_modified))
            i = j + 1
        return out


# ------------------------------------------------------------------ generator

PIECES = ["a", "b", "z", "_", "(", ")", ":", "=", " ", "  ", "\t", "é", "中", "😀", "\u2028", "\x85", "\x0c",
          "def f():", "return x", "# note", "    ", "x = 1"]
BREAKS = {"lf": ["\n"], "crlf": ["\r\n"], "cr": ["\r"], "mixed": ["\n", "\r\n", "\r", "\r"]}
HINTS = [None] * 6 + ["human"] * 3 + ["inlineCompletion", "inlineCompletionPartial", "chatEdit", "agentEdit"] * 2 \
    + ["paste", "undo", "redo", "format", "externalReload"] * 2


def make_text(rng: random.Random, style: str, n: int) -> str:
    out = []
    for _ in range(n):
        if rng.random() < 0.15:
            out.append(rng.choice(BREAKS[style]) if rng.random() < 0.9 else rng.choice(["\n", "\r\n", "\r"]))
        else:
            out.append(rng.choice(PIECES))
    return "".join(out)


def ai_block(rng: random.Random, style: str) -> str:
    br = rng.choice(BREAKS[style])
    return "".join(f"    v{rng.randint(0, 99)} = '{rng.choice(['é', '中', '😀', 'ok'])}'{br}"
                   for _ in range(rng.randint(1, 6)))


def column(line_text: str, idx: int, encoding: str) -> int:
    return sum(units(c, encoding) for c in line_text[:idx])


class Editor:
    """Draws edits for a document whose text the reference holds."""

    def __init__(self, rng: random.Random, style: str, encoding: str) -> None:
        self.rng, self.style, self.encoding = rng, style, encoding
        self.recent_removed: deque[str] = deque(maxlen=64)  # older than the caches too

    def position(self, lines: list[str]) -> tuple[int, int, int]:
        """(line, column, offset) of a random character boundary inside a line."""
        rng = self.rng
        ln = rng.randrange(len(lines))
        idx = rng.randint(0, len(content(lines[ln])))
        return ln, column(lines[ln], idx, self.encoding), sum(len(x) for x in lines[:ln]) + idx

    def changes(self, text: str) -> tuple[list, str | None]:
        rng = self.rng
        hint = rng.choice(HINTS)
        if len(text) > 4000:  # keep it small: cut from the start to past the middle
            lines = ref_lines(text)
            ln = rng.randrange(len(lines) // 2, len(lines))
            return [("range", "", 0, 0, ln, 0)], rng.choice([None, "human", "undo"])
        if rng.random() < 0.03:
            return [("whole", make_text(rng, self.style, rng.randint(0, 120)))], hint
        out = []
        shadow = text
        for _ in range(1 if rng.random() < 0.85 else rng.randint(2, 4)):
            lines = ref_lines(shadow)
            l1, c1, o1 = self.position(lines)
            l2, c2, o2 = (l1, c1, o1) if rng.random() < 0.35 else self.position(lines)
            if (o2, l2) < (o1, l1) and rng.random() < 0.9:  # else: start after end, swapped
                l1, c1, o1, l2, c2, o2 = l2, c2, o2, l1, c1, o1
            if rng.random() < 0.04:  # past the end of the document or of the line, or negative
                l2, c2 = rng.choice([(len(lines) + rng.randint(0, 5), rng.randint(0, 9)),
                                     (l2, c2 + rng.randint(1, 40)), (l2, -1)])
                if rng.random() < 0.3:
                    l1 = -rng.randint(1, 3)
            if hint in AI and rng.random() < 0.6:
                ins = ai_block(rng, self.style)
            elif self.recent_removed and rng.random() < 0.12:  # undo, redo, a move or a paste
                ins = rng.choice(self.recent_removed)
            elif rng.random() < 0.15:
                ins = ""
            else:
                ins = make_text(rng, self.style, rng.randint(1, 14) if rng.random() < 0.9 else rng.randint(20, 60))
            lo, hi = splice_range(shadow, l1, c1, l2, c2, self.encoding)
            if hi > lo:
                self.recent_removed.append(shadow[lo:hi])
            out.append(("range", ins, l1, c1, l2, c2))
            shadow = shadow[:lo] + ins + shadow[hi:]
        return out, hint


def to_changes(changes: list) -> list[Change]:
    out = []
    for ch in changes:
        if ch[0] == "whole":
            out.append(Change.replace_all(ch[1]))
        else:
            _, ins, l1, c1, l2, c2 = ch
            out.append(Change(ins, l1, c1, l2, c2))
    return out


def check(doc: TrackedDocument, ref: Reference, step: int, full: bool) -> None:
    assert doc.text == ref.text, f"edit {step}: text differs"
    assert doc.lines == ref_lines(ref.text), f"edit {step}: lines differ"
    assert doc.tags == ref.tags, f"edit {step}: tags differ: {first_diff(doc.tags, ref.tags)}"
    if full:
        got = [(r.start_line, r.end_line, r.kind, r.source, r.human_modified) for r in doc.ranges()]
        assert got == ref.ranges(), f"edit {step}: ranges differ"
        ai = sum(1 for t in ref.tags if t and t.kind != SUSPECTED and not t.human_modified)
        hm = sum(1 for t in ref.tags if t and t.kind != SUSPECTED and t.human_modified)
        sus = sum(1 for t in ref.tags if t and t.kind == SUSPECTED)
        assert (doc.ai_lines(), doc.human_modified_lines(), doc.suspected_lines()) == (ai, hm, sus), f"edit {step}"


def first_diff(a: list, b: list) -> str:
    for i, (x, y) in enumerate(zip(a, b)):
        if x != y:
            return f"line {i}: mirror {x} != reference {y}"
    return f"lengths {len(a)} != {len(b)}"


STYLES = ["lf", "crlf", "cr", "mixed"]


@pytest.mark.parametrize(("encoding", "chunk"), [
    ("utf-16", TrackedDocument.CHUNK_LINES), ("utf-8", TrackedDocument.CHUNK_LINES),
    ("utf-32", TrackedDocument.CHUNK_LINES),
    # chunks of 3 lines: nearly every edit meets a chunk boundary of the mirror's Lines
    ("utf-16", 3),
])
def test_mirror_and_ai_lines_equal_the_reference(soak, encoding, chunk, monkeypatch):
    monkeypatch.setattr(TrackedDocument, "CHUNK_LINES", chunk)
    total = scaled(soak, 10_000, 100_000) // (1 if encoding == "utf-16" and chunk > 3 else 5)
    rng = random.Random(f"{SEED}-{encoding}-{chunk}")
    t0 = time.perf_counter()
    done = tagged = clamped = multi = restored_hits = 0
    per_doc = total // len(STYLES)
    for style in STYLES:
        text = make_text(rng, style, 200)
        doc = TrackedDocument("file:///fuzz/" + style, text, encoding=encoding)
        ref = Reference(text, encoding)
        editor = Editor(rng, style, encoding)
        events = iter(range(10**9))
        for step in range(per_doc):
            changes, hint = editor.changes(ref.text)
            source = "fuzz" if hint in AI else None
            event = f"ev{next(events)}"
            kind = EditKind(hint) if hint else None
            result = doc.apply(to_changes(changes), kind, source if hint in AI else None,
                               new_event_id=lambda e=event: e)
            ref.apply(changes, hint, source if hint in AI else None, event)
            check(doc, ref, done, full=step % CHECK_EVERY == 0)
            done += 1
            multi += len(changes) > 1
            clamped += bool(result.warnings)
            restored_hits += result.restored_lines > 0
            tagged += result.event is not None
        check(doc, ref, done, full=True)
    elapsed = time.perf_counter() - t0
    print(f"\nmirror fuzz ({encoding}, chunks of {chunk} lines): {done} edits on {len(STYLES)} documents, "
          f"{tagged} AI or suspected events, "
          f"{restored_hits} restoring tags, {multi} with several changes, {clamped} clamped, "
          f"{elapsed:.1f} s")
    assert done == per_doc * len(STYLES)


def test_text_removed_from_an_untagged_line_after_a_cr_is_not_restored_as_tagged():
    """Regression (found by the reference above): deleting "xy" at the start of the line after
    "ai\\r" widens the change to that AI line (its "\\r" and the "\\n" left behind join into one
    break). The removed text was then cached as if its lines carried tags, so typing "xy" into
    AI code later was taken for a restore and the line was not marked human-modified."""
    text = "q\r\nxy\nz"
    doc, ref = TrackedDocument("u", text), Reference(text)
    steps = [([("range", "ai\r", 0, 0, 1, 0)], "chatEdit"), ([("range", "", 1, 0, 1, 2)], "human"),
             ([("range", "bot\n", 1, 0, 1, 0)], "chatEdit"), ([("range", "xy", 1, 1, 1, 1)], None)]
    for n, (changes, hint) in enumerate(steps):
        doc.apply(to_changes(changes), EditKind(hint) if hint else None, new_event_id=lambda n=n: f"e{n}")
        ref.apply(changes, hint, None, f"e{n}")
        check(doc, ref, n, full=True)
    assert doc.text == "ai\r\nbxyot\nz"
    assert [t.human_modified for t in doc.tags[:2]] == [True, True]


# ------------------------------------------------------------- through the server


def test_mirror_through_the_real_server_on_a_crlf_document(tmp_path, soak):
    edits = scaled(soak, 3_000, 20_000)
    rng = random.Random(SEED)
    ws = tmp_path / "ws"
    (ws / "src").mkdir(parents=True)
    server = RawServer(tmp_path)
    t0 = time.perf_counter()
    mismatches: list[str] = []
    try:
        # the reference models the rules of one document: the evidence across documents
        # (attribution/provenance.py, tests/unit/test_provenance.py) is off here
        server.initialize(ws, {"attribution": {"evidence": False}})
        uri = (ws / "src" / "crlf.py").as_uri()
        text = "".join(f"row_{i} = '😀{'中' * (i % 3)}é'\r\n" for i in range(40))
        server.notify("textDocument/didOpen", {"textDocument": {
            "uri": uri, "languageId": "python", "version": 1, "text": text}})
        ref = Reference(text)
        editor = Editor(rng, "crlf", "utf-16")
        version = 1
        checks = 0

        def compare(step: int) -> None:
            info = server.request("ownwise/fileInfo", {"uri": uri, "textHash": True})["result"]
            got = [(r["startLine"], r["endLine"], r["kind"], r["source"], r["humanModified"])
                   for r in info["aiRanges"]]
            if info["textHash"] != text_hash(ref.text):
                mismatches.append(f"edit {step}: textHash differs")
            elif got != ref.ranges():
                mismatches.append(f"edit {step}: aiRanges differ: {got} != {ref.ranges()}")

        for step in range(edits):
            changes, hint = editor.changes(ref.text)
            if any(ch[0] == "range" and (ch[2] < 0 or ch[3] < 0 or ch[4] < 0 or ch[5] < 0) for ch in changes):
                continue  # negative positions are not valid LSP (uinteger): the server ignores the message
            version += 1
            source = "fuzz" if hint in AI else None
            if hint is not None:
                server.notify("ownwise/editHint", {"uri": uri, "kind": hint, "version": version, "source": source})
            server.notify("textDocument/didChange", {
                "textDocument": {"uri": uri, "version": version},
                "contentChanges": [{"text": ch[1]} if ch[0] == "whole" else {
                    "range": {"start": {"line": ch[2], "character": ch[3]},
                              "end": {"line": ch[4], "character": ch[5]}}, "text": ch[1]} for ch in changes]})
            ref.apply(changes, hint, source, f"ev{step}")
            if step % 250 == 249:
                compare(step)
                checks += 1
        compare(edits)
        elapsed = time.perf_counter() - t0
        assert server.shutdown_exit() == 0
    finally:
        server.close()
    print(f"\nmirror through the server: {version - 1} edits on a CRLF document with astral characters, "
          f"{checks + 1} comparisons of textHash and aiRanges, {elapsed:.1f} s")
    assert not mismatches, mismatches[:5]
