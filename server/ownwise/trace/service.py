"""The trace put together for the command line and the git hook: a :class:`~.attribute.Tracer` over the
user's database, the repository's reflog read for what made each commit, backfill."""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from .. import __version__
from ..clock import utc_now
from ..ownership import OwnershipClass
from ..settings import Settings
from ..store import Store
from .attribute import Classify, Origin, Tracer, has_record, plan
from .git import Repo, parse_reflog
from .knowledge import Knowledge


def document_classifier(store: Store | None, settings: Settings, root: Path) -> Classify:
    """Classes as the server gives them: the workspace's rules, the user's overrides, the evidence of the
    file and (when the server cached it) of the repository."""
    from ..documents import Documents
    from ..ownership.index import RepoIndex, Snapshot

    overrides = store.overrides() if store is not None else {}

    def override_for(path: Path) -> OwnershipClass | None:
        v = overrides.get(str(path))
        return OwnershipClass(v) if v else None

    docs = Documents(settings, lambda: Path("/nonexistent-ownwise-docs"), override_for=override_for)
    docs.set_workspace_folders([root])
    cached = Snapshot.from_json(store.workspace_evidence(str(root))) if store is not None else None
    if cached is not None:
        docs.apply_index(root, RepoIndex(cached))

    def classify(paths: list[Path]) -> dict[Path, str]:
        return {p: docs.classify_path(p).cls.value for p in paths}

    return classify


def settings_of(store: Store | None) -> Settings:
    from ..settings import parse_settings

    return parse_settings(store.get("settings") if store is not None else None)[0]


def tracer_for(repo: Repo, store: Store | None, *, settings: Settings | None = None,
               classify: Classify | None = None, now: Callable[[], datetime] = utc_now) -> Tracer:
    settings = settings or settings_of(store)
    knowledge = Knowledge(store, suspected_counts_as_ai=settings.attribution.suspected_counts_as_ai) \
        if store is not None else None
    return Tracer(repo, knowledge=knowledge, classify=classify or document_classifier(store, settings, repo.root),
                  version=__version__, now=now, author_stats=settings.trace.author_stats)


def reflog_origins(repo: Repo) -> dict[str, Origin]:
    """What made each commit that this repository's reflogs (HEAD's and its branches') remember."""
    out: dict[str, Origin] = {}
    logs = [repo.git_dir / "logs" / "HEAD"]
    heads = repo.common_dir / "logs" / "refs" / "heads"
    if heads.is_dir():
        logs += sorted(p for p in heads.rglob("*") if p.is_file())
    for log in logs:
        try:
            data = log.read_bytes()
        except OSError:
            continue
        for sha, origin in plan(parse_reflog(data)).items():
            out.setdefault(sha, origin)  # HEAD's word first: it saw the rebase's start
    return out


@dataclass
class Backfilled:
    commit: str
    status: str  # written, refreshed, skipped
    why: str = ""


def backfill(repo: Repo, tracer: Tracer, revs: list[str], *, force: bool = False, max_count: int = 200,
             dry_run: bool = False) -> list[Backfilled]:
    """Records for the commits of ``revs`` (``git rev-list`` arguments) that have none from ownwise.

    The user's own commits (their author email is this repository's ``user.email``) are attributed
    from the database; anyone else's only by carrying older records (a squash merge made on the
    hosting side, a rebase someone pushed). A commit is written only when something is known of it.
    """
    commits = repo.rev_list("--reverse", f"--max-count={max_count}", *revs) if revs else []
    if not commits:
        return []
    origins = reflog_origins(repo)
    infos = repo.commits(commits)
    notes = repo.notes(commits=commits)
    me = (repo.config("user.email") or "").lower()
    out: list[Backfilled] = []
    records = []
    for c in commits:
        if not force and has_record(notes, c):
            out.append(Backfilled(c, "skipped", "has a record"))
            continue
        info = infos.get(c)
        if info is None:
            continue
        mine = not me or info.author_email.lower() == me
        origin = origins.get(c)
        if origin is None:
            # not in a reflog: an old commit, or one that came from elsewhere
            origin = Origin("unknown", None, human_ok=mine, carry=True, mine=mine)
        else:
            origin.mine = mine
        rec = tracer.record(c, origin, info)
        if not mine and not any(conv["contributor"]["type"] != "unknown"
                                for f in rec["files"] for conv in f["conversations"]):
            out.append(Backfilled(c, "skipped", "another author's commit and nothing to carry"))
            continue
        records.append(rec)
        out.append(Backfilled(c, "written"))
    if records and not dry_run:
        tracer.write(records)
    return out


__all__ = ["Backfilled", "backfill", "document_classifier", "reflog_origins", "settings_of", "tracer_for"]
