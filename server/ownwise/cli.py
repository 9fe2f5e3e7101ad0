"""The ``ownwise`` command: serve, classify, export, explain, doctor."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

EXPORT_FORMAT_VERSION = 1


def _store(args):
    from .store import Store, default_db_path

    path = Path(args.db).expanduser() if getattr(args, "db", None) else default_db_path()
    store, _notes = Store.open(path)
    return store, path


def cmd_serve(args) -> int:
    from .lsp.server import serve

    serve()
    return 0


def cmd_classify(args) -> int:
    from rich.console import Console

    from .ownership import Classifier, OwnershipClass, find_workspace_root, load_workspace_rules
    from .store import StoreError

    out = Console(soft_wrap=True, highlight=False)
    err = Console(stderr=True, highlight=False)
    classifier = Classifier()
    overrides: dict[str, str] = {}
    try:
        store, _ = _store(args)
        overrides = store.overrides()
    except StoreError as exc:
        err.print(f"[yellow]warning:[/] per-file overrides not read: {exc}")
    status = 0
    for raw in args.paths:
        path = Path(raw).expanduser().resolve()
        root = find_workspace_root(path if path.is_dir() else path.parent)
        if root is not None and root not in classifier.workspace_roots():
            rules, errors, _files = load_workspace_rules(root)
            for e in errors:
                err.print(f"[red]config error:[/] {e} (its rules are ignored)")
            classifier.set_workspace_rules(root, rules)
        ov = overrides.get(str(path))
        d = classifier.classify(path, override=OwnershipClass(ov) if ov else None)
        out.print(f"{raw}\t[bold]{d.cls.value}[/]\t{d.rule}")
    return status


def cmd_export(args) -> int:
    from .store import StoreError

    try:
        store, path = _store(args)
    except StoreError as exc:
        sys.stderr.write(f"ownwise export: {exc}\n")
        return 1
    data = {
        "format": "ownwise-export",
        "version": EXPORT_FORMAT_VERSION,
        "database": str(path),
        "schemaVersion": store.schema_version(),
        "since": args.since,
        "edits": [e.model_dump(mode="json") for e in store.edits(args.since)],
        "sessions": [x.model_dump(mode="json") for x in store.sessions(since=args.since)],
        "prompts": [x.model_dump(mode="json") for x in store.prompts(since=args.since)],
        "answers": [x.model_dump(mode="json") for x in store.answers(since=args.since)],
        "reviews": [x.model_dump(mode="json") for x in store.reviews()],
        "ownershipOverrides": [{"path": p, "class": c} for p, c in sorted(store.overrides().items())],
        "settings": store.get("settings"),
    }
    text = json.dumps(data, indent=2, ensure_ascii=False)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")
    return 0


def _service(store, path):
    from datetime import datetime, timezone

    from .prompts.service import PromptService
    from .settings import parse_settings

    settings, _ = parse_settings(store.get("settings"))
    return PromptService(store, path.parent / "explanations", lambda: datetime.now(timezone.utc),
                         settings.prompts)


def _read_answer(console, kind: str) -> tuple[str, int | None, str | None] | None:
    """Read one answer from the terminal; None means skip this prompt for now."""
    console.print("[dim]Your answer (finish with a line holding only '.', or Ctrl-D; "
                  "an empty answer moves on):[/]")
    lines: list[str] = []
    while True:
        try:
            line = input()
        except EOFError:
            break
        if line.strip() == ".":
            break
        lines.append(line)
    text = "\n".join(lines).strip()
    if not text:
        return None
    from .prompts.checks import is_cannot_explain

    if is_cannot_explain(text):
        return text, None, "again" if kind == "review" else None
    if kind == "review":
        while True:
            try:
                raw = input("Recall (again/hard/good/easy): ").strip().lower()
            except EOFError:
                return text, None, None
            if raw in ("again", "hard", "good", "easy"):
                return text, None, raw
            console.print("[yellow]Please type again, hard, good or easy.[/]")
    while True:
        try:
            raw = input("Understanding (1-5): ").strip()
        except EOFError:
            return text, None, None
        if raw.isdigit() and 1 <= int(raw) <= 5:
            return text, int(raw), None
        console.print("[yellow]Please type a number from 1 to 5.[/]")


def cmd_explain(args) -> int:
    from rich.console import Console
    from rich.panel import Panel
    from rich.syntax import Syntax

    from .prompts.service import fence_language, prompt_json
    from .store import StoreError

    try:
        store, path = _store(args)
    except StoreError as exc:
        sys.stderr.write(f"ownwise explain: {exc}\n")
        return 1
    service = _service(store, path)
    pending = service.pending()
    out = Console(highlight=False, soft_wrap=True)
    if args.list:
        if args.json:
            sys.stdout.write(json.dumps([prompt_json(p) for p in pending], indent=2, ensure_ascii=False) + "\n")
            return 0
        if not pending:
            out.print("Nothing to explain right now.")
        for p in pending:
            out.print(f"{p.id}  [bold]{p.kind}[/]  {p.location}  ({p.ownership_class}, {p.lines} lines)")
        return 0
    if args.id:
        try:
            o = service.answer(args.id, args.text or "", understanding=args.understanding,
                               cannot_explain=args.cannot_explain, rating=args.rating, via="cli")
        except KeyError as exc:
            sys.stderr.write(f"ownwise explain: {exc.args[0]}\n")
            return 2
        out.print(o.feedback)
        return 0 if o.accepted else 1
    if not pending:
        out.print("Nothing to explain right now.")
        return 0
    answered = 0
    for i, p in enumerate(pending, 1):
        out.rule(f"{i}/{len(pending)}  {p.location}  ({p.ownership_class} · {p.kind})")
        out.print(f"[bold]Question:[/] {p.question}")
        if p.kind == "explain":
            out.print(Panel(Syntax(p.code, fence_language(p.language_id) or "text", line_numbers=True,
                                   start_line=p.start_line + 1)))
        else:
            first = next((ln for ln in p.code.splitlines() if ln.strip()), "")
            out.print(f"Starts with: [bold]{first.strip()}[/]")
        while True:
            got = _read_answer(out, p.kind)
            if got is None:
                out.print("[dim]Left for later.[/]")
                break
            text, understanding, rating = got
            o = service.answer(p.id, text, understanding=understanding, rating=rating, via="cli")
            out.print(("[green]" if o.accepted else "[yellow]") + o.feedback + "[/]")
            if o.accepted:
                answered += 1
                if o.reveals_code:
                    out.print(Panel(Syntax(p.code, fence_language(p.language_id) or "text"),
                                    title="The code, to compare"))
                break
    out.print(f"{answered} answered, {len(pending) - answered} still pending.")
    return 0


def cmd_doctor(args) -> int:
    from rich.console import Console

    from .store import StoreError, default_db_path

    out = Console(highlight=False)
    path = Path(args.db).expanduser() if args.db else default_db_path()
    out.print(f"database: {path}")
    if not path.exists():
        out.print("status: not created yet (the server creates it on first start)")
        return 0
    size = path.stat().st_size
    wal = path.with_name(path.name + "-wal")
    out.print(f"size: {size:,} bytes" + (f" (+ {wal.stat().st_size:,} in WAL)" if wal.exists() else ""))
    out.print(f"mode: {oct(path.stat().st_mode & 0o777)}; data dir mode: {oct(path.parent.stat().st_mode & 0o777)}")
    try:
        store, _ = _store(args)
    except StoreError as exc:
        out.print(f"[red]cannot open:[/] {exc}")
        return 1
    out.print(f"schema version: {store.schema_version()}")
    check = store.integrity_check()
    out.print(f"integrity_check: {check}")
    out.print(f"edits stored: {store.edit_count():,}")
    return 0 if check == "ok" else 1


def build_parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="ownwise", description=__doc__)
    p.add_argument("--db", help="database path (default: $OWNWISE_DB or the user data dir)")
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("serve", help="run the language server on stdio").set_defaults(fn=cmd_serve)
    c = sub.add_parser("classify", help="print each file's ownership class and the rule that decided it")
    c.add_argument("paths", nargs="+")
    c.set_defaults(fn=cmd_classify)
    e = sub.add_parser("export", help="write everything stored as JSON")
    e.add_argument("--format", choices=["json"], default="json")
    e.add_argument("--since", help="only edits at or after this ISO time")
    e.add_argument("--out", help="file to write (default: stdout)")
    e.set_defaults(fn=cmd_export)
    x = sub.add_parser("explain", help="answer pending explain prompts in the terminal")
    x.add_argument("--list", action="store_true", help="list pending prompts instead of answering")
    x.add_argument("--json", action="store_true", help="with --list: as JSON")
    x.add_argument("--id", help="answer this prompt non-interactively (with --text)")
    x.add_argument("--text", help="the answer, with --id")
    x.add_argument("--understanding", type=int, choices=range(1, 6), help="1-5, with --id")
    x.add_argument("--rating", choices=["again", "hard", "good", "easy"], help="for a re-ask, with --id")
    x.add_argument("--cannot-explain", action="store_true", help="record \"I can't explain this yet\"")
    x.set_defaults(fn=cmd_explain)
    sub.add_parser("doctor", help="database location, size, schema version, integrity").set_defaults(fn=cmd_doctor)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.db:
        os.environ["OWNWISE_DB"] = args.db
    return int(args.fn(args) or 0)
