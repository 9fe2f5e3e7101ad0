"""Crediting coding agents: lines an agent wrote on disk, found through its hook's snapshots.

``ownwise hook`` stores the hashes of a file before and after each agent edit
(``agent_snapshots``). When the editor reloads a changed file (an
``externalReload`` hint) or reports a change on disk to a file that is not
open, the text now is looked up there; the lines the agent's edit wrote are
the lines whose hashes differ from the state before it (``hooks/match.py``).
Pure Python over the store (no protocol).
"""

from __future__ import annotations

import logging
from datetime import timedelta
from pathlib import Path

from .attribution import AIRange, EditEvent, EditKind
from .clock import Now, iso
from .documents import DocState, Documents
from .hashing import line_hash, line_hashes, text_hash
from .recorder import Recorder

log = logging.getLogger("ownwise.crediting")

#: an agent's recorded edit is matched only this long after it was recorded
MATCH_WINDOW = timedelta(hours=24)


class AgentCredit:
    def __init__(self, documents: Documents, recorder: Recorder, wall: Now) -> None:
        self.documents = documents
        self.recorder = recorder
        self.wall = wall
        #: path -> hash of the text last logged as unattributed: an editor reports one write of a file as
        #: several changes (created, changed, changed), and each would log the same line
        self._unattributed: dict[str, str] = {}

    def agent_edit(self, path: Path | None, text: str) -> tuple[str, list[int]] | None:
        """(agent, lines it wrote) when an agent's hooks recorded an edit that left exactly ``text``."""
        if path is None or not self.recorder.open_store():
            return None
        store = self.recorder.store
        assert store is not None
        from .hooks.match import changed_lines

        try:
            since = iso(self.wall() - MATCH_WINDOW)
            after = store.agent_after(str(path), text_hash(text), since)
            if after is None:
                return None
            before = store.agent_before(after)
            if before is None:
                log.info("%s was written by %s, but its hook recorded no state before the edit: "
                         "unattributed", path, after.agent)
                return None
            # several edits before anyone looked: follow the chain back (each before-state is the
            # previous edit's result) and diff the first before-state with the last result
            used = [after.id, before.id]
            for _ in range(100):
                if not before.exists or before.content_hash is None:
                    break
                prev = store.agent_post_with(str(path), before.content_hash, before)
                if prev is None or prev.agent != after.agent:
                    break
                earlier = store.agent_before(prev)
                if earlier is None:
                    break
                used += [prev.id, earlier.id]
                before = earlier
            store.mark_agent_used(used, iso(self.wall()))
        except Exception as exc:  # noqa: BLE001 - attribution must not break editing
            log.warning("could not read agent snapshots for %s: %s", path, exc)
            return None
        post = after.line_hashes or line_hashes(text)
        pre = before.line_hashes if before.exists else None
        if before.exists and pre is None:
            return None  # binary or huge: no line diff
        return after.agent, changed_lines(pre, post)

    def reloaded(self, st: DocState, version: int | None) -> EditEvent | None:
        """An open document reloaded from disk: tag what an agent's recorded edit wrote in it."""
        found = self.agent_edit(st.path, st.doc.text)
        if found is None:
            return None
        return st.doc.tag_lines(found[1], EditKind.AGENT_EDIT.value, found[0], version)

    def external_change(self, path: Path) -> tuple[DocState, EditEvent] | None:
        """A file changed on disk while not open here: its mirror with an agent's recorded edit tagged."""
        uri = path.as_uri()
        if uri in self.documents.docs:
            return None  # the editor reloads the open buffer (externalReload) and that change is matched
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError):
            return None
        found = self.agent_edit(path, text)
        if found is None:
            digest = text_hash(text)
            if self._unattributed.get(str(path)) != digest:  # one line per write, not per event of it
                if len(self._unattributed) > 1000:
                    self._unattributed.clear()
                self._unattributed[str(path)] = digest
                log.info("%s changed outside the editor with no agent hook record: unattributed", path)
            return None
        self._unattributed.pop(str(path), None)
        agent, lines = found
        st = self.documents.state_for(uri, text)
        self._carry_ranges(st, uri)
        ev = st.doc.tag_lines(lines, EditKind.AGENT_EDIT.value, agent)
        if ev is None:
            return None
        return st, ev

    def _carry_ranges(self, st: DocState, uri: str) -> None:
        """Keep the AI ranges the file had before the agent's edit (mapped through the line diff)."""
        from difflib import SequenceMatcher  # on use: not on the server's start-up path

        snap = self.recorder.saved_snapshot(uri)
        if snap is None or not snap.ranges:
            return
        after_hashes = [line_hash(x) for x in st.doc.lines]
        old_len = max(r.end_line for r in snap.ranges) + 1
        old_tags: list = [None] * old_len
        for r in snap.ranges:
            for i in range(r.start_line, r.end_line + 1):
                old_tags[i] = r
        # the old text is gone; its line hashes are the pre-edit snapshot's, when they match
        pre = self._pre_hashes_for(st.path, snap.text_hash)
        if pre is None:
            return
        mapped: list[AIRange] = []
        for tag, i1, i2, j1, _j2 in SequenceMatcher(None, pre, after_hashes, autojunk=False).get_opcodes():
            if tag != "equal":
                continue
            for k in range(i2 - i1):
                r = old_tags[i1 + k] if i1 + k < old_len else None
                if r is not None:
                    mapped.append(AIRange(j1 + k, j1 + k, r.kind, r.source, r.human_modified, r.event))
        st.doc.restore_ranges(mapped)

    def _pre_hashes_for(self, path: Path | None, snapshot_hash: str) -> list[str] | None:
        store = self.recorder.store
        if path is None or store is None:
            return None
        snap = store.agent_pre_with(str(path), snapshot_hash)
        return snap.line_hashes if snap else None


__all__ = ["MATCH_WINDOW", "AgentCredit"]
