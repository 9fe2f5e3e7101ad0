"""The Ownership Matrix over LSP: each workspace's repository evidence, built off the event loop,
and the offer to turn a per-file override into a rule for the file's siblings.

After ``initialized`` each workspace root's cached evidence is read from the database and the
open documents are classified with it; then a worker thread brings it up to date
(:func:`ownwise.ownership.index.refresh`: only the files whose size or time changed, git only
when HEAD moved) and the documents whose class or reason changed get a new ``ownwise/status``.
A save re-reads that document (``Documents.saved``). Nothing here runs on a keystroke.
"""

from __future__ import annotations

import asyncio
import logging
from pathlib import Path

from ..ownership import OwnershipClass
from .server import OwnwiseServer

log = logging.getLogger("ownwise.lsp")

#: how long after start-up the first refresh waits (the editor's first requests come first)
FIRST_REFRESH_DELAY = 1.0
ADD_RULE = "Add the rule"
NOT_NOW = "Not now"


class OwnershipFeature:
    def __init__(self, server: OwnwiseServer) -> None:
        self.ls = server
        self._refreshing: set[Path] = set()

    # ------------------------------------------------ repository evidence
    def started(self) -> None:
        self.ls.spawn(self.index_all(delay=FIRST_REFRESH_DELAY))

    async def index_all(self, delay: float = 0.0) -> None:
        """Load each root's cached evidence, then refresh it in a worker thread."""
        if delay:
            await asyncio.sleep(delay)
        from ..ownership.index import RepoIndex, Snapshot  # after the delay: not in the first answer's way
        documents = self.ls.engine.documents
        recorder = self.ls.engine.recorder
        for root in list(documents.roots):
            if root in self._refreshing:
                continue
            self._refreshing.add(root)
            try:
                cached = Snapshot.from_json(recorder.workspace_evidence(root))
                if cached is not None and root not in documents.indexes:
                    self._apply(root, RepoIndex(cached))
                fresh = await self._refresh(root, cached)
                if fresh is None:
                    continue
                self._apply(root, RepoIndex(fresh))
                recorder.save_workspace_evidence(root, fresh.head, fresh.to_json())
            finally:
                self._refreshing.discard(root)

    async def _refresh(self, root: Path, cached):
        from ..ownership.index import refresh

        try:
            return await asyncio.get_running_loop().run_in_executor(None, refresh, root, cached)
        except Exception as exc:  # noqa: BLE001 - evidence is optional: the classes stay as they are
            log.warning("could not read the workspace evidence of %s: %s", root, exc)
            return None

    def _apply(self, root: Path, index) -> None:
        changed = self.ls.engine.documents.apply_index(root, index)
        for uri in changed:
            self.ls.send_status(uri)
        if changed:
            log.info("%d open documents reclassified with the evidence of %s", len(changed), root)

    def document_saved(self, uri: str) -> bool:
        """Read a saved document again: its class (and the fan-in of what it imports) may have moved."""
        for changed in self.ls.engine.documents.saved(uri):
            self.ls.send_status(changed)
        return False  # not ownwise's own document: the other features still look at it

    def folders_changed(self) -> None:
        self.ls.spawn(self.index_all())

    # ---------------------------------------------------- rule offers
    def offer_rule(self, uri: str, cls: OwnershipClass) -> None:
        """After a per-file override: offer, once per directory, a rule giving its siblings the class."""
        self.ls.spawn(self._offer_rule(uri, cls))

    async def _offer_rule(self, uri: str, cls: OwnershipClass) -> None:
        from ..documents import uri_to_path
        from ..ownership.config import add_rule, suggest_rule

        documents = self.ls.engine.documents
        path = uri_to_path(uri)
        root = documents.classifier.workspace_root_for(path) if path is not None else None
        if path is None or root is None:
            return
        index = documents.indexes.get(root)
        files = [root / rel for rel in index.snapshot.files] if index is not None else None
        suggestion = suggest_rule(root, path, cls, files)
        if suggestion is None:
            return
        key = f"ownership.ruleOffered:{root}:{suggestion.glob}"
        recorder = self.ls.engine.recorder
        try:
            if recorder.client_state(key):
                return  # offered once already for this directory
            recorder.client_state(key, True, write=True)
        except Exception as exc:  # noqa: BLE001 - no database: no offer (it could not be remembered)
            log.info("no rule offer for %s: %s", uri, exc)
            return
        others = f"{suggestion.siblings} other file" + ("s" if suggestion.siblings != 1 else "")
        where = suggestion.file.name
        answer = await self.ls.ask(
            f"Make {cls.value} a rule for {suggestion.glob}? The {others} there would be {cls.value} too. "
            f"ownwise would add this to {where}, before its other rules:\n\n{suggestion.text}",
            [ADD_RULE, NOT_NOW])
        if answer != ADD_RULE:
            return
        try:
            written = add_rule(suggestion)
        except (OSError, ValueError) as exc:
            self.ls.tell_user("warning", f"ownwise did not add the rule: {exc}")
            return
        log.info("rule %s -> %s added to %s", suggestion.glob, cls.value, written)
        if documents.poll_config():
            self.ls.send_statuses()


def register(server: OwnwiseServer) -> OwnershipFeature:
    return OwnershipFeature(server)


__all__ = ["OwnershipFeature", "register"]
