"""What the git hook runs in the background (``ownwise trace hook``): the record of the commit just made,
or the records of the commits a rewrite just made, from the database."""

from __future__ import annotations

import os
from pathlib import Path

from .attribute import Origin, plan
from .git import Repo, parse_reflog


def run_hook(argv: list[str]) -> None:
    from ..store import Store, default_db_path
    from .service import settings_of, tracer_for

    hook = argv[0] if argv else ""
    repo = Repo.discover(Path.cwd())
    if repo is None or hook not in ("post-commit", "post-rewrite"):
        return
    pairs: list[tuple[str, str]] = []
    if hook == "post-rewrite":
        source = argv.index("--input") + 1 if "--input" in argv else None
        if source is None or source >= len(argv):
            return
        path = Path(argv[source])
        try:
            data = path.read_text(encoding="utf-8", errors="replace")
        finally:
            try:
                os.unlink(path)
            except OSError:
                pass
        for line in data.splitlines():
            parts = line.split()
            if len(parts) >= 2:
                pairs.append((parts[0], parts[1]))
        if not pairs:
            return
    db = Path(os.environ["OWNWISE_DB"]).expanduser() if os.environ.get("OWNWISE_DB") else default_db_path()
    store, _notes = Store.open(db)
    try:
        settings = settings_of(store)
        if not settings.trace.notes:
            return
        tracer = tracer_for(repo, store, settings=settings)
        if hook == "post-commit":
            head = repo.rev_parse("HEAD")
            if head is None:
                return
            try:
                origins = plan(parse_reflog((repo.git_dir / "logs" / "HEAD").read_bytes()))
            except OSError:
                origins = {}
            tracer.write([tracer.record(head, origins.get(head) or Origin("commit"))])
            return
        kind = argv[1] if len(argv) > 1 else "rebase"
        records = []
        for old, new in pairs:
            origin = Origin("amend" if kind == "amend" else "rebase", [old], human_ok=kind == "amend", carry=True)
            records.append(tracer.record(new, origin))
        tracer.write(records)
    finally:
        store.close()


__all__ = ["run_hook"]
