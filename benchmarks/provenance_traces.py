"""Write labelled edit traces for the hint-less attribution benchmark (``provenance_eval.py``).

Each trace is one editing session over two or three open documents, as a client
without hints (Neovim 0.7, Helix, Emacs) would send it: ``didOpen``, incremental
``didChange``s with their times, ``didClose``. Every change that inserts
non-blank text carries a ``label`` saying where the text really came from:

``typing``      one keystroke (or an auto-closed pair)
``completion``  a completion item accepted after a typed prefix (the rest of a word)
``ai``          an AI inline completion accepted at the cursor (one line, or several)
``ai-edit``     an AI chat or agent edit applied in the buffer (whole lines replaced or added)
``paste``       text copied from an open document (or one closed a moment ago) and pasted
``paste-web``   text pasted from outside the editor (a web page, another project)
``duplicate``   lines duplicated in place (copy line down)
``move``        text cut and pasted, in the same document or into another one
``snippet``     a snippet expanded from its trigger (in one change, or as a deletion and an insert)
``undo``        an undo that brings deleted text back

``ai`` and ``ai-edit`` are the positives. The code the edits insert is real code:
functions and methods from this repository's sources (each trace's documents,
AI inserts and outside pastes come from different files, so an AI insert is
never already in an open document). The output is data: the benchmark reads
it and never this script, so the figures stay reproducible while the sources
change. ``--seed`` and ``--split`` choose the material: ``dev`` (the files at
even positions, the traces used while building the rules) and ``check`` (the
odd ones, another seed: looked at only to report).

    .venv/bin/python benchmarks/provenance_traces.py --split dev --out benchmarks/provenance_traces/dev.jsonl.gz
    .venv/bin/python benchmarks/provenance_traces.py --split check --out benchmarks/provenance_traces/check.jsonl.gz
"""

from __future__ import annotations

import argparse
import gzip
import json
import random
import re
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

#: (trigger, body) snippets as editors ship them (VS Code's Python and TypeScript snippets, LuaSnip's)
SNIPPETS = [
    ("for", "for item in iterable:\n    pass"),
    ("def", "def function_name(args):\n    \"\"\"Docstring.\"\"\"\n    pass"),
    ("try", "try:\n    pass\nexcept Exception as e:\n    raise e"),
    ("cl", "class ClassName:\n    def __init__(self):\n        pass"),
    ("ifmain", "if __name__ == \"__main__\":\n    main()"),
    ("with", "with expression as target:\n    pass"),
    ("while", "while condition:\n    pass"),
    ("if", "if condition:\n    pass"),
    ("ife", "if condition:\n    pass\nelse:\n    pass"),
    ("lambda", "lambda args: expression"),
    ("forr", "for i in range(len(items)):\n    item = items[i]"),
    ("fn", "function name(params) {\n  \n}"),
    ("log", "console.log(\"message\");"),
    ("tryc", "try {\n  \n} catch (error) {\n  console.error(error);\n}"),
    ("forof", "for (const item of items) {\n  \n}"),
    ("prop", "@property\ndef name(self):\n    return self._name"),
]

_DEF = re.compile(r"^(\s*)(?:async\s+)?(?:def|class)\s")


def blocks_of(path: Path) -> list[str]:
    """The functions, methods and classes of one Python file, each as its lines' text."""
    lines = path.read_text(encoding="utf-8").splitlines()
    out: list[str] = []
    i = 0
    while i < len(lines):
        m = _DEF.match(lines[i])
        if not m:
            i += 1
            continue
        indent = len(m.group(1))
        j = i + 1
        while j < len(lines) and (not lines[j].strip() or len(lines[j]) - len(lines[j].lstrip()) > indent):
            j += 1
        body = lines[i:j]
        while body and not body[-1].strip():
            body.pop()
        text = "\n".join(line[indent:] for line in body)
        if text.isascii() and 3 <= len(body) <= 40:
            out.append(text)
        i = j if indent == 0 else i + 1
    return out


