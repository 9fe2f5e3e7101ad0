"""kill -9 the server at random moments under a stream of edits, answers and focus blocks.

Each generation starts a real server (pytest-lsp), opens new core files, streams hinted
AI edits and typing, sometimes ends the session and answers its prompts through
``ownwise/answerPrompt``, sometimes starts a no-AI focus block, then kills the server with
SIGKILL at a random moment (deterministic rng). After each restart, with sqlite3:

- every answer the server confirmed (``accepted``) is in ``answers``;
- ``PRAGMA integrity_check`` is ``ok``;
- every AI edit sent more than ``GRACE`` seconds before the kill (the default flush
  interval, 1 s, plus slack) is in ``edits`` (the server had applied it: ``fileInfo`` just
  before the kill counted its lines), matched by (uri, document version);
- a focus block open at the kill is closed as ``interrupted``, and the killed server's
  session as well.

CI: 5 kills; ``--soak``: 50.
"""

from __future__ import annotations

import asyncio
import os
import random
import re
import signal
import sqlite3
import time
from dataclasses import dataclass, field
from pathlib import Path

from ..lsp.conftest import eventually, ownwise
from .conftest import scaled

SEED = 20261124
FLUSH_INTERVAL = 1.0  # flushIntervalSeconds, its default (the test does not set it)
GRACE = FLUSH_INTERVAL + 0.5  # an edit older than this at the kill must be stored


# ------------------------------------------------------------------ helpers shared with test_two_servers
def q(db: Path, sql: str, *args):
    con = sqlite3.connect(db, timeout=10)
    try:
        return con.execute(sql, args).fetchall()
    finally:
        con.close()


def integrity(db: Path) -> str:
    return q(db, "PRAGMA integrity_check")[0][0]


def ai_code(name: str, rng: random.Random) -> str:
    """A 5-line AI block defining ``name``."""
    var = rng.choice(["total", "acc", "running", "result"])
    return (f"def {name}(items, limit):\n"
            f"    {var} = 0\n"
            f"    for item in items[:limit]:\n"
            f"        {var} += item\n"
            f"    return {var}\n")


AI_BLOCK_LINES = 5


def answer_for(code: str) -> str:
    """An answer that passes the gentle checks: >= 15 words, names the code's first function."""
    name = re.search(r"def (\w+)", code).group(1)
    return (f"{name} walks over the items up to the given limit and adds each one into a running "
            f"sum, which it hands back at the end so the caller gets the sum in a single pass.")


@dataclass
class Sent:
    uri: str
    version: int
    at: float  # time.monotonic() when the didChange was sent
    lines: int


class Doc:
    """A document the client edits, with a mirror of its lines to place typing at the end."""

    def __init__(self, s, rel: str, tag: str) -> None:
        self.s = s
        self.tag = tag
        self.lines = ["# notes typed by hand", ""]
        self.uri = s.open(rel, "\n".join(self.lines))
        self.ai_lines = 0
        self.n = 0

    def ai_edit(self, rng: random.Random, log: list[Sent]) -> None:
        self.n += 1
        block = ai_code(f"{self.tag}_step{self.n}", rng)
        kind = rng.choice(["inlineCompletion", "chatEdit", "inlineCompletion"])
        self.s.hint(self.uri, kind, "test.ai", version=self.s.versions[self.uri] + 1)
        v = self.s.insert(self.uri, 0, block)
        self.lines[0:0] = block.split("\n")[:-1]
        self.ai_lines += AI_BLOCK_LINES
        log.append(Sent(self.uri, v, time.monotonic(), AI_BLOCK_LINES))

    def type(self, ch: str) -> None:
        line, col = len(self.lines) - 1, len(self.lines[-1])
        self.s.insert(self.uri, line, ch, col=col)
        if ch == "\n":
            self.lines.append("")
        else:
            self.lines[-1] += ch

    async def confirm(self) -> None:
        """fileInfo is answered after every change sent before it: all of them were applied."""
        info = await self.s.file_info(self.uri)
        assert info["aiLines"] == self.ai_lines, (self.uri, info["aiLines"], self.ai_lines)


