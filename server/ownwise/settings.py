"""The one Settings model (camelCase on the wire, as the client's ``ownwise.*``).

Fed by ``initializationOptions`` and refreshed from ``workspace/configuration``.
An invalid value never rejects the whole: it is reported, naming the setting,
and that setting keeps its default.
"""

from __future__ import annotations

from typing import Any, Literal

from pydantic import BaseModel, ConfigDict, Field, ValidationError
from pydantic.alias_generators import to_camel

DEFAULT_SECRET_PATTERNS = [
    ".env*",
    "*.pem",
    "*.key",
    "id_rsa*",
    "*secret*",
    "*credential*",
]


class _Model(BaseModel):
    model_config = ConfigDict(alias_generator=to_camel, populate_by_name=True, extra="ignore")


class AttributionSettings(_Model):
    suspected_counts_as_ai: bool = Field(False, alias="suspectedCountsAsAI")
    suspected_min_lines: int = Field(2, ge=1)
    suspected_min_chars: int = Field(80, ge=1)
    hint_window_seconds: float = Field(2.0, gt=0, le=60)
    #: judge hint-less inserts by the evidence across open documents (moves, copies, snippets); off: size alone
    evidence: bool = True


class EvidenceSettings(_Model):
    #: the evidence score at or above which a file is core (docs/ownership.md): raise it to call fewer core
    core_threshold: float = Field(0.0, ge=-10, le=10)


class OwnershipSettings(_Model):
    rules: list[dict[str, Any]] = Field(default_factory=list)
    evidence: EvidenceSettings = Field(default_factory=EvidenceSettings)


PromptPolicy = Literal["none", "recall", "explain"]


class PolicySettings(_Model):
    transient: PromptPolicy = "none"
    repeatable: PromptPolicy = "recall"
    core: PromptPolicy = "explain"


class SessionSettings(_Model):
    idle_minutes: float = Field(20.0, gt=0, le=24 * 60)


class PromptSettings(_Model):
    policy: PolicySettings = Field(default_factory=PolicySettings)
    min_lines: int = Field(3, ge=1)
    max_per_session: int = Field(5, ge=0, le=50)
    min_words: int = Field(15, ge=1, le=200)
    diagnostics: bool = True
    reask: bool = True
    reask_per_day: int = Field(1, ge=0, le=20)
    reask_similarity: float = Field(0.5, ge=0, le=1)


class FocusSettings(_Model):
    default_minutes: float = Field(90.0, gt=0, le=600)
    weekly_goal_minutes: float = Field(90.0, ge=0, le=7 * 24 * 60)
    week_start: Literal["monday", "tuesday", "wednesday", "thursday", "friday", "saturday", "sunday"] = "monday"
    reminders: bool = True
    remind_days_before_week_end: int = Field(2, ge=0, le=6)


class TraceSettings(_Model):
    """Agent Trace records in git notes (docs/git.md)."""

    notes: bool = True  # write a record per commit into refs/notes/agent-trace (local only)
    share: bool = False  # ownwise trace sync may push the notes to a remote
    author_stats: bool = False  # records say the author lets team reports show their own figures


class Settings(_Model):
    store_snippets: bool = True
    secret_patterns: list[str] = Field(default_factory=lambda: list(DEFAULT_SECRET_PATTERNS))
    attribution: AttributionSettings = Field(default_factory=AttributionSettings)
    ownership: OwnershipSettings = Field(default_factory=OwnershipSettings)
    session: SessionSettings = Field(default_factory=SessionSettings)
    prompts: PromptSettings = Field(default_factory=PromptSettings)
    focus: FocusSettings = Field(default_factory=FocusSettings)
    trace: TraceSettings = Field(default_factory=TraceSettings)
    log_level: Literal["error", "warning", "info", "debug"] = "info"
    flush_interval_seconds: float = Field(1.0, gt=0, le=1.0)

    def snapshot(self) -> dict[str, Any]:
        return self.model_dump(by_alias=True, mode="json")


def _drop(data: Any, loc: tuple) -> bool:
    """Remove the value at ``loc`` from nested dicts/lists; True if removed."""
    cur = data
    for part in loc[:-1]:
        if isinstance(cur, dict) and part in cur:
            cur = cur[part]
        elif isinstance(cur, list) and isinstance(part, int) and part < len(cur):
            cur = cur[part]
        else:
            return False
    last = loc[-1] if loc else None
    if isinstance(cur, dict) and last in cur:
        del cur[last]
        return True
    if isinstance(cur, list) and isinstance(last, int) and last < len(cur):
        del cur[last]
        return True
    return False


def _setting_name(loc: tuple) -> str:
    parts = [str(p) if not isinstance(p, int) else f"[{p}]" for p in loc]
    return "ownwise." + ".".join(parts).replace(".[", "[")


def parse_settings(raw: Any) -> tuple[Settings, list[str]]:
    """Build Settings from client data; return it and one message per bad value."""
    if raw is None:
        return Settings(), []
    if not isinstance(raw, dict):
        return Settings(), [f"ownwise settings must be an object, got {type(raw).__name__}; using defaults"]
    import copy

    data = copy.deepcopy(raw)
    errors: list[str] = []
    for _ in range(50):
        try:
            return Settings.model_validate(data), errors
        except ValidationError as exc:
            progressed = False
            for err in exc.errors():
                loc = tuple(err["loc"])
                errors.append(
                    f"Invalid setting {_setting_name(loc)}: {err['msg']} "
                    f"(got {err.get('input')!r}); using its default"
                )
                # drop the innermost key that exists, so its default applies
                for cut in range(len(loc), 0, -1):
                    if _drop(data, loc[:cut]):
                        progressed = True
                        break
            if not progressed:
                break
    return Settings(), errors + ["ownwise settings could not be read; using defaults"]
