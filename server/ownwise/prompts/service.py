"""The Explanation Requirement, over the store: create prompts, check and keep answers, re-ask.

Pure Python (no protocol): the language server and the ``ownwise explain``
command both go through this class, so an answer is checked and stored the
same way wherever it is written. Every answer is committed before the caller
confirms it to the user.
"""

from __future__ import annotations

import logging
import uuid
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from ..clock import Now
from ..clock import iso as _iso
from ..files import write_private
from ..hashing import text_hash as code_hash
from ..settings import PromptSettings
from ..store import Answer, Prompt, ReviewCard, Store
from . import checks, document, review
from .blocks import Block, locate
from .identifiers import primary_name

log = logging.getLogger("ownwise.prompts")

QUESTIONS = {
    "explain": ("What does this code do, and why this approach rather than another? "
                "Write it as you would to a senior engineer."),
    "recall": ("From memory, write the steps this code takes. The code appears here once your "
               "answer is saved, so you can compare."),
    "review": ("Without looking at the code: can you still explain {name}? What does it do, "
               "and why does it do it that way?"),
}

CLOSED = ("answered", "cannotExplain", "skipped", "retired")


@dataclass
class Outcome:
    """What happened to one answer."""

    prompt: Prompt
    accepted: bool
    feedback: str
    reason: str
    cannot_explain: bool = False
    next_due: datetime | None = None

    @property
    def reveals_code(self) -> bool:
        """Recall and review prompts show the code once answered, to compare."""
        return self.accepted and self.prompt.kind in ("recall", "review")


def fence_language(language_id: str) -> str:
    return {"typescriptreact": "tsx", "javascriptreact": "jsx", "shellscript": "sh"}.get(
        language_id, language_id)


def make_prompts(session_id: int | None, blocks: Sequence[tuple[Block, str | None, str]],
                 settings: PromptSettings, now: datetime, *,
                 kind_for: Callable[[Block], str | None] | None = None,
                 parent_id: str | None = None) -> list[Prompt]:
    """One new pending prompt per (block, workspace, language id), not stored (pure).

    A block whose class the policy does not ask about is left out. The engine keeps these in its
    write queue when a session ends while the database is unavailable.
    """
    from .blocks import prompt_kind

    policy = settings.policy.model_dump()
    at = _iso(now)
    out: list[Prompt] = []
    for block, workspace, language_id in blocks:
        kind = kind_for(block) if kind_for else prompt_kind(block.ownership_class, policy)
        if kind is None:
            continue
        out.append(Prompt(
            id=uuid.uuid4().hex[:12], session_id=session_id, kind=kind, status="pending",
            ownership_class=block.ownership_class, workspace=workspace, path=block.path,
            uri=block.uri, start_line=block.start_line, end_line=block.end_line,
            lines=block.lines, code=block.code, code_hash=code_hash(block.code),
            language_id=language_id, events=sorted(block.events), kinds=list(block.kinds),
            sources=list(block.sources),
            question=f"{block.class_reason} {QUESTIONS[kind]}" if block.class_reason else QUESTIONS[kind],
            parent_id=parent_id,
            created_at=at, updated_at=at,
        ))
    return out


