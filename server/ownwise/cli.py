"""The ``ownwise`` command: serve, classify, export, doctor."""

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
        "sessions": [],
        "ownershipOverrides": [{"path": p, "class": c} for p, c in sorted(store.overrides().items())],
        "settings": store.get("settings"),
    }
    text = json.dumps(data, indent=2, ensure_ascii=False)
    if args.out:
        Path(args.out).write_text(text + "\n", encoding="utf-8")
    else:
        sys.stdout.write(text + "\n")
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
    sub.add_parser("doctor", help="database location, size, schema version, integrity").set_defaults(fn=cmd_doctor)
    return p


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    if args.db:
        os.environ["OWNWISE_DB"] = args.db
    return int(args.fn(args) or 0)