async def step(docs: list[Doc], rng: random.Random, log: list[Sent]) -> None:
    """One burst of the stream: an AI edit, or a few typed characters."""
    d = rng.choice(docs)
    if rng.random() < 0.55:
        d.ai_edit(rng, log)
    else:
        for _ in range(rng.randint(1, 6)):
            d.type(rng.choice("abcdefghij (x)=+\n"))
            await asyncio.sleep(rng.uniform(0.0, 0.02))
    await asyncio.sleep(rng.uniform(0.02, 0.12))


async def end_and_answer(s, rng: random.Random, confirmed: dict[str, str], share: float = 0.7,
                         ws: Path | None = None) -> int:
    """End the session; answer a share of the pending prompts (with ``ws``: only that window's own,
    the list being global). Returns the answers confirmed."""
    await s.command("ownwise.session.end")
    pending = (await s.request("ownwise/pendingPrompts", {}))["prompts"]
    n = 0
    for p in pending:
        if p["kind"] != "explain" or rng.random() > share:
            continue
        if ws is not None and not p["uri"].startswith(ws.as_uri() + "/"):
            continue
        text = answer_for(p["code"])
        res = await s.request("ownwise/answerPrompt",
                              {"id": p["id"], "text": text, "understanding": rng.randint(1, 5)})
        assert res["accepted"] is True, res
        confirmed[p["id"]] = text
        n += 1
    return n


# ------------------------------------------------------------------ the test
@dataclass
class Kill:
    gen: int
    mode: str
    ran: float
    sent: list[Sent]
    t_kill: float
    pid: int
    uris: list[str]
    focus_id: str | None
    race_confirmed: int = 0
    missing: list[Sent] = field(default_factory=list)


def check_after_restart(db: Path, kill: Kill, confirmed: dict[str, str]) -> None:
    assert integrity(db) == "ok"
    stored = dict(q(db, "select prompt_id, text from answers"))
    lost = {pid: t for pid, t in confirmed.items() if stored.get(pid) != t}
    assert not lost, f"confirmed answers missing after kill {kill.gen}: {lost}"
    marks = ",".join("?" * len(kill.uris))
    have = set(q(db, f"select uri, doc_version from edits where uri in ({marks})", *kill.uris))
    kill.missing = [e for e in kill.sent if (e.uri, e.version) not in have]
    old = [e for e in kill.missing if kill.t_kill - e.at > GRACE]
    assert not old, (f"kill {kill.gen}: {len(old)} AI edits sent more than {GRACE} s before the kill "
                     f"are not stored (oldest {max(kill.t_kill - e.at for e in old):.2f} s)")
    if kill.focus_id is not None:
        assert q(db, "select end_reason from focus_blocks where id = ?", kill.focus_id) == [("interrupted",)]
    assert q(db, "select count(*) from sessions where pid = ? and ended_at is null", kill.pid) == [(0,)]


async def recovered(db: Path, kill: Kill) -> bool:
    if kill.focus_id is not None and q(db, "select ended_at from focus_blocks where id = ?",
                                       kill.focus_id) == [(None,)]:
        return False
    return q(db, "select count(*) from sessions where pid = ? and ended_at is null", kill.pid) == [(0,)]


