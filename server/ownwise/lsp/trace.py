"""Commits noticed without a hook, and the per-line attribution the editor's hover shows (docs/git.md).

Each workspace folder's git repository is found once (in a worker thread). Every tick the size of its
HEAD reflog (``<git dir>/logs/HEAD``) is compared with the last one seen: a ``stat``, nothing else.
New entries that made commits (commit, amend, merge, rebase steps, cherry-pick) go, in order, to
one worker thread, which writes each commit's Agent Trace record into ``refs/notes/agent-trace``
from what the database knows (the tick flushed the write queue just before), with the documents'
classes asked of the event loop. The commit itself never waits: git is done before the reflog
grows. Where the reflog had got to is kept in the database, so the commits made while no editor ran
(up to :data:`CATCH_UP` of them, at most :data:`CATCH_UP_DAYS` old) are recorded at the next start.

``ownwise/lineAttribution`` gives the AI lines of an open document: the mirror's (kind, tool, when,
explained) and, for lines the mirror has no tag for, what the records of the commits that last
changed them say (``git blame`` of the mirrored text), computed in a worker thread.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import os
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING, Any

from . import protocol as P
from .handlers import validated
from .server import OwnwiseServer

if TYPE_CHECKING:
    from ..trace.attribute import ReflogPlanner
    from ..trace.git import ReflogEntry, Repo

log = logging.getLogger("ownwise.lsp.trace")

CATCH_UP = 100
CATCH_UP_DAYS = 14
FIRST_LOOK_DELAY = 1.0  # seconds after start-up


@dataclass
class Watched:
    repo: Repo
    log_path: Path
    offset: int = 0
    planner: ReflogPlanner | None = None
    busy: bool = False
    pending: list[ReflogEntry] = field(default_factory=list)


class TraceFeature:
    def __init__(self, server: OwnwiseServer) -> None:
        self.ls = server
        self.repos: dict[Path, Watched] = {}  # git dir -> what is watched
        self._pool: concurrent.futures.ThreadPoolExecutor | None = None
        self._finding = False
        self._blame_cache: dict[tuple, list[dict[str, Any]]] = {}
        self._since = time.time()  # commits from here on are this server's to record, however late it looks

    @property
    def pool(self) -> concurrent.futures.ThreadPoolExecutor:
        if self._pool is None:
            self._pool = concurrent.futures.ThreadPoolExecutor(max_workers=1, thread_name_prefix="ownwise-trace")
        return self._pool

    # ---------------------------------------------------------- repositories
    def started(self) -> None:
        self.ls.spawn(self.find_repos(catch_up=True, delay=FIRST_LOOK_DELAY))

    def folders_changed(self) -> None:
        self.ls.spawn(self.find_repos(catch_up=False))

    async def find_repos(self, catch_up: bool, delay: float = 0.0) -> None:
        if delay:  # git and the reflog after the first answers; a commit meanwhile is still seen (_since)
            await asyncio.sleep(delay)
        if self._finding:
            return
        self._finding = True
        try:
            roots = list(self.ls.engine.documents.roots)
            found = await asyncio.get_running_loop().run_in_executor(self.pool, _discover, roots)
        finally:
            self._finding = False
        engine = self.ls.engine
        for repo in found:
            if repo.git_dir in self.repos:
                continue
            log_path = repo.git_dir / "logs" / "HEAD"
            size = _size(log_path)
            w = Watched(repo, log_path, offset=_first_since(log_path, size, self._since))
            self.repos[repo.git_dir] = w
            if catch_up and engine.open_store():
                w.offset = min(w.offset, self._resume_at(w, size))
            log.info("watching the commits of %s", repo.root)
        # read at the server's next tick, after its flush: the records see every edit made before the commit

    def _key(self, w: Watched) -> str:
        return f"trace:reflog:{w.repo.git_dir}"

    def _resume_at(self, w: Watched, size: int) -> int:
        """Where the reflog was when a server last read it, if that is still so (else its end)."""
        try:
            mark = self.ls.engine.recorder.require_store().get(self._key(w))
            if not isinstance(mark, dict) or not isinstance(mark.get("size"), int) or mark["size"] > size:
                return size
            with open(w.log_path, "rb") as fh:
                head = fh.read(mark["size"])
            from ..trace.git import parse_reflog

            entries = parse_reflog(head)
            if not entries or entries[-1].new != mark.get("new"):
                return size  # rewritten or expired since: nothing to trust
            return int(mark["size"])
        except Exception as exc:  # noqa: BLE001 - no catch-up; ownwise trace backfill does it by hand
            log.info("no catch-up for %s: %s", w.repo.root, exc)
            return size

    # ------------------------------------------------------------------ tick
    def tick(self) -> None:
        for w in list(self.repos.values()):
            size = _size(w.log_path)
            if size == w.offset or w.busy:
                continue
            if size < w.offset:  # rewritten or expired: start again from its end
                w.offset = size
                continue
            try:
                with open(w.log_path, "rb") as fh:
                    fh.seek(w.offset)
                    chunk = fh.read(size - w.offset)
            except OSError:
                continue
            end = chunk.rfind(b"\n") + 1
            if end == 0:
                continue  # a line still being written
            from ..trace.git import parse_reflog

            entries = parse_reflog(chunk[:end])
            w.offset += end
            fresh = [e for e in entries if e.when >= time.time() - CATCH_UP_DAYS * 86400][-CATCH_UP:]
            w.pending += fresh
            mark = {"size": w.offset, "new": entries[-1].new} if entries else None
            if w.pending and self.ls.engine.settings.trace.notes:
                self._submit(w, mark)
            else:
                w.pending = []
                if mark is not None:
                    self.ls.engine.recorder.put(self._key(w), mark)

    def _submit(self, w: Watched, mark: dict | None) -> None:
        engine = self.ls.engine
        if not engine.recorder.reads_in_thread:
            w.pending = []
            return
        entries, w.pending = w.pending, []
        w.busy = True
        loop = asyncio.get_running_loop()
        future = loop.run_in_executor(self.pool, self._record, w, entries, loop)

        def done(f: asyncio.Future) -> None:
            w.busy = False
            if not f.cancelled() and f.exception() is not None:
                log.warning("could not write the Agent Trace records of %s: %s", w.repo.root, f.exception())
            elif not f.cancelled() and f.result():
                log.info("Agent Trace records written for %s", ", ".join(c[:12] for c in f.result()))
            if mark is not None:
                engine.recorder.put(self._key(w), mark)

        future.add_done_callback(done)

    def _record(self, w: Watched, entries: list[ReflogEntry], loop: asyncio.AbstractEventLoop) -> list[str]:
        """In the worker thread: the records of the commits these reflog entries made."""
        from .. import __version__
        from ..trace.attribute import ReflogPlanner, Tracer, has_record
        from ..trace.knowledge import Knowledge

        engine = self.ls.engine
        settings = engine.settings
        if w.planner is None:
            w.planner = ReflogPlanner()
        planned = []
        for e in entries:
            origin = w.planner.feed(e)
            if origin is not None:
                planned.append((e.new, origin))
        if not planned:
            return []

        def classify(paths: list[Path]) -> dict[Path, str]:
            async def on_loop() -> dict[Path, str]:
                return {p: engine.documents.classify_path(p).cls.value for p in paths}

            return asyncio.run_coroutine_threadsafe(on_loop(), loop).result(timeout=60)

        with engine.recorder.reader() as store:
            tracer = Tracer(w.repo, knowledge=Knowledge(store, suspected_counts_as_ai=(
                settings.attribution.suspected_counts_as_ai)), classify=classify, version=__version__,
                now=engine.wall, author_stats=settings.trace.author_stats)
            existing = w.repo.notes(commits=[c for c, _o in planned])
            records = []
            for commit, origin in planned:
                if w.repo.rev_parse(commit) is None:
                    continue  # gone already (a rebase step squashed away and pruned)
                if origin.kind == "commit" and has_record(existing, commit):
                    continue  # the git hook was quicker
                records.append(tracer.record(commit, origin))
            tracer.write(records)
        return [r["vcs"]["revision"] for r in records]

    def shutdown(self) -> None:
        if self._pool is not None:
            self._pool.shutdown(wait=False, cancel_futures=True)

    # ---------------------------------------------------------------- hover
    async def line_attribution(self, uri: str) -> dict[str, Any]:
        engine = self.ls.engine
        st = engine.documents.docs.get(uri)
        if st is None:
            return {"uri": uri, "ranges": []}
        if engine.open_store():
            engine.flush()  # the edits of the AI lines shown are in the database
        ranges = st.doc.ranges()
        sca = engine.settings.attribution.suspected_counts_as_ai
        live = [r for r in ranges if r.kind != "suspected" or sca]
        tagged = {n for r in ranges for n in range(r.start_line, r.end_line + 1)}
        text = st.doc.text
        path = st.path
        if not engine.recorder.reads_in_thread:
            return {"uri": uri, "ranges": []}
        return await asyncio.get_running_loop().run_in_executor(
            None, self._attribution, uri, live, tagged, text, path)

    def _attribution(self, uri: str, live: list, tagged: set[int], text: str, path: Path | None) -> dict[str, Any]:
        from ..trace.record import KINDS

        out: list[dict[str, Any]] = []
        engine = self.ls.engine
        with engine.recorder.reader() as store:
            events = [r.event for r in live]
            states = store.event_states(events)
            when = {f.id: f.ts for f in store.edit_facts(events)}
        for r in live:
            out.append({"startLine": r.start_line, "endLine": r.end_line,
                        "type": "mixed" if r.human_modified else "ai", "kind": KINDS.get(r.kind, r.kind),
                        "tool": r.source, "explained": states.get(r.event, "pending"), "when": when.get(r.event),
                        "commit": None, "source": "editor"})
        if path is not None:
            try:
                out += [g for g in self._committed(path, text) if not any(
                    n in tagged for n in range(g["startLine"], g["endLine"] + 1))]
            except Exception as exc:  # noqa: BLE001 - not in git, or git failed: the editor's lines only
                log.debug("no committed attribution for %s: %s", path, exc)
        out.sort(key=lambda g: g["startLine"])
        return {"uri": uri, "ranges": out}

    def _committed(self, path: Path, text: str) -> list[dict[str, Any]]:
        """The AI lines the records of the commits that last changed each line of ``text`` name."""
        from ..hashing import text_hash
        from ..trace.git import NOTES_REF, Repo
        from ..trace.views import blame

        repo = next((w.repo for w in self.repos.values() if _inside(path, w.repo.root)), None) or \
            Repo.discover(path)
        if repo is None:
            return []
        key = (str(path), text_hash(text), repo.ref("HEAD"), repo.ref(NOTES_REF))
        if key in self._blame_cache:
            return self._blame_cache[key]
        lines = blame(repo, path, None, text.encode("utf-8", "surrogateescape"))
        infos = repo.commits({b.commit for b in lines if b.commit})
        out: list[dict[str, Any]] = []
        for b in lines:
            lab = b.info.label
            if b.commit is None or not lab.is_ai:
                continue
            info = infos.get(b.commit)
            when = None
            if info is not None:
                from datetime import datetime, timezone

                from ..clock import iso

                when = iso(datetime.fromtimestamp(info.author_time, timezone.utc))
            item = {"startLine": b.line - 1, "endLine": b.line - 1, "type": lab.type, "kind": lab.kind,
                    "tool": lab.tool, "explained": lab.explained, "when": when, "commit": b.commit,
                    "source": b.info.source}
            last = out[-1] if out else None
            if last is not None and last["endLine"] == b.line - 2 and all(
                    last[k] == item[k] for k in ("type", "kind", "tool", "explained", "commit", "source")):
                last["endLine"] = b.line - 1
            else:
                out.append(item)
        if len(self._blame_cache) > 64:
            self._blame_cache.clear()
        self._blame_cache[key] = out
        return out


def _inside(path: Path, root: Path) -> bool:
    try:
        path.relative_to(root)
        return True
    except ValueError:
        return False


def _size(path: Path) -> int:
    try:
        return os.stat(path).st_size
    except OSError:
        return 0


def _discover(roots: list[Path]) -> list[Repo]:
    from ..trace.git import Repo

    out: dict[Path, Repo] = {}
    for root in roots:
        repo = Repo.discover(root)
        if repo is not None:
            out.setdefault(repo.git_dir, repo)
    return list(out.values())


def _first_since(log_path: Path, size: int, since: float) -> int:
    """The offset of the first reflog entry made at or after ``since`` (its end if none): a commit made
    after the server started but before it found the repository (under load, seconds) is still seen."""
    if size == 0:
        return 0
    from ..trace.git import parse_reflog

    try:
        with open(log_path, "rb") as fh:
            fh.seek(max(0, size - 256 * 1024))  # the recent end is enough: start-up takes seconds
            skipped = fh.tell()
            chunk = fh.read(size - skipped)
    except OSError:
        return size
    if skipped:
        cut = chunk.find(b"\n") + 1
        chunk, skipped = chunk[cut:], skipped + cut
    offset = skipped
    for line in chunk.splitlines(keepends=True):
        entries = parse_reflog(line) if line.endswith(b"\n") else []
        if entries and entries[0].when >= int(since) - 1:
            return offset
        offset += len(line)
    return size


def register(server: OwnwiseServer) -> TraceFeature:
    feature = TraceFeature(server)

    @server.feature(P.LINE_ATTRIBUTION)
    async def line_attribution(ls: OwnwiseServer, params: Any) -> dict[str, Any]:
        p = validated(P.LineAttributionParams, params, P.LINE_ATTRIBUTION)
        return await feature.line_attribution(p.uri)

    return feature


__all__ = ["TraceFeature", "register"]