class PromptService:
    def __init__(self, store: Store, docs_dir: Path, now: Now,
                 settings: PromptSettings | None = None) -> None:
        self.store = store
        self.docs_dir = docs_dir
        self.now = now
        self.settings = settings or PromptSettings()

    # ------------------------------------------------------------ creating
    def create(self, session_id: int | None, blocks: Sequence[tuple[Block, str | None, str]],
               *, kind_for: Callable[[Block], str | None] | None = None,
               parent_id: str | None = None) -> list[Prompt]:
        """Store one pending prompt per (block, workspace, language id)."""
        out = make_prompts(session_id, blocks, self.settings, self.now(), kind_for=kind_for, parent_id=parent_id)
        with self.store.atomic():
            self.store.add_prompts(out)
        return out

    # ------------------------------------------------------------- reading
    def pending(self) -> list[Prompt]:
        order = {"core": 0, "repeatable": 1}
        items = self.store.prompts(status="pending")
        return sorted(items, key=lambda p: (p.kind == "review", order.get(p.ownership_class, 2),
                                            p.created_at, -p.lines))

    def cannot_explain(self) -> list[Prompt]:
        """Prompts answered "I can't explain this yet" whose code was not explained since (newest first):
        their code stays capability debt, and answering one again clears it."""
        explained = self.store.explanation_times()
        items = [p for p in self.store.prompts(status="cannotExplain")
                 if p.kind != "review" and not (p.events and set(p.events) <= explained.keys())]
        return sorted(items, key=lambda p: p.updated_at, reverse=True)

    def get(self, prompt_id: str) -> Prompt:
        p = self.store.prompt(prompt_id)
        if p is None:
            raise KeyError(f"no prompt with id {prompt_id!r}")
        return p

    def explained_events(self, uri: str) -> tuple[set[str], set[str]]:
        """Events of this file's AI code that were explained, and those marked can't-explain."""
        return self.store.explained_events(uri)

    # ----------------------------------------------------------- answering
    def answer(self, prompt_id: str, text: str, *, understanding: int | None = None,
               cannot_explain: bool = False, rating: str | None = None, via: str = "request") -> Outcome:
        p = self.get(prompt_id)
        # "can't explain yet" is not final: the code stays debt until an answer explains it
        if p.status not in ("pending", "cannotExplain") or (p.status == "cannotExplain" and p.kind == "review"):
            return Outcome(p, False, f"This prompt was already {_status_words(p.status)}.", "notPending")
        text = (text or "").strip()
        if cannot_explain or checks.is_cannot_explain(text):
            return self._store(p, text or checks.CANNOT_EXPLAIN, None, True,
                               "again" if p.kind == "review" else None, via,
                               checks.check_answer(checks.CANNOT_EXPLAIN, p.code, p.kind).feedback)
        check = self.check(p, text)
        if not check.accepted:
            return Outcome(p, False, check.feedback, check.reason)
        if p.kind == "review":
            if rating is None:
                return Outcome(p, False, "Rate your recall: write Again, Hard, Good or Easy after "
                                         "\"Recall:\".", "noRating")
            if rating.lower() not in review.RATINGS:
                return Outcome(p, False, f"Recall must be Again, Hard, Good or Easy, not {rating!r}.",
                               "badRating")
        elif understanding is None:
            return Outcome(p, False, "Rate your understanding: replace _ in \"Understanding: _/5\" "
                                     "with a number from 1 to 5.", "noUnderstanding")
        if understanding is not None and not 1 <= understanding <= 5:
            return Outcome(p, False, f"Understanding must be from 1 to 5, not {understanding}.",
                           "badUnderstanding")
        return self._store(p, text, understanding, False, rating.lower() if rating else None, via,
                           check.feedback)

    def check(self, p: Prompt, text: str) -> checks.Check:
        """The gentle checks alone (the terminal runs them before asking for a rating)."""
        return checks.check_answer(text, p.code, p.kind, min_words=self.settings.min_words)

    def _store(self, p: Prompt, text: str, understanding: int | None, cannot: bool,
               rating: str | None, via: str, feedback: str) -> Outcome:
        now = self.now()
        next_due: datetime | None = None
        with self.store.atomic():
            self.store.add_answer(Answer(prompt_id=p.id, text=text, understanding=understanding,
                                         cannot_explain=cannot, rating=rating, via=via,
                                         created_at=_iso(now)))
            status = "cannotExplain" if cannot else "answered"
            self.store.update_prompts([p.id], status=status, updated_at=_iso(now))
            if p.kind == "review" and p.parent_id:
                card = self.store.review(p.parent_id)
                if card is not None and rating:
                    card_json, next_due = review.review(card.card, rating, now)
                    self.store.put_review(card.model_copy(update={
                        "card": card_json, "due": _iso(next_due), "reps": card.reps + 1,
                        "last_review": _iso(now)}))
            elif not cannot:
                card_json, next_due = review.new_card(now, understanding)
                self.store.put_review(ReviewCard(prompt_id=p.id, card=card_json, due=_iso(next_due),
                                                 reps=1, last_review=_iso(now)))
        p = p.model_copy(update={"status": status})
        if not self.settings.reask:
            next_due = None  # the card is kept, so turning re-asking on again picks it up
        if next_due is not None:
            feedback = f"{feedback} You'll be asked about it again {review.describe_interval(now, next_due)}."
        return Outcome(p, True, feedback, "cannotExplain" if cannot else "ok", cannot, next_due)

    def skip(self, ids: Sequence[str]) -> list[Prompt]:
        now = _iso(self.now())
        prompts = [self.get(i) for i in ids]
        todo = [p.id for p in prompts if p.status == "pending"]
        with self.store.atomic():
            self.store.update_prompts(todo, status="skipped", updated_at=now)
        return [p.model_copy(update={"status": "skipped"}) if p.id in todo else p for p in prompts]

    def mark_offered(self, ids: Sequence[str]) -> None:
        now = _iso(self.now())
        with self.store.atomic():
            self.store.update_prompts(ids, offered_at=now)

    # ------------------------------------------------------------ document
    def write_document(self, prompts: Sequence[Prompt], *, title: str | None = None) -> Path:
        """Write the explanation document (0600) for these prompts and return its path."""
        items = [document.DocItem(
            prompt_id=p.id, kind=p.kind, location=p.location,
            question=p.question, code=p.code, language=fence_language(p.language_id),
            ownership_class=p.ownership_class) for p in prompts]
        text = document.render(items, **({"title": title} if title else {}))
        stamp = self.now().strftime("%Y%m%d-%H%M%S")
        path = write_private(self.docs_dir / f"explain-{stamp}-{prompts[0].id[:6]}.md", text)
        with self.store.atomic():
            self.store.update_prompts([p.id for p in prompts], doc_path=str(path))
        return path

    def is_document(self, path: Path) -> bool:
        try:
            return path.resolve().parent == self.docs_dir.resolve() and path.suffix == ".md"
        except OSError:
            return False

    def answer_document(self, text: str) -> list[Outcome]:
        """Check and store every answer written in an explanation document."""
        out: list[Outcome] = []
        for parsed in document.parse(text):
            p = self.store.prompt(parsed.prompt_id)
            if p is None or p.status != "pending":
                continue
            if not parsed.text and parsed.understanding is None and parsed.rating is None:
                continue  # not started yet
            if parsed.understanding_error or parsed.rating_error:
                out.append(Outcome(p, False, parsed.understanding_error or parsed.rating_error or "",
                                   "badUnderstanding" if parsed.understanding_error else "badRating"))
                continue
            out.append(self.answer(p.id, parsed.text, understanding=parsed.understanding,
                                   rating=parsed.rating, via="document"))
        return out

    @staticmethod
    def reveal_code(text: str, outcomes: Sequence[Outcome]) -> str:
        """The document with the code appended to each answered recall/review prompt."""
        for o in outcomes:
            if o.reveals_code:
                text = document.append_code(text, o.prompt.id, o.prompt.code,
                                            fence_language(o.prompt.language_id))
        return text

    # ----------------------------------------------------------- re-asking
    def reasked_today(self) -> int:
        """Re-asks made today: review prompts, and new prompts for explained code that changed."""
        today = self.now().astimezone().replace(hour=0, minute=0, second=0, microsecond=0)
        return sum(1 for p in self.store.prompts(since=_iso(today)) if p.parent_id is not None)

    def due(self) -> list[tuple[ReviewCard, Prompt]]:
        """Due re-asks (oldest due first), within today's allowance."""
        s = self.settings
        if not s.reask or s.reask_per_day <= 0:
            return []
        left = s.reask_per_day - self.reasked_today()
        if left <= 0 or self.store.prompts(kind="review", status="pending"):
            return []
        out = []
        for card in self.store.due_reviews(_iso(self.now()), limit=50):
            p = self.store.prompt(card.prompt_id)
            if p is not None:
                out.append((card, p))
        return out

    def reask(self, card: ReviewCard, original: Prompt, current_lines: Sequence[str] | None,
              *, kind_for_changed: str | None) -> Prompt | None:
        """Turn a due card into a review prompt; or, if the code changed a lot, a new prompt.

        ``current_lines`` is the file's text now (None when it can't be read: then the
        stored code is asked about). Returns the new prompt, or None when the code is gone.
        """
        now = _iso(self.now())
        code, start, end = original.code, original.start_line, original.end_line
        if current_lines is not None:
            found = locate(original.code, current_lines)
            if found is None:
                with self.store.atomic():
                    self.store.put_review(card.model_copy(update={"retired": "gone"}))
                log.info("re-ask %s: its code is gone from %s; not asked again", original.id, original.path)
                return None
            start, end, similarity = found
            if similarity < self.settings.reask_similarity:
                # the matched lines anchor it; the rewritten block spans at least the old length
                end = max(end, min(start + original.lines - 1, len(current_lines) - 1))
                new_code = "".join(current_lines[start:end + 1])
                with self.store.atomic():
                    self.store.put_review(card.model_copy(update={"retired": "changed"}))
                if kind_for_changed is None:
                    return None
                block = Block(uri=original.uri, path=original.path,
                              ownership_class=original.ownership_class, start_line=start, end_line=end,
                              code=new_code, events=frozenset(original.events),
                              kinds=tuple(original.kinds), sources=tuple(original.sources))
                made = self.create(original.session_id, [(block, original.workspace, original.language_id)],
                                   kind_for=lambda b: kind_for_changed, parent_id=original.id)
                return made[0] if made else None
        name = primary_name(code)
        target = f"`{name}`" if name else f"the code at {original.location}"
        p = Prompt(
            id=uuid.uuid4().hex[:12], session_id=original.session_id, kind="review", status="pending",
            ownership_class=original.ownership_class, workspace=original.workspace, path=original.path,
            uri=original.uri, start_line=start, end_line=end, lines=end - start + 1, code=code,
            code_hash=code_hash(code), language_id=original.language_id, events=original.events,
            kinds=original.kinds, sources=original.sources,
            question=QUESTIONS["review"].format(name=f"{target} in {original.path}"),
            parent_id=original.id, created_at=now, updated_at=now,
        )
        with self.store.atomic():
            self.store.add_prompts([p])
        return p