async def test_kill_9_at_random_moments_loses_at_most_the_last_flush(tmp_path, soak):
    kills = scaled(soak, 5, 50)
    rng = random.Random(SEED)
    ws = tmp_path / "ws"
    (ws / "src").mkdir(parents=True)
    db = tmp_path / "data" / "ownwise.db"
    confirmed: dict[str, str] = {}
    done: list[Kill] = []
    t0 = time.monotonic()
    answers_streamed = 0

    for gen in range(kills + 1):
        last = gen == kills
        async with ownwise(ws, db) as s:
            pid = s.client._server.pid
            if done:
                prev = done[-1]
                await eventually(lambda: recovered(db, prev), timeout=10)  # noqa: B023 - awaited here
                check_after_restart(db, prev, confirmed)
            if last:
                break
            docs = [Doc(s, f"src/crash_g{gen}_f{k}.py", f"g{gen}f{k}") for k in range(2)]
            log: list[Sent] = []
            ran = rng.uniform(0.2, 4.5)  # the kill lands anywhere in the stream (and the flush cycle)
            focus_at = rng.uniform(0, ran) if rng.random() < 0.4 else None
            answer_at = sorted(rng.uniform(0, ran) for _ in range(rng.choice([0, 1, 1, 2])))
            focus_id = None
            start = time.monotonic()
            while (el := time.monotonic() - start) < ran:
                if focus_at is not None and el >= focus_at and focus_id is None:
                    await s.command("ownwise.focus.start", {"minutes": 60, "task": f"gen {gen}"})
                    focus_id = (await s.command("ownwise.focus.status"))["id"]
                if answer_at and el >= answer_at[0]:
                    answer_at.pop(0)
                    answers_streamed += await end_and_answer(s, rng, confirmed)
                await step(docs, rng, log)
            for d in docs:
                await d.confirm()
            mode = rng.choice(["stream", "stream", "answer-race"])
            race: list[tuple[str, str, asyncio.Task]] = []
            if mode == "answer-race":
                pending = (await s.request("ownwise/pendingPrompts", {}))["prompts"]
                for p in [p for p in pending if p["kind"] == "explain"][:3]:
                    text = answer_for(p["code"])
                    race.append((p["id"], text, asyncio.ensure_future(s.request(
                        "ownwise/answerPrompt", {"id": p["id"], "text": text, "understanding": 3}))))
                docs[0].ai_edit(rng, log)
                await asyncio.sleep(rng.uniform(0.0, 0.03))
            else:
                tail = time.monotonic() + rng.uniform(0.0, 0.3)  # unconfirmed edits in flight
                while time.monotonic() < tail:
                    await step(docs, rng, log)
            t_kill = time.monotonic()
            os.kill(pid, signal.SIGKILL)
            kill = Kill(gen, mode, t_kill - start, log, t_kill, pid, [d.uri for d in docs], focus_id)
            if race:
                finished, unfinished = await asyncio.wait([t for *_, t in race], timeout=1.0)
                for t in unfinished:
                    t.cancel()
                for prompt_id, text, t in race:
                    if t in finished and t.exception() is None and t.result().get("accepted"):
                        confirmed[prompt_id] = text
                        kill.race_confirmed += 1
            await asyncio.sleep(0.1)
            done.append(kill)

    took = time.monotonic() - t0
    assert integrity(db) == "ok"
    stored = dict(q(db, "select prompt_id, text from answers"))
    assert all(stored.get(k) == v for k, v in confirmed.items())

    for k in done:
        window = max((k.t_kill - e.at for e in k.missing), default=0.0)
        print(f"kill {k.gen:2d} {k.mode:11s} after {k.ran:4.1f}s: {len(k.sent):3d} AI edits sent, "
              f"{len(k.missing)} lost (oldest {window:.2f}s before the kill)"
              f"{', focus block' if k.focus_id else ''}"
              f"{f', {k.race_confirmed} answers confirmed in the race' if k.mode == 'answer-race' else ''}")
    sent = sum(len(k.sent) for k in done)
    lost = sum(len(k.missing) for k in done)
    worst = max((k.t_kill - e.at for k in done for e in k.missing), default=0.0)
    print(f"crash: {len(done)} kills in {took:.1f}s; {sent} AI edits sent, {lost} lost "
          f"(max lost window {worst:.2f}s, flush interval {FLUSH_INTERVAL}s); "
          f"{len(confirmed)} answers confirmed ({answers_streamed} in the stream), all stored; "
          f"{sum(1 for k in done if k.focus_id)} focus blocks closed as interrupted; integrity ok")
