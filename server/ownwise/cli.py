"""The ``ownwise`` command: serve, classify, export, import, report, team-report, explain, focus, hooks, hook,
doctor."""

from __future__ import annotations

import json
import os
import sys
from pathlib import Path

from .words import plural


def _store(args):
    from .store import Store, default_db_path

    path = Path(args.db).expanduser() if getattr(args, "db", None) else default_db_path()
    store, _notes = Store.open(path)
    return store, path


def _store_or_say(args, command: str):
    """``(store, path)``, or None once stderr says why the database cannot be used."""
    from .store import StoreError

    try:
        return _store(args)
    except StoreError as exc:
        sys.stderr.write(f"ownwise {command}: {exc}\n")
        return None


def cmd_serve(args) -> int:
    from .lsp.app import serve

    serve()
    return 0


def cmd_classify(args) -> int:
    import csv

    from .ownership.batch import MissingPaths, classify_paths, expand
    from .ownership.evidence import explain_lines, plural
    from .store import StoreError

    try:
        files = expand(args.paths)
    except MissingPaths as exc:
        sys.stderr.write(f"ownwise classify: no such file or directory: {', '.join(exc.missing)}\n")
        return 2
    from .ownership import Classifier
    from .ownership.evidence import MODEL, with_threshold

    overrides: dict[str, str] = {}
    classifier = Classifier()
    try:
        store, _ = _store(args)
        overrides = store.overrides()
        # the editor's settings as last seen: its core threshold applies here too
        from .settings import parse_settings

        saved, _errors = parse_settings(store.get("settings"))
        classifier.model = with_threshold(MODEL, saved.ownership.evidence.core_threshold)
    except StoreError as exc:
        sys.stderr.write(f"ownwise classify: warning: per-file overrides not read: {exc}\n")

    def config_error(e) -> None:
        sys.stderr.write(f"ownwise classify: config error: {e} (its rules are ignored)\n")

    items = classify_paths(files, overrides=overrides, on_config_error=config_error, classifier=classifier)
    out = sys.stdout
    if args.format == "json":
        # one object per line: readable, and json's C encoder only runs without indent
        out.write("[\n" + ",\n".join(json.dumps(_classified(i), ensure_ascii=False) for i in items) + "\n]\n")
        return 0
    if args.format == "csv":
        w = csv.writer(out, lineterminator="\n")
        w.writerow(["path", "class", "source", "rule"])
        for i in items:
            w.writerow([i.shown, i.decision.cls.value, i.decision.source, i.decision.rule])
        return 0
    for i in items:
        d = i.decision
        if args.explain:
            out.write(f"{i.shown}\t{d.cls.value}\n")
            lines = (explain_lines(d, classifier.model) if d.source == "evidence"
                     else [f"{d.cls.value}: {d.rule} ({d.source})"])
            out.write("".join(f"    {ln}\n" for ln in lines))
        else:
            out.write(f"{i.shown}\t{d.cls.value}\t{d.rule}\n")
    if len(items) > 1:
        from collections import Counter

        n = Counter(i.decision.cls.value for i in items)
        out.write(f"\n{plural(len(items), 'file')}: " + ", ".join(
            f"{n[c]} {c}" for c in ("transient", "repeatable", "core")) + "\n")
    return 0


def _classified(item) -> dict:
    d = item.decision
    return {"path": item.shown, "class": d.cls.value, "rule": d.rule, "source": d.source,
            "score": d.score,
            "signals": [{"name": s.name, "value": s.value, "weight": s.weight, "text": s.text} for s in d.signals]}


def cmd_export(args) -> int:
    if (opened := _store_or_say(args, "export")) is None:
        return 1
    store, path = opened
    if args.team:
        from .report.team import TeamError, team_export

        try:
            from datetime import date

            since = date.fromisoformat(args.since[:10]) if args.since else None
            data = team_export(_report(args, store, since=since), args.alias)
        except (TeamError, ValueError) as exc:
            sys.stderr.write(f"ownwise export: {exc}\n")
            return 2
        _write_out(args, json.dumps(data, indent=2, ensure_ascii=False) + "\n")
        return 0
    from .store.transfer import FORMAT, VERSION, export_data

    data = {"format": FORMAT, "version": VERSION, "database": str(path), "schemaVersion": store.schema_version(),
            "since": args.since, **export_data(store, args.since)}
    text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
    if args.out:
        from .files import write_private

        write_private(Path(args.out), text)  # the user's code and words: 0600
    else:
        sys.stdout.write(text)
    return 0


