"""Explanation debt and re-asking: which AI code still wants explaining, and the prompts for it.

At a session's end the AI code it left (still in the documents, or captured
when a file closed) becomes prompts (:meth:`ExplanationDebt.end_of_session`);
the core AI code never explained is the *debt* shown as diagnostics; a due
review card becomes a re-ask at the next session's start. The prompt service
is imported on first use (start-up). Pure Python over the store (no protocol).
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, replace
from typing import TYPE_CHECKING

from ..attribution.document import column_of
from ..clock import Now
from ..documents import DocState, Documents, uri_to_path
from ..ownership import OwnershipClass
from ..recorder import Recorder
from ..sessions import Session
from ..settings import Settings
from ..store import Prompt
from ..words import plural
from .blocks import Block, merge_blocks, prompt_kind, select

if TYPE_CHECKING:
    from .service import PromptService

log = logging.getLogger("ownwise.prompts.debt")


@dataclass(frozen=True)
class DebtBlock:
    """AI code in a core file that was never explained (or marked can't-explain)."""

    block: Block
    cannot_explain: bool
    end_character: int = 0  # the end of its last line's text, in the document's position encoding


@dataclass
class SessionEnd:
    """A session that just ended and the prompts it left."""

    session: Session
    prompts: list[Prompt]
    earlier: list[Prompt]  # prompts still pending from before
    #: AI lines kept in blocks shorter than prompts.minLines: never asked about, and not capability debt
    small_lines: int = 0


class ExplanationDebt:
    def __init__(self, settings: Settings, documents: Documents, recorder: Recorder, wall: Now) -> None:
        self.settings = settings
        self.documents = documents
        self.recorder = recorder
        self.wall = wall
        self.pending_total = 0
        #: bumps whenever what the debt is computed from changes beyond the documents themselves
        #: (answers, pending prompts, settings): diagnostics are recomputed then
        self.generation = 0
        self._explained: dict[str, tuple[set[str], set[str]]] = {}
        #: AI blocks of documents closed during the running session, captured at close (uri -> blocks)
        self._closed: dict[int, dict[str, list[Block]]] = {}
        #: (uri, revision, start, end) -> why the function around a block is core ("": it is not)
        self._units: dict[tuple[str, int, int, int], str] = {}
        self._service: PromptService | None = None

    @property
    def service(self) -> PromptService | None:
        """The prompt service, once the database is open (imported on first use: start-up)."""
        if self._service is None and self.recorder.store is not None:
            from .service import PromptService

            self._service = PromptService(self.recorder.store, self.recorder.docs_dir(), self.wall,
                                          self.settings.prompts)
        return self._service

    def apply_settings(self, settings: Settings) -> None:
        self.settings = settings
        if self._service is not None:
            self._service.settings = settings.prompts
        self.generation += 1

    def _blocks(self, uri: str, st: DocState, events: set[str] | None) -> list[Block]:
        """The AI blocks of a document, each with its class: its file's, or core when the function
        around it is core (ownership/units.py) in a file that is not."""
        _, rel = st.where
        blocks = merge_blocks(uri, rel, st.decision.cls.value, st.doc.ranges(), st.doc.lines,
                              events=events, include_suspected=self.settings.attribution.suspected_counts_as_ai)
        if st.decision.cls is OwnershipClass.CORE or st.decision.source == "override":
            return blocks  # a core file needs nothing more; a class set by hand is the user's word
        return [self._block_class(st, b) for b in blocks]

    def _block_class(self, st: DocState, b: Block) -> Block:
        key = (st.doc.uri, st.doc.revision, b.start_line, b.end_line)
        hit = self._units.get(key)
        if hit is None:
            from ..ownership.units import unit_verdict

            unit = unit_verdict(st.where[1], st.doc.lines, b.start_line, b.end_line, st.facts)
            hit = unit.why if unit is not None and unit.core else ""
            if len(self._units) > 512:
                self._units.clear()
            self._units[key] = hit
        if not hit:
            return b
        return replace(b, ownership_class=OwnershipClass.CORE.value,
                       class_reason=f"This block is in a {b.ownership_class} file, but {hit}; it is asked about "
                                    "as core.")

    # ------------------------------------------------------------ sessions
    def keep_closed(self, uri: str, st: DocState, s: Session | None) -> None:
        """A document closes during a session: keep its AI code of the session, asked about at the end."""
        if s is None or not s.events:
            return
        blocks = self._blocks(uri, st, s.events)
        closed = self._closed.setdefault(s.id, {})
        if blocks:
            closed[uri] = blocks
        else:
            closed.pop(uri, None)

    def end_of_session(self, s: Session) -> SessionEnd:
        """The new prompts (and the earlier pending ones) for the AI code a session that just ended kept."""
        docs = self.documents.docs
        blocks: list[Block] = []
        for uri, st in docs.items():
            blocks += self._blocks(uri, st, s.events)
        closed_now = self._closed.pop(s.id, {})
        self._closed.clear()  # one session at a time: nothing older is asked about
        for uri, closed in closed_now.items():
            if uri not in docs:
                blocks += closed
        # prompts keep the block's code: never for files that match secretPatterns
        blocks = [b for b in blocks if not self.documents.is_secret(uri_to_path(b.uri))]
        p = self.settings.prompts
        policy = p.policy.model_dump()
        small = sum(b.lines for b in blocks if b.lines < p.min_lines and prompt_kind(b.ownership_class, policy))
        chosen = select(blocks, policy, min_lines=p.min_lines, max_count=p.max_per_session)
        prompts: list[Prompt] = []
        earlier: list[Prompt] = []
        entries = [(b, self.documents.relpath(uri_to_path(b.uri), b.uri)[0], self.documents.language(b.uri))
                   for b in chosen]
        if self.recorder.open_store() and self.service is not None:
            try:
                earlier = [q for q in self.service.pending() if q.kind != "review"]
                prompts = self.service.create(s.id, entries)
            except Exception as exc:  # noqa: BLE001 - the session is still stored
                log.error("could not store the prompts of session %s: %s", s.id, exc)
                self.recorder.notify_user("error", f"ownwise could not store this session's explain prompts: {exc}")
        elif entries:
            # no database: the prompts wait in the write queue (ids fixed now, so stored once)
            # and are written, pending and not yet offered, by the first flush once it opens
            from .service import make_prompts

            held = make_prompts(s.id, entries, self.settings.prompts, self.wall())
            self.recorder.hold_prompts(held)
            log.warning("session %s: the database is unavailable; %s kept in memory until it opens",
                        s.id, plural(len(held), "prompt"))
        return SessionEnd(s, prompts, earlier, small)

    def reask_due(self) -> Prompt | None:
        """At a session start: turn the first due explanation into a re-ask prompt."""
        if self.service is None:
            return None
        policy = self.settings.prompts.policy.model_dump()
        for card, original in self.service.due():
            lines = self.documents.current_lines(original.uri)
            made = self.service.reask(card, original, lines,
                                      kind_for_changed=prompt_kind(original.ownership_class, policy))
            if made is not None:
                self.refresh_pending()
                return made
        return None

    # ------------------------------------------------------------- pending
    def refresh_pending(self) -> bool:
        """Re-read the pending prompt count (the CLI may answer too); True if it changed."""
        store = self.recorder.store
        if store is None:
            return False
        try:
            n = store.pending_count()
        except Exception as exc:  # noqa: BLE001
            log.warning("could not count pending prompts: %s", exc)
            return False
        changed = n != self.pending_total
        self.pending_total = n
        if changed:
            self._explained.clear()
            self.generation += 1
        return changed

    def pending_for(self, uri: str) -> int:
        # the store, not self.service: that would import the prompt service on the first fileInfo
        store = self.recorder.store
        if store is None or not self.pending_total:
            return 0
        try:
            return store.pending_count(uri)
        except Exception:  # noqa: BLE001
            return 0

    # ---------------------------------------------------------------- debt
    def explained(self, uri: str) -> tuple[set[str], set[str]]:
        hit = self._explained.get(uri)
        if hit is None:
            hit = (set(), set())
            store = self.recorder.store
            if store is not None:
                try:
                    hit = store.explained_events(uri)
                except Exception as exc:  # noqa: BLE001
                    log.warning("could not read explanations for %s: %s", uri, exc)
            self._explained[uri] = hit
        return hit

    def forget(self, uri: str) -> None:
        """A document closed: its cached explanations go (read again if it reopens)."""
        self._explained.pop(uri, None)

    def invalidate_explained(self, uri: str | None = None) -> None:
        if uri is None:
            self._explained.clear()
        else:
            self._explained.pop(uri, None)
        self.generation += 1

    def debt(self, uri: str) -> list[DebtBlock]:
        """Unexplained (or can't-explain) core AI blocks (of a core file, or in a core function), for diagnostics."""
        st = self.documents.docs.get(uri)
        if st is None or self.documents.is_secret(st.path) or not any(st.doc.counts.values()):
            return []
        done, cannot = self.explained(uri)
        out = []
        for b in self._blocks(uri, st, None):
            if b.ownership_class != OwnershipClass.CORE.value:
                continue
            if b.lines < self.settings.prompts.min_lines or b.events <= done:
                continue
            last = st.doc.lines[b.end_line].rstrip("\r\n")
            out.append(DebtBlock(b, bool(b.events & cannot), column_of(last, st.doc.encoding)))
        return out

    def block_at(self, uri: str, start: int, end: int) -> Block | None:
        st = self.documents.docs.get(uri)
        if st is None or self.documents.is_secret(st.path):
            return None
        for b in self._blocks(uri, st, None):
            if b.start_line <= end and start <= b.end_line:
                return b
        return None

    def prompt_for_block(self, block: Block, session_id: int | None) -> Prompt:
        """A pending prompt for this block (an existing one if it covers the same AI code)."""
        assert self.service is not None
        for p in self.service.pending():
            if p.uri == block.uri and p.kind != "review" and set(p.events) & block.events:
                return p
        kind = prompt_kind(block.ownership_class, self.settings.prompts.policy.model_dump()) or "explain"
        made = self.service.create(
            session_id,
            [(block, self.documents.relpath(uri_to_path(block.uri), block.uri)[0],
              self.documents.language(block.uri))],
            kind_for=lambda b: kind)
        self.refresh_pending()
        return made[0]


__all__ = ["DebtBlock", "ExplanationDebt", "SessionEnd"]