def prompt_json(p: Prompt) -> dict:
    """A prompt as ``ownwise/pendingPrompts`` and ``ownwise explain --list --json`` show it."""
    return {
        "id": p.id, "kind": p.kind, "status": p.status, "path": p.path, "uri": p.uri,
        "range": {"startLine": p.start_line, "endLine": p.end_line}, "lines": p.lines,
        "ownershipClass": p.ownership_class, "question": p.question, "code": p.code,
        "languageId": p.language_id, "created": p.created_at, "sessionId": p.session_id,
        "showCodeAfterAnswer": p.kind in ("recall", "review"),
    }


def summary_message(prompts: Sequence[Prompt], earlier: int = 0) -> str:
    """'You kept 4 AI edits (63 lines) in core code this session. Explain them now?'"""
    parts = []
    for cls in ("core", "repeatable"):
        ps = [p for p in prompts if p.ownership_class == cls]
        if not ps:
            continue
        edits = len({e for p in ps for e in p.events}) or len(ps)
        lines = sum(p.lines for p in ps)
        noun = "AI edit" if edits == 1 else "AI edits"
        parts.append(f"{edits} {noun} ({lines} {'line' if lines == 1 else 'lines'}) in {cls} code")
    if not parts:
        other = len(prompts)
        parts.append(f"{other} AI {'block' if other == 1 else 'blocks'}")
    msg = f"You kept {' and '.join(parts)} this session."
    if earlier:
        msg += f" {earlier} earlier {'prompt is' if earlier == 1 else 'prompts are'} waiting too."
    verb = "Recall" if all(p.kind == "recall" for p in prompts) else "Explain"
    return f"{msg} {verb} {'it' if len(prompts) == 1 else 'them'} now?"


def _status_words(status: str) -> str:
    return {"answered": "answered", "cannotExplain": "answered (can't explain yet)",
            "skipped": "skipped", "retired": "retired"}.get(status, status)


__all__ = ["CLOSED", "QUESTIONS", "Outcome", "PromptService", "prompt_json", "summary_message"]