def cmd_import(args) -> int:
    """``ownwise import FILE``: an export's rows added to the database, none twice."""
    from .store.transfer import TransferError, import_data

    try:
        data = json.loads(Path(args.file).read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        sys.stderr.write(f"ownwise import: {args.file}: {exc}\n")
        return 1
    if (opened := _store_or_say(args, "import")) is None:
        return 1
    store, _path = opened
    try:
        added = import_data(store, data)
    except TransferError as exc:
        sys.stderr.write(f"ownwise import: {args.file}: {exc}\n")
        return 2
    total = sum(added.values())
    sys.stdout.write(f"imported {plural(total, 'row')}" + "".join(f"; {k} {n}" for k, n in added.items() if n) + "\n")
    return 0


def _report(args, store, *, since=None, progress=None) -> dict:
    """The report over ``store`` for the CLI's --weeks/--since, with the user's focus settings."""
    from .clock import utc_now
    from .report.build import build_report
    from .settings import parse_settings

    settings, _ = parse_settings(store.get("settings"))
    return build_report(store, now=utc_now().astimezone(), week_start=settings.focus.week_start,
                        goal_minutes=settings.focus.weekly_goal_minutes, weeks=args.weeks, since=since,
                        progress=progress, min_lines=settings.prompts.min_lines)


def _write_out(args, text: str) -> None:
    if args.out:
        Path(args.out).write_text(text, encoding="utf-8")
    else:
        sys.stdout.write(text)


def cmd_report(args) -> int:
    """``ownwise report``: the weekly figures as text, HTML, JSON or CSV (docs/report.md)."""
    import contextlib

    if (opened := _store_or_say(args, "report")) is None:
        return 1
    store, _path = opened
    show = args.progress or (args.progress is None and sys.stderr.isatty())
    with contextlib.ExitStack() as stack:
        progress = None
        if show:
            from rich.console import Console
            from rich.progress import Progress

            err = Console(stderr=True, highlight=False)

            bar = stack.enter_context(Progress(console=err, transient=not args.progress))
            task = bar.add_task("report", total=6)

            def progress(step: str) -> None:
                bar.update(task, advance=1, description=f"reading {step}")
                if args.progress:
                    err.print(f"report: {step}")
        try:
            report = _report(args, store, since=args.since, progress=progress)
        except ValueError as exc:
            sys.stderr.write(f"ownwise report: {exc}\n")
            return 2
    if args.format == "json":
        _write_out(args, json.dumps(report, indent=2, ensure_ascii=False) + "\n")
    elif args.format == "csv":
        from .report.text import render_csv

        _write_out(args, render_csv(report))
    elif args.format == "html":
        from .report.html import render_html

        _write_out(args, render_html(report, theme=args.theme))
    else:
        from rich.console import Console

        from .report.text import render_console

        if args.out:
            with open(args.out, "w", encoding="utf-8") as fh:
                render_console(report, Console(file=fh, width=160, highlight=False, no_color=True))
        else:
            render_console(report, Console(highlight=False))
    return 0


def cmd_team_report(args) -> int:
    """``ownwise team-report a.json b.json ...``: the members' team exports merged."""
    from rich.console import Console

    from .report.team import TeamError, merge, render_team_console, render_team_html

    if args.git:
        return _team_report_git(args)
    if not args.files:
        sys.stderr.write("ownwise team-report: give the members' team export files (or --git)\n")
        return 2
    loaded = []
    for name in args.files:
        try:
            loaded.append((name, json.loads(Path(name).read_text(encoding="utf-8"))))
        except (OSError, ValueError) as exc:
            sys.stderr.write(f"ownwise team-report: {name}: {exc}\n")
            return 1
    try:
        team = merge(loaded)
    except TeamError as exc:
        sys.stderr.write(f"ownwise team-report: {exc}\n")
        return 1
    if args.format == "json":
        _write_out(args, json.dumps(team, indent=2, ensure_ascii=False) + "\n")
    elif args.format == "html":
        _write_out(args, render_team_html(team))
    elif args.out:
        with open(args.out, "w", encoding="utf-8") as fh:
            render_team_console(team, Console(file=fh, width=160, highlight=False, no_color=True))
    else:
        render_team_console(team, Console(highlight=False))
    return 0


def _team_report_git(args) -> int:
    from .trace.git import GitError
    from .trace.views import team, team_text

    repo = _repo_or_say("team-report", args.repo)
    if repo is None:
        return 2
    if args.format == "html":
        sys.stderr.write("ownwise team-report --git: text or json\n")
        return 2
    week_start = 0
    try:
        from .store import StoreError
        from .trace.service import settings_of

        try:
            store, _ = _store(args)
            names = ["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"]
            week_start = names.index(settings_of(store).focus.week_start)
        except StoreError:
            pass
        data = team(repo, args.files, weeks=args.weeks, week_start=week_start)
    except GitError as exc:
        sys.stderr.write(f"ownwise team-report: {exc}\n")
        return 1
    _write_out(args, json.dumps(data, indent=2) + "\n" if args.format == "json" else team_text(data))
    return 0


def _service(store, path):
    from .clock import utc_now
    from .prompts.service import PromptService
    from .settings import parse_settings

    settings, _ = parse_settings(store.get("settings"))
    return PromptService(store, path.parent / "explanations", utc_now,
                         settings.prompts)


def _read_text(console) -> str:
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
    return "\n".join(lines).strip()


def _read_choice(console, question: str, allowed: dict[str, object]) -> object | None:
    while True:
        try:
            raw = input(question).strip().lower()
        except EOFError:
            return None
        if raw in allowed:
            return allowed[raw]
        console.print(f"[yellow]Please type one of: {', '.join(allowed)}.[/]")


def _answer_one(console, service, p) -> bool:
    """Ask until an answer is accepted (True) or the user moves on (False)."""
    from .prompts.checks import is_cannot_explain

    while True:
        text = _read_text(console)
        if not text:
            console.print("[dim]Left for later.[/]")
            return False
        understanding = rating = None
        if not is_cannot_explain(text):
            check = service.check(p, text)
            if not check.accepted:
                console.print(f"[yellow]{check.feedback}[/]")
                continue
            if p.kind == "review":
                rating = _read_choice(console, "Recall (again/hard/good/easy): ",
                                      {r: r for r in ("again", "hard", "good", "easy")})
            else:
                understanding = _read_choice(console, "Understanding (1-5): ", {str(i): i for i in range(1, 6)})
            if rating is None and understanding is None:
                console.print("[dim]Left for later.[/]")
                return False
        o = service.answer(p.id, text, understanding=understanding, rating=rating, via="cli")
        console.print(("[green]" if o.accepted else "[yellow]") + o.feedback + "[/]")
        if o.accepted:
            return True


def cmd_explain(args) -> int:
    from rich.console import Console
    from rich.panel import Panel
    from rich.syntax import Syntax

    from .prompts.service import fence_language, prompt_json

    if (opened := _store_or_say(args, "explain")) is None:
        return 1
    store, path = opened
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
            out.print(f"{p.id}  [bold]{p.kind}[/]  {p.location}  ({p.ownership_class}, {plural(p.lines, 'line')})")
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
        if _answer_one(out, service, p):
            answered += 1
            if p.kind in ("recall", "review"):
                out.print(Panel(Syntax(p.code, fence_language(p.language_id) or "text"),
                                title="The code, to compare"))
    out.print(f"{answered} answered, {len(pending) - answered} still pending.")
    return 0


def cmd_focus(args) -> int:
    """``ownwise focus start|stop|status|stats``: the same blocks a running server sees."""
    from rich.console import Console
    from rich.table import Table

    from .clock import utc_now
    from .focus.manager import FocusManager, minutes_of
    from .settings import parse_settings

    if (opened := _store_or_say(args, "focus")) is None:
        return 1
    store, _path = opened
    settings, _ = parse_settings(store.get("settings"))
    now = utc_now
    manager = FocusManager(store, now, by="cli")
    out = Console(highlight=False, soft_wrap=True)
    if args.action == "start":
        block, created = manager.start(args.minutes or settings.focus.default_minutes, args.task, args.estimate)
        if not created:
            out.print(f"A no-AI block is already running (started {block.started_at}).")
            return 1
        out.print(f"No-AI block started: {plural(block.planned_minutes, 'minute')}"
                  + (f", task: {block.task}" if block.task else "") + ". Editors switch AI off within 2 s.")
        return 0
    if args.action == "stop":
        ended = manager.stop("cli")
        if ended is None:
            out.print("No no-AI block is running.")
            return 1
        out.print(f"No-AI block stopped after {plural(round(minutes_of(ended, now())), 'minute')}.")
        return 0
    if args.action == "status":
        manager.active = manager.current()
        status = manager.status()
        if args.json:
            sys.stdout.write(json.dumps(status) + "\n")
        elif status["active"] and not status["remainingSeconds"]:
            out.print("The no-AI block's time is up; a running editor ends it (or: ownwise focus stop).")
        elif status["active"]:
            out.print(f"No-AI block running: {status['remainingSeconds'] // 60} min left"
                      + (f" (task: {status['task']})" if status.get("task") else ""))
        else:
            out.print("No no-AI block is running.")
        return 0
    from .focus.stats import calibration

    data = calibration(store, now(), settings.focus, args.weeks)
    if args.json:
        sys.stdout.write(json.dumps(data, indent=2) + "\n")
        return 0
    goal = settings.focus.weekly_goal_minutes
    t = Table(title=f"No-AI blocks, last {plural(args.weeks, 'week')} (goal {goal:g} min)")
    for col in ("week", "no-AI min", "goal met", "blocks", "lines/min inside", "lines/min outside"):
        t.add_column(col, justify="right" if col != "week" else "left")
    fmt = lambda v: "-" if v is None else f"{v:.2f}"  # noqa: E731
    for w in data["weeks"]:
        t.add_row(w["weekStart"], f"{w['focusMinutes']:g}", "yes" if w["met"] else "no", str(w["blocks"]),
                  fmt(w["inside"]["linesPerMinute"]), fmt(w["outside"]["linesPerMinute"]))
    out.print(t)
    out.print(f"Streak: {data['streakWeeks']} week(s) at goal. Estimates: {len(data['estimates'])}"
              + (f", trend {data['estimateTrend']}" if data["estimateTrend"] else "") + ".")
    return 0


def _hooks_project(args) -> Path:
    from .ownership import find_workspace_root

    cwd = Path(args.project).expanduser().resolve() if getattr(args, "project", None) else Path.cwd()
    return find_workspace_root(cwd) or cwd


def _hook_state(row: dict) -> str:
    """One agent and scope's hook entries in words (status, doctor)."""
    if row.get("error"):
        return "broken"
    if row["missing"]:
        return f"stale: {', '.join(row['missing'])} is missing"
    if row["unguarded"]:
        return "stale: old unguarded command"
    return "yes" if row["installed"] else ("partly" if row["launchers"] else "no")


CODEX_TRUST = ("codex: Codex runs a hook only once you trust it: open /hooks in Codex and trust "
               "ownwise's entries (again after every change of the command).")


def cmd_hooks(args) -> int:
    """``ownwise hooks install|uninstall|repair|status``: the coding agents' hook configuration."""
    from rich.console import Console
    from rich.table import Table

    from .hooks.agents import AGENTS, ConfigError
    from .hooks.installer import Launcher, install, repair, status, uninstall
    from .store.fast import default_db_path

    out = Console(highlight=False, soft_wrap=True)
    err = Console(stderr=True, highlight=False, soft_wrap=True)
    project = _hooks_project(args)
    home = Path.home()
    if args.action == "status":
        rows = status(project=project, home=home)
        if args.json:
            sys.stdout.write(json.dumps(rows, indent=2) + "\n")
            return 0
        t = Table(title=f"Agent hooks (project {project})")
        for col in ("agent", "scope", "installed", "config file"):
            t.add_column(col)
        for r in rows:
            state = _hook_state(r)
            t.add_row(r["agent"], r["scope"], f"[red]{state}[/]" if state.startswith(("broken", "stale")) else state,
                      str(r["path"]))
        out.print(t)
        for r in rows:
            if r.get("error"):
                err.print(f"[red]{r['path']}:[/] {r['error']}")
        stale = sum(1 for r in rows if r["stale"])
        if stale:
            out.print(f"{stale} hook {'config has' if stale == 1 else 'configs have'} stale entries; "
                      "ownwise hooks repair rewrites them for this ownwise.")
        return 0
    backup_dir = default_db_path().parent / "hooks-backup"
    launcher = Launcher.current()
    if args.action == "repair":
        agents = None if args.agent in (None, "all") else [args.agent]
        scopes = [args.scope] if args.scope else None
        try:
            done = repair(project=project, home=home, launcher=launcher, backup_dir=backup_dir,
                          agents=agents, scopes=scopes)
        except ConfigError as exc:
            err.print(f"[red]ownwise hooks repair:[/] {exc}. The file was left as it is; fix it and run this again.")
            return 1
        if not done:
            out.print("Nothing to repair: every hook entry of ownwise's is guarded and runs an ownwise that exists.")
        for r in done:
            out.print(f"{r.agent} ({r.scope}): {r.action} — {r.path}")
        if any(r.agent == "codex" for r in done):
            out.print(CODEX_TRUST)
        return 0
    agents = sorted(AGENTS) if args.agent == "all" else [args.agent]
    status_code = 0
    for name in agents:
        try:
            if args.action == "install":
                r = install(name, args.scope or "user", project=project, home=home, launcher=launcher,
                            backup_dir=backup_dir)
            else:
                r = uninstall(name, args.scope or "user", project=project, home=home, backup_dir=backup_dir)
        except ConfigError as exc:
            err.print(f"[red]ownwise hooks {args.action} {name}:[/] {exc}. The file was left as it is; "
                      f"fix it and run this again.")
            status_code = 1
            continue
        out.print(f"{name} ({r.scope}): {r.action} — {r.path}")
        if name == "codex" and r.action == "installed":
            out.print(CODEX_TRUST)
    return status_code


def cmd_doctor(args) -> int:
    from rich.console import Console

    out = Console(highlight=False)
    code = _doctor_database(args, out)
    _doctor_hooks(out)
    return code


def _doctor_database(args, out) -> int:
    from .store import StoreError, default_db_path

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


def _doctor_hooks(out) -> None:
    """Agent hook configs with ownwise's entries, and the stale ones (ownwise hooks repair)."""
    from .hooks.installer import status

    rows = [r for r in status(project=_hooks_project(None), home=Path.home()) if r["launchers"] or r["error"]]
    if not rows:
        out.print("agent hooks: none installed")
        return
    for r in rows:
        state = _hook_state(r)
        out.print(f"agent hooks: {r['agent']} ({r['scope']}): "
                  + (f"[red]{state}[/]" if state.startswith(("broken", "stale")) else state) + f" — {r['path']}",
                  soft_wrap=True)
    stale = sum(1 for r in rows if r["stale"])
    if stale:
        out.print(f"[yellow]{stale} hook {'config has' if stale == 1 else 'configs have'} stale entries: "
                  "run ownwise hooks repair.[/]", soft_wrap=True)


# ------------------------------------------------------------------ git: Agent Trace records (docs/git.md)
def _repo_or_say(command: str, where: str | None = None):
    from .trace.git import Repo

    repo = Repo.discover(Path(where).expanduser().resolve() if where else Path.cwd())
    if repo is None:
        sys.stderr.write(f"ownwise {command}: not inside a git work tree\n")
    return repo


def cmd_trace(args) -> int:
    """``ownwise trace backfill|stats|review|sync``: the records in refs/notes/agent-trace."""
    from .trace.git import GitError

    repo = _repo_or_say(f"trace {args.action}", args.repo)
    if repo is None:
        return 2
    try:
        return {"backfill": _trace_backfill, "stats": _trace_stats, "review": _trace_review,
                "sync": _trace_sync}[args.action](args, repo)
    except GitError as exc:
        sys.stderr.write(f"ownwise trace {args.action}: {exc}\n")
        return 1


def _trace_backfill(args, repo) -> int:
    from .trace.service import backfill, settings_of, tracer_for

    if (opened := _store_or_say(args, "trace backfill")) is None:
        return 1
    store, _path = opened
    settings = settings_of(store)
    if not settings.trace.notes and not args.dry_run:
        sys.stderr.write("ownwise trace backfill: local notes are turned off (setting trace.notes); "
                         "nothing written\n")
        return 1
    revs = args.range or ["HEAD"]
    done = backfill(repo, tracer_for(repo, store, settings=settings), revs, force=args.force,
                    max_count=args.max, dry_run=args.dry_run)
    if args.json:
        sys.stdout.write(json.dumps([{"commit": d.commit, "status": d.status, "why": d.why} for d in done],
                                    indent=2) + "\n")
        return 0
    for d in done:
        sys.stdout.write(f"{d.commit[:12]}  {d.status}" + (f" ({d.why})" if d.why else "") + "\n")
    written = sum(1 for d in done if d.status == "written")
    sys.stdout.write(f"{written} record{'s' if written != 1 else ''} "
                     + ("would be written" if args.dry_run else "written") + f" to {NOTES_REF_TEXT}\n")
    return 0


NOTES_REF_TEXT = "refs/notes/agent-trace"


def _trace_stats(args, repo) -> int:
    from .trace.views import stats, stats_text

    data = stats(repo, args.range, max_count=args.max, by_author=args.by_author)
    sys.stdout.write(json.dumps(data, indent=2) + "\n" if args.json else stats_text(data))
    return 0


def _trace_review(args, repo) -> int:
    from .trace.views import review, review_markdown

    if len(args.range) != 1 or ".." not in args.range[0] or "..." in args.range[0]:
        sys.stderr.write("ownwise trace review: give the pull request's commits as one A..B (e.g. main..HEAD)\n")
        return 2
    base, _sep, head = args.range[0].partition("..")
    base, head = base or "HEAD", head or "HEAD"
    for rev in (base, head):
        if repo.rev_parse(rev) is None:
            sys.stderr.write(f"ownwise trace review: not a commit: {rev}\n")
            return 2
    items, counts = review(repo, base, head)
    text = review_markdown(items, counts, base, head)
    _write_out(args, text)
    return 0


def _share_key(repo) -> str:
    return f"trace:share:{repo.common_dir}"


def _trace_sync(args, repo) -> int:
    from .trace.service import settings_of
    from .trace.sync import WHAT_LEAVES, default_remote, sync

    if len(args.range) > 1:
        sys.stderr.write("ownwise trace sync: at most one remote\n")
        return 2
    remote = args.range[0] if args.range else default_remote(repo)
    if not remote or remote not in repo.out("remote").split():
        sys.stderr.write(f"ownwise trace sync: no such remote: {remote}\n" if remote else
                         "ownwise trace sync: this repository has no remote to sync with\n")
        return 2
    if (opened := _store_or_say(args, "trace sync")) is None:
        return 1
    store, _path = opened
    key = _share_key(repo)
    consent = store.get(key)
    if args.no_share:
        store.put(key, False)
        consent = False
    url = repo.config(f"remote.{remote}.url") or remote
    if args.share and consent is not True:
        store.put(key, True)
        consent = True
        sys.stdout.write("Sharing turned on for this repository (ownwise trace sync --no-share turns it off).\n"
                         + WHAT_LEAVES.format(remote=remote, url=url))
    share = consent is True or (consent is None and settings_of(store).trace.share)
    if share and consent is None and store.get(key + ":told") is None:
        store.put(key + ":told", True)  # turned on by the setting: said once, the first time
        sys.stdout.write(WHAT_LEAVES.format(remote=remote, url=url))
    result = sync(repo, remote, push=share)
    sys.stdout.write(f"{remote}: " + ("fetched the team's notes" if result.fetched else "no notes there yet")
                     + (", merged into yours" if result.merged else "") + ".\n")
    if share:
        sys.stdout.write(f"Pushed {NOTES_REF_TEXT} to {remote}" +
                         (f" (after {result.attempts} tries: others pushed meanwhile)" if result.attempts > 1 else "")
                         + ".\n" if result.pushed else "Nothing to push: no local notes yet.\n")
    else:
        sys.stdout.write("Not pushed: sharing is off. `ownwise trace sync --share` turns it on for this repository "
                         "(the setting trace.share: for every repository) after saying what leaves the machine.\n")
    return 0


def cmd_blame(args) -> int:
    """``ownwise blame FILE``: per line the commit, AI or human, kind, tool, explained (docs/git.md)."""
    from .trace.git import GitError
    from .trace.views import blame, blame_json

    path = Path(args.file).expanduser()
    repo = _repo_or_say("blame", str(path.parent if str(path.parent) else "."))
    if repo is None:
        return 2
    absolute = path.resolve()
    try:
        lines = blame(repo, absolute, args.rev)
    except (GitError, ValueError) as exc:
        sys.stderr.write(f"ownwise blame: {exc}\n")
        return 1
    if args.format == "json":
        sys.stdout.write(json.dumps(blame_json(lines), indent=2) + "\n")
        return 0
    width = len(str(len(lines)))
    out = []
    for b in lines:
        lab = b.info.label
        if b.commit is None:
            who, what = "not yet ", "uncommitted"
        else:
            who = b.commit[:8]
            what = lab.type
            if lab.is_ai:
                state = {"explained": "explained", "cannot": "can't explain yet"}.get(lab.explained or "",
                                                                                    "not explained")
                what = " ".join(x for x in (what, lab.kind, lab.tool) if x) + f" [{state}]"
        out.append(f"{who} {what[:48]:<48} {b.line:>{width}}| {b.text}\n")
    sys.stdout.write("".join(out))
    return 0


def cmd_git(args) -> int:
    """``ownwise git install-hook|uninstall-hook|hook-status``: the optional git hook (docs/git.md)."""
    from .hooks.command import Launcher
    from .trace.hook import install, installed, uninstall

    repo = _repo_or_say(f"git {args.action}", args.repo)
    if repo is None:
        return 2
    if args.action == "hook-status":
        for pl, there in installed(repo):
            sys.stdout.write(f"{pl.hook}: {'installed' if there else 'not installed'} — {pl.path}\n")
        return 0
    try:
        done = install(repo, Launcher.current()) if args.action == "install-hook" else uninstall(repo)
    except OSError as exc:
        sys.stderr.write(f"ownwise git {args.action}: {exc}\n")
        return 1
    for pl, action in done:
        where = {"husky": " (husky)", "pre-commit-legacy": " (run first by pre-commit's hook)"}.get(pl.how, "")
        sys.stdout.write(f"{pl.hook}: {action} {pl.path}{where}\n")
        tracked = repo.run("ls-files", "--error-unmatch", "--", str(pl.path), check=False).returncode == 0
        if tracked and action not in ("unchanged", "not there"):
            sys.stdout.write(f"  note: {pl.path.name} is tracked by git: commit it to give the team the hook, "
                             "or keep the change to yourself\n")
    return 0


def cmd_trace_hook(argv: list[str]) -> int:
    """``ownwise trace hook post-commit|post-rewrite KIND [--input FILE]``: what the git hook runs, in the
    background. Never fails and never waits for anyone: problems go to hook-errors.log beside the database."""
    try:
        os.setsid()  # leave git's process group: a Ctrl-C after the commit does not stop the record
    except OSError:
        pass
    try:
        from .trace.hookrun import run_hook

        run_hook(argv)
    except BaseException as exc:  # noqa: BLE001 - the hook must never fail anything
        _hook_log(f"git {' '.join(argv[:2])}: {exc!r}")
    return 0


def _hook_log(message: str) -> None:
    try:
        from .clock import iso, utc_now
        from .store.fast import default_db_path

        log = default_db_path().parent / "hook-errors.log"
        log.parent.mkdir(parents=True, exist_ok=True)
        with open(log, "a", encoding="utf-8") as fh:
            fh.write(f"{iso(utc_now())} {message}\n")
    except Exception:  # noqa: BLE001
        pass


def _bounded(low: float, high: float, kind=float):
    """An argparse type: a number above ``low`` (at least it, for ints) and at most ``high``."""
    import argparse

    def parse(text: str):
        try:
            value = kind(text)
        except ValueError:
            raise argparse.ArgumentTypeError(f"not a number: {text!r}") from None
        ok = (low <= value if kind is int else low < value) and value <= high
        if not ok:
            raise argparse.ArgumentTypeError(f"must be {'from' if kind is int else 'above'} {low:g} "
                                             f"{'to' if kind is int else 'and at most'} {high:g}")
        return value
    return parse


def _date(text: str):
    from datetime import date

    try:
        return date.fromisoformat(text)
    except ValueError:
        import argparse

        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from None


def build_parser():
    import argparse

    p = argparse.ArgumentParser(prog="ownwise", description=__doc__)
    p.add_argument("--db", help="database path (default: $OWNWISE_DB or the user data dir)")
    sub = p.add_subparsers(dest="cmd", required=True)
    sub.add_parser("serve", help="run the language server on stdio").set_defaults(fn=cmd_serve)
    c = sub.add_parser(
        "classify", help="print each file's ownership class and why",
        description="Print the Ownership Matrix class of each file (transient, repeatable or core) and what "
                    "decided it: a per-file override, a rule of .ownwise.toml or pyproject.toml, a built-in "
                    "default, or the evidence read from the file and its repository (docs/ownership.md).")
    c.add_argument("paths", nargs="+", metavar="PATH",
                   help="a file, or a directory: its git-tracked files in a git work tree, otherwise all "
                        "its files except those .gitignore excludes")
    c.add_argument("--format", choices=["text", "json", "csv"], default="text",
                   help="text (default): path, class and reason per line, then the counts per class; "
                        "json: a list of {path, class, rule, source, score, signals}; csv: path,class,source,rule")
    c.add_argument("--explain", action="store_true",
                   help="with text: every signal behind an evidence decision, with its weight in the score")
    c.set_defaults(fn=cmd_classify)
    e = sub.add_parser("export", help="write everything stored as JSON")
    e.add_argument("--format", choices=["json"], default="json")
    e.add_argument("--since", help="only edits, sessions, prompts and answers at or after this ISO time")
    e.add_argument("--out", help="file to write (default: stdout)")
    e.add_argument("--team", action="store_true",
                   help="only weekly aggregates to share with a team: no paths, code or text (docs/report.md)")
    e.add_argument("--alias", default="anonymous", help="with --team: the name the team sees (default: anonymous)")
    e.add_argument("--weeks", type=_bounded(1, 260, int), default=None, help="with --team: how many weeks (default 8)")
    e.set_defaults(fn=cmd_export)
    i = sub.add_parser("import", help="add an export's data (ownwise export) to the database, none of it twice")
    i.add_argument("file", help="a file written by ownwise export --format json")
    i.set_defaults(fn=cmd_import)
    r = sub.add_parser("report", help="the weekly report: output against capability")
    r.add_argument("--weeks", type=_bounded(1, 260, int), default=None,
                   help="how many weeks, up to this one (default 8; with --since: at most this many)")
    r.add_argument("--since", type=_date, default=None, help="start with the week holding this date (YYYY-MM-DD)")
    r.add_argument("--format", choices=["text", "html", "json", "csv"], default="text")
    r.add_argument("--theme", choices=["light", "dark"], default="light", help="html: colours")
    r.add_argument("--out", help="file to write (default: stdout)")
    r.add_argument("--progress", action=argparse.BooleanOptionalAction, default=None,
                   help="show progress on stderr (default: when stderr is a terminal)")
    r.set_defaults(fn=cmd_report)
    t = sub.add_parser("team-report", help="merge team exports (ownwise export --team) into the team report; "
                                           "or, with --git, the team's weeks from the git notes alone")
    t.add_argument("files", nargs="*", help="the members' team export files; with --git: commits (git rev-list "
                                           "arguments, default HEAD)")
    t.add_argument("--git", action="store_true", help="from the Agent Trace records in refs/notes/agent-trace")
    t.add_argument("--weeks", type=_bounded(1, 260, int), default=8, help="with --git: how many weeks (default 8)")
    t.add_argument("--repo", help="with --git: a directory in the repository (default: the current one)")
    t.add_argument("--format", choices=["text", "html", "json"], default="text")
    t.add_argument("--out", help="file to write (default: stdout)")
    t.set_defaults(fn=cmd_team_report)
    x = sub.add_parser("explain", help="answer pending explain prompts in the terminal")
    x.add_argument("--list", action="store_true", help="list pending prompts instead of answering")
    x.add_argument("--json", action="store_true", help="with --list: as JSON")
    x.add_argument("--id", help="answer this prompt non-interactively (with --text)")
    x.add_argument("--text", help="the answer, with --id")
    x.add_argument("--understanding", type=int, choices=range(1, 6), help="1-5, with --id")
    x.add_argument("--rating", choices=["again", "hard", "good", "easy"], help="for a re-ask, with --id")
    x.add_argument("--cannot-explain", action="store_true", help="record \"I can't explain this yet\"")
    x.set_defaults(fn=cmd_explain)
    f = sub.add_parser("focus", help="no-AI focus blocks: start, stop, status, stats")
    f.add_argument("action", choices=["start", "stop", "status", "stats"])
    f.add_argument("--minutes", type=_bounded(0, 600), help="start: planned length (default: focus.defaultMinutes, 90)")
    f.add_argument("--task", help="start: what you will work on")
    f.add_argument("--estimate", type=_bounded(0, 6000), help="start: your estimate of the task's minutes")
    f.add_argument("--weeks", type=_bounded(1, 520, int), default=8, help="stats: how many weeks (default 8)")
    f.add_argument("--json", action="store_true", help="status/stats: as JSON")
    f.set_defaults(fn=cmd_focus)
    h = sub.add_parser("hooks", help="install the coding agents' hooks that record their file edits")
    h.add_argument("action", choices=["install", "uninstall", "repair", "status"])
    h.add_argument("--agent", choices=["claude-code", "codex", "cursor", "copilot", "all"], default=None,
                   help="install/uninstall: required; repair: default all")
    h.add_argument("--scope", choices=["user", "project"], default=None,
                   help="install/uninstall: default user; repair: default both")
    h.add_argument("--project", help="the project folder (default: the workspace holding the current directory)")
    h.add_argument("--json", action="store_true", help="status: as JSON")
    h.set_defaults(fn=cmd_hooks)
    sub.add_parser("doctor", help="database location, size, schema version, integrity; stale agent hooks"
                   ).set_defaults(fn=cmd_doctor)
    _trace_parsers(sub)
    return p


def _trace_parsers(sub) -> None:
    """``trace``, ``blame`` and ``git``: Agent Trace records in git notes (docs/git.md)."""
    tr = sub.add_parser("trace", help="Agent Trace records in git notes: backfill, stats, review, sync",
                        description="One Agent Trace record per commit in refs/notes/agent-trace (docs/git.md).")
    tr.add_argument("action", choices=["backfill", "stats", "review", "sync"])
    tr.add_argument("range", nargs="*", metavar="RANGE",
                    help="backfill, stats: commits (git rev-list arguments, e.g. main..HEAD; default HEAD); "
                         "review: A..B; sync: the remote (default: the branch's upstream remote, else origin)")
    tr.add_argument("--repo", help="a directory in the repository (default: the current one)")
    tr.add_argument("--json", action="store_true", help="backfill, stats: as JSON")
    tr.add_argument("--force", action="store_true", help="backfill: write commits that have a record again")
    tr.add_argument("--dry-run", action="store_true", help="backfill: say what would be written")
    tr.add_argument("--max", type=_bounded(1, 100000, int), default=200,
                    help="backfill, stats: at most this many commits (default 200)")
    tr.add_argument("--by-author", action="store_true",
                    help="stats: per author too (only authors whose records allow it: setting trace.authorStats)")
    tr.add_argument("--out", help="review: file to write (default: stdout)")
    tr.add_argument("--share", action="store_true",
                    help="sync: turn sharing on for this repository (it is remembered) and push")
    tr.add_argument("--no-share", action="store_true", help="sync: turn sharing off for this repository")
    tr.set_defaults(fn=cmd_trace)
    b = sub.add_parser("blame", help="per line: the commit, AI or human, kind and tool, explained or not")
    b.add_argument("file")
    b.add_argument("--rev", help="blame the file as this commit has it (default: the work tree)")
    b.add_argument("--format", choices=["text", "json"], default="text")
    b.set_defaults(fn=cmd_blame)
    g = sub.add_parser("git", help="the optional git hook that writes each commit's record (never needed "
                                   "while an editor with ownwise runs)")
    g.add_argument("action", choices=["install-hook", "uninstall-hook", "hook-status"])
    g.add_argument("--repo", help="a directory in the repository (default: the current one)")
    g.set_defaults(fn=cmd_git)


def main(argv: list[str] | None = None) -> int:
    args_in = sys.argv[1:] if argv is None else argv
    if args_in[:1] == ["hook"]:
        # the agents' hook: a light path (no argparse, no sqlite-utils, no pydantic); stdin is read
        # as bytes inside its never-fail guard
        from .hooks.run import main as hook_main
        from .hooks.run import run

        return hook_main(args_in[1:]) if argv is None else run(args_in[1:], b"")
    if args_in[:2] == ["trace", "hook"]:
        # the git hook's background run: never fails, nothing on stdout
        return cmd_trace_hook(args_in[2:])
    if args_in == ["serve"]:
        # what every editor spawns: skip building the parser (argparse, shutil: ~10 ms of start-up)
        return cmd_serve(None)
    parser = build_parser()
    args = parser.parse_args(argv)
    if getattr(args, "fn", None) is cmd_hooks and args.action in ("install", "uninstall") and not args.agent:
        parser.error("hooks install/uninstall need --agent (claude-code, codex, cursor, copilot or all)")
    if args.db:
        os.environ["OWNWISE_DB"] = args.db
    return int(args.fn(args) or 0)
