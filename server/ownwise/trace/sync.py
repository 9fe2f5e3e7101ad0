"""``ownwise trace sync``: the team's notes through a shared remote, never forced.

1. fetch the remote's ``refs/notes/agent-trace`` into ``refs/notes/remotes/<remote>/agent-trace``;
2. merge it into the local notes with ``git notes merge -s cat_sort_uniq`` (a note is one record per
   line, so the union of two notes is their lines sorted, each once), on a private copy of the
   local ref that then replaces it only if nobody moved it meanwhile;
3. push ``refs/notes/agent-trace`` without force (only with the user's consent); when the remote
   rejects it because someone pushed first, fetch, merge and push again.
"""

from __future__ import annotations

import os
import random
import re
import secrets
import time
from dataclasses import dataclass

from .git import NOTES_REF, ZERO, GitError, Repo

ATTEMPTS = 6
_REJECTED = re.compile(r"\[(?:remote )?rejected\]|non-fast-forward|fetch first|cannot lock ref|failed to update ref|"
                       r"incorrect old value|stale info", re.I)
_NO_REF = re.compile(r"couldn't find remote ref|could not find remote ref|remote ref does not exist", re.I)


def tracking_ref(remote: str) -> str:
    safe = re.sub(r"[^A-Za-z0-9._-]", "_", remote) or "remote"
    return f"refs/notes/remotes/{safe}/agent-trace"


def default_remote(repo: Repo) -> str | None:
    """The current branch's upstream remote, else ``origin``, else the only remote."""
    branch = repo.run("symbolic-ref", "--short", "-q", "HEAD", check=False).stdout.decode().strip()
    if branch:
        remote = repo.config(f"branch.{branch}.remote")
        if remote and remote != ".":
            return remote
    remotes = repo.out("remote").split()
    if "origin" in remotes:
        return "origin"
    return remotes[0] if len(remotes) == 1 else None


@dataclass
class SyncResult:
    remote: str
    fetched: bool = False  # the remote had notes
    merged: bool = False  # the local notes changed
    pushed: bool = False
    attempts: int = 0


def fetch(repo: Repo, remote: str) -> bool:
    """The remote's notes into the tracking ref; False when the remote has none yet."""
    proc = repo.run("fetch", "--quiet", "--no-tags", "--no-write-fetch-head", "--no-recurse-submodules",
                    remote, f"+{NOTES_REF}:{tracking_ref(remote)}", check=False, timeout=300)
    if proc.returncode == 0:
        return True
    err = proc.stderr.decode("utf-8", "replace")
    if _NO_REF.search(err):
        return False
    raise GitError(["fetch", remote], proc.returncode, err)


def merge(repo: Repo, source: str, attempts: int = 8) -> bool:
    """``source``'s notes merged into the local notes (cat_sort_uniq); True when the local notes changed."""
    for _ in range(attempts):
        theirs = repo.ref(source)
        local = repo.ref(NOTES_REF)
        if theirs is None or theirs == local:
            return False
        if local is not None and repo.is_ancestor(theirs, local):
            return False
        if local is None or repo.is_ancestor(local, theirs):
            new = theirs  # nothing here the remote lacks: take theirs as it is
        else:
            tmp = f"refs/notes/ownwise-tmp/{os.getpid()}-{secrets.token_hex(4)}"
            try:
                repo.run("update-ref", tmp, local)
                repo.run(*repo.identity_args(), "notes", f"--ref={tmp}", "merge", "-q", "-s", "cat_sort_uniq", source)
                new = repo.ref(tmp) or local
            finally:
                repo.run("update-ref", "-d", tmp, check=False)
        swapped = repo.run("update-ref", "-m", "ownwise: notes merged", NOTES_REF, new, local or ZERO, check=False)
        if swapped.returncode == 0:
            return True
        time.sleep(random.uniform(0.01, 0.05))
    raise GitError(["update-ref", NOTES_REF], 1, "the local notes kept changing while merging")


def sync(repo: Repo, remote: str, *, push: bool, attempts: int = ATTEMPTS) -> SyncResult:
    result = SyncResult(remote)
    for attempt in range(1, attempts + 1):
        result.attempts = attempt
        if fetch(repo, remote):
            result.fetched = True
            result.merged = merge(repo, tracking_ref(remote)) or result.merged
        if not push or repo.ref(NOTES_REF) is None:
            return result
        proc = repo.run("push", "--quiet", "--no-verify", "--no-signed", remote, f"{NOTES_REF}:{NOTES_REF}",
                        check=False, timeout=300)
        if proc.returncode == 0:
            result.pushed = True
            return result
        err = (proc.stderr + proc.stdout).decode("utf-8", "replace")
        if not _REJECTED.search(err) or attempt == attempts:
            raise GitError(["push", remote], proc.returncode, err)
        time.sleep(random.uniform(0.05, 0.25) * attempt)  # someone pushed first: fetch, merge, again
    return result


WHAT_LEAVES = """\
What sharing sends to {remote} ({url}), as the git ref refs/notes/agent-trace:
  for each commit with a record: the commit id, the paths of the files it changed, line numbers,
  whether each range was written by AI, by you, or both, the AI tool's name and the kind of edit
  (inline completion, chat, agent), each file's ownership class (core, repeatable, transient),
  whether you explained the AI code (explained, can't explain yet, not yet), a hash of each range's
  lines, opaque ids of ownwise's edit events, and the time the record was written.
Never: code, your explanations, prompts, your database. Anyone who can fetch from {remote} can read it.
"""


__all__ = ["WHAT_LEAVES", "SyncResult", "default_remote", "fetch", "merge", "sync", "tracking_ref"]