def material(split: str) -> list[list[str]]:
    """Code blocks per source file, the files of this split."""
    files = sorted((ROOT / "server" / "ownwise").rglob("*.py"))
    files = [f for k, f in enumerate(files) if (k % 2 == 0) == (split == "dev")]
    per_file = [blocks_of(f) for f in files]
    return [b for b in per_file if len(b) >= 2]


class Doc:
    """The generator's copy of one open document: its lines, as the client has them."""

    def __init__(self, uri: str, text: str) -> None:
        self.uri = uri
        self.lines = text.split("\n")

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    def replace(self, l1: int, c1: int, l2: int, c2: int, text: str) -> dict:
        removed_prefix = self.lines[l1][:c1]
        removed_suffix = self.lines[l2][c2:]
        new = (removed_prefix + text + removed_suffix).split("\n")
        self.lines[l1 : l2 + 1] = new
        return {"range": [l1, c1, l2, c2], "text": text}

    def removed(self, l1: int, c1: int, l2: int, c2: int) -> str:
        if l1 == l2:
            return self.lines[l1][c1:c2]
        return "\n".join([self.lines[l1][c1:], *self.lines[l1 + 1 : l2], self.lines[l2][:c2]])


class Session:
    def __init__(self, rng: random.Random, blocks: list[list[str]], name: str) -> None:
        self.rng = rng
        self.t = 0.0
        self.events: list[dict] = []
        self.name = name
        files = rng.sample(range(len(blocks)), k=min(len(blocks), 6))
        self.outside = [b for f in files[3:] for b in blocks[f]]  # AI and the web: other files
        self.docs: list[Doc] = []
        for k, f in enumerate(files[:3] if rng.random() < 0.6 else files[:2]):
            text = "\n\n\n".join(rng.sample(blocks[f], k=min(len(blocks[f]), rng.randint(2, 6)))) + "\n"
            d = Doc(f"file:///ws/src/mod{k}.py", text)
            self.docs.append(d)
            self.emit("open", d, text=text)
        self.closed: list[str] = []

    # ------------------------------------------------------------ plumbing
    def emit(self, op: str, doc: Doc, **kw: object) -> None:
        self.events.append({"t": round(self.t, 3), "op": op, "uri": doc.uri, **kw})

    def change(self, doc: Doc, changes: list[dict], label: str | None) -> None:
        ev: dict = {"changes": changes}
        if label is not None:
            ev["label"] = label
        self.emit("change", doc, **ev)

    def wait(self, lo: float, hi: float) -> None:
        self.t += self.rng.uniform(lo, hi)

    def pick_doc(self) -> Doc:
        return self.rng.choice(self.docs)

    def blank_line_at(self, doc: Doc) -> tuple[int, str]:
        """Open a new line after a random line (typed Enter); the new line's indentation."""
        n = self.rng.randrange(len(doc.lines))
        line = doc.lines[n]
        indent = line[: len(line) - len(line.lstrip())]
        self.wait(0.5, 4.0)
        self.change(doc, [doc.replace(n, len(line), n, len(line), "\n" + indent)], "typing")
        return n + 1, indent

    def type_text(self, doc: Doc, line: int, col: int, text: str) -> int:
        """Type ``text`` (one line) at (line, col), key by key; the column after it."""
        for ch in text:
            self.wait(0.06, 0.35)
            self.change(doc, [doc.replace(line, col, line, col, ch)], "typing")
            col += 1
        return col

    def indent(self, text: str, indent: str) -> str:
        return "\n".join((indent + s) if s and k else s for k, s in enumerate(text.split("\n")))

    def block(self, lo: int = 2, hi: int = 14) -> str:
        b = self.rng.choice(self.outside).split("\n")
        n = self.rng.randint(lo, min(hi, len(b)))
        start = self.rng.randint(0, len(b) - n)
        lines = b[start : start + n]
        pad = min((len(s) - len(s.lstrip()) for s in lines if s.strip()), default=0)
        return "\n".join(s[pad:] for s in lines)

    def doc_lines(self, doc: Doc, lo: int, hi: int) -> tuple[int, int] | None:
        """A run of lines holding code in ``doc``: (first, last)."""
        code = [k for k, s in enumerate(doc.lines) if s.strip()]
        if len(code) < lo:
            return None
        first = self.rng.choice(code)
        last = min(len(doc.lines) - 1, first + self.rng.randint(lo, hi) - 1)
        return first, last

    # -------------------------------------------------------------- steps
    def ai_inline(self) -> None:
        d = self.pick_doc()
        line, indent = self.blank_line_at(d)
        code = self.block(1, 12)
        first, _, rest = code.partition("\n")
        k = self.rng.randint(0, max(0, min(len(first) - 1, 12)))
        col = self.type_text(d, line, len(indent), first[:k])
        self.wait(0.6, 3.0)
        text = first[k:] + ("\n" + self.indent(rest, indent) if rest else "")
        self.change(d, [d.replace(line, col, line, col, text)], "ai")

    def ai_edit(self) -> None:
        """A chat or agent edit applied in the buffer: lines replaced by new ones, or added."""
        d = self.pick_doc()
        code = self.block(3, 20) + "\n"
        span = self.doc_lines(d, 2, 10)
        self.wait(5.0, 40.0)
        if span is None or self.rng.random() < 0.4:
            n = self.rng.randrange(len(d.lines))
            self.change(d, [d.replace(n, 0, n, 0, code)], "ai-edit")
        else:
            a, b = span
            self.change(d, [d.replace(a, 0, b + 1 if b + 1 < len(d.lines) else b,
                                      0 if b + 1 < len(d.lines) else len(d.lines[b]), code)], "ai-edit")

    def paste(self) -> None:
        src = self.pick_doc()
        span = self.doc_lines(src, 1, 12)
        if span is None:
            return
        a, b = span
        whole = self.rng.random() < 0.6
        text = src.removed(a, 0, b, len(src.lines[b])) + ("\n" if whole else "")
        self.wait(1.0, 8.0)
        dst = self.pick_doc()
        if whole:
            n = self.rng.randrange(len(dst.lines))
            self.change(dst, [dst.replace(n, 0, n, 0, text)], "paste")
        else:
            line, indent = self.blank_line_at(dst)
            self.change(dst, [dst.replace(line, len(indent), line, len(indent), text.lstrip())], "paste")

    def paste_from_closed(self) -> None:
        if len(self.docs) < 3:
            return self.paste()
        src = self.docs.pop()
        span = self.doc_lines(src, 2, 10)
        self.wait(0.5, 2.0)
        self.emit("close", src)
        if span is None:
            return None
        a, b = span
        text = src.removed(a, 0, b, len(src.lines[b])) + "\n"
        self.wait(1.0, 5.0)
        dst = self.pick_doc()
        n = self.rng.randrange(len(dst.lines))
        self.change(dst, [dst.replace(n, 0, n, 0, text)], "paste")
        return None

    def paste_web(self) -> None:
        d = self.pick_doc()
        text = self.block(2, 15) + "\n"
        self.wait(3.0, 30.0)
        n = self.rng.randrange(len(d.lines))
        self.change(d, [d.replace(n, 0, n, 0, text)], "paste-web")

    def duplicate(self) -> None:
        d = self.pick_doc()
        span = self.doc_lines(d, 1, 5)
        if span is None:
            return
        a, b = span
        text = d.removed(a, 0, b, len(d.lines[b])) + "\n"
        self.wait(0.5, 3.0)
        self.change(d, [d.replace(b + 1 if b + 1 < len(d.lines) else b, 0,
                                  b + 1 if b + 1 < len(d.lines) else b, 0, text)], "duplicate")

    def move(self, across: bool) -> None:
        src = self.pick_doc()
        span = self.doc_lines(src, 2, 12)
        if span is None or span[1] + 1 >= len(src.lines):
            return
        a, b = span
        text = src.removed(a, 0, b + 1, 0)
        self.wait(0.5, 3.0)
        self.change(src, [src.replace(a, 0, b + 1, 0, "")], None)
        dst = self.rng.choice([x for x in self.docs if x is not src] or [src]) if across else src
        self.wait(1.0, 10.0)
        if self.rng.random() < 0.3:  # re-indented on the way
            text = "\n".join(("    " + s) if s else s for s in text.split("\n"))
        n = self.rng.randrange(len(dst.lines))
        self.change(dst, [dst.replace(n, 0, n, 0, text)], "move")

    def snippet(self) -> None:
        d = self.pick_doc()
        trigger, body = self.rng.choice(SNIPPETS)
        line, indent = self.blank_line_at(d)
        col0 = len(indent)
        col = self.type_text(d, line, col0, trigger)
        self.wait(0.15, 1.2)
        text = self.indent(body, indent)
        if self.rng.random() < 0.5:  # one change replacing the trigger (VS Code, LSP completion items)
            self.change(d, [d.replace(line, col0, line, col, text)], "snippet")
        else:  # the trigger deleted, then the body inserted (LuaSnip, vim.snippet): two changes
            self.change(d, [d.replace(line, col0, line, col, "")], None)
            self.t += 0.002
            self.change(d, [d.replace(line, col0, line, col0, text)], "snippet")
        # the user fills the first placeholder
        self.wait(0.3, 1.5)

    def completion(self) -> None:
        d = self.pick_doc()
        line, indent = self.blank_line_at(d)
        word = self.rng.choice(["self.documents.docs", "settings.attribution", "append(", "isinstance(",
                                "items", "return_value", "TrackedDocument(", "logging.getLogger("])
        k = self.rng.randint(1, min(4, len(word) - 1))
        col = self.type_text(d, line, len(indent), word[:k])
        self.wait(0.3, 1.5)
        self.change(d, [d.replace(line, col, line, col, word[k:])], "completion")

    def undo_delete(self) -> None:
        d = self.pick_doc()
        span = self.doc_lines(d, 2, 10)
        if span is None or span[1] + 1 >= len(d.lines):
            return
        a, b = span
        text = d.removed(a, 0, b + 1, 0)
        self.wait(0.5, 3.0)
        self.change(d, [d.replace(a, 0, b + 1, 0, "")], None)
        self.wait(0.5, 20.0)
        self.change(d, [d.replace(a, 0, a, 0, text)], "undo")

    def typing_line(self) -> None:
        d = self.pick_doc()
        line, indent = self.blank_line_at(d)
        code = self.block(1, 1).strip()
        self.type_text(d, line, len(indent), code[:60])

    STEPS = [
        ("ai_inline", 22), ("ai_edit", 6), ("paste", 14), ("paste_from_closed", 3), ("paste_web", 6),
        ("duplicate", 5), ("move_within", 6), ("move_across", 6), ("snippet", 10), ("completion", 8),
        ("undo_delete", 6), ("typing_line", 8),
    ]

    def run(self, steps: int) -> dict:
        names = [n for n, _ in self.STEPS]
        weights = [w for _, w in self.STEPS]
        for _ in range(steps):
            name = self.rng.choices(names, weights)[0]
            if name == "move_within":
                self.move(False)
            elif name == "move_across":
                self.move(True)
            else:
                getattr(self, name)()
        for d in self.docs:
            self.emit("close", d)
        return {"name": self.name, "events": self.events}


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    ap.add_argument("--split", choices=["dev", "check"], default="dev")
    ap.add_argument("--seed", type=int, default=None, help="default: 17 for dev, 1717 for check")
    ap.add_argument("--traces", type=int, default=60)
    ap.add_argument("--steps", type=int, default=30)
    ap.add_argument("--out", type=Path, required=True, help="a .jsonl.gz file")
    a = ap.parse_args()
    rng = random.Random(a.seed if a.seed is not None else (17 if a.split == "dev" else 1717))
    blocks = material(a.split)
    a.out.parent.mkdir(parents=True, exist_ok=True)
    with gzip.open(a.out, "wt", encoding="utf-8", compresslevel=9) as f:
        for k in range(a.traces):
            f.write(json.dumps(Session(rng, blocks, f"{a.split}-{k:03d}").run(a.steps)) + "\n")


if __name__ == "__main__":
    main()
