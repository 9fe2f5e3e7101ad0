"""git, run as a subprocess: what the trace needs and nothing more (no mocks: tests use real git).

Every call runs with ``LC_ALL=C`` (parsable messages), no terminal prompt, no pager and
``GIT_OPTIONAL_LOCKS=0`` (a read never takes the index lock a user's ``git commit`` needs), and a
timeout. Nothing here writes git configuration; an identity missing for a notes commit is given on
that one command line (``-c user.name=…``), never stored.
"""

from __future__ import annotations

import os
import random
import re
import secrets
import subprocess
import time
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path

NOTES_REF = "refs/notes/agent-trace"
GIT_AI_REF = "refs/notes/ai"
ZERO = "0" * 40


class GitError(Exception):
    """git failed; the message has its stderr."""

    def __init__(self, args: Sequence[str], code: int, stderr: str) -> None:
        super().__init__(f"git {' '.join(args[:3])}: {stderr.strip() or f'exit status {code}'}")
        self.code = code
        self.stderr = stderr


def _env(extra: dict[str, str] | None = None) -> dict[str, str]:
    env = dict(os.environ)
    for k in ("GIT_DIR", "GIT_WORK_TREE", "GIT_INDEX_FILE", "GIT_NOTES_REF"):
        env.pop(k, None)  # a hook runs with GIT_DIR and GIT_INDEX_FILE set; ours name their repository
    env.update({"LC_ALL": "C", "LANGUAGE": "C", "GIT_TERMINAL_PROMPT": "0", "GIT_PAGER": "cat", "PAGER": "cat",
                "GIT_OPTIONAL_LOCKS": "0"})
    env.update(extra or {})
    return env


def unquote(path: str) -> str:
    """A path as git prints it: C-quoted (``"a\\tb"``, octal escapes for bytes) when unusual."""
    if not (len(path) >= 2 and path[0] == '"' and path[-1] == '"'):
        return path
    body, out, i = path[1:-1], bytearray(), 0
    simple = {"n": 10, "t": 9, "r": 13, '"': 34, "\\": 92, "a": 7, "b": 8, "f": 12, "v": 11}
    while i < len(body):
        ch = body[i]
        if ch == "\\" and i + 1 < len(body):
            nxt = body[i + 1]
            if nxt in simple:
                out.append(simple[nxt])
                i += 2
                continue
            if re.match(r"[0-7]{3}", body[i + 1:i + 4]):
                out.append(int(body[i + 1:i + 4], 8))
                i += 4
                continue
        out += ch.encode("utf-8", "surrogateescape")
        i += 1
    return out.decode("utf-8", "surrogateescape")


@dataclass(frozen=True)
class ReflogEntry:
    old: str
    new: str
    who: str
    when: int  # Unix seconds
    message: str


def parse_reflog(data: bytes) -> list[ReflogEntry]:
    """Entries of a reflog file (``logs/HEAD``): ``old new Name <email> 1700000000 +0000\\tmessage``."""
    out = []
    for raw in data.split(b"\n"):
        line = raw.decode("utf-8", "replace")
        head, _tab, message = line.partition("\t")
        m = re.match(r"^([0-9a-f]{40,64}) ([0-9a-f]{40,64}) (.*) (\d+) [+-]\d{4}$", head)
        if m:
            out.append(ReflogEntry(m.group(1), m.group(2), m.group(3), int(m.group(4)), message))
    return out


@dataclass(frozen=True)
class CommitInfo:
    sha: str
    parents: tuple[str, ...]
    author_name: str
    author_email: str
    author_time: int
    committer_time: int
    message: str


class Repo:
    """One git repository (a work tree), addressed by its top directory."""

    def __init__(self, root: Path, git_dir: Path, common_dir: Path | None = None) -> None:
        self.root = root
        self.git_dir = git_dir
        self.common_dir = common_dir or git_dir
        self._identity: list[str] | None = None

    # ----------------------------------------------------------------- running
    def run(self, *args: str, input: bytes | None = None, check: bool = True, timeout: float = 60,
            env: dict[str, str] | None = None) -> subprocess.CompletedProcess[bytes]:
        argv = ["git", "-C", str(self.root), "-c", "core.quotePath=false", *args]
        try:
            proc = subprocess.run(argv, input=input, capture_output=True, timeout=timeout, env=_env(env),
                                  stdin=None if input is not None else subprocess.DEVNULL)
        except subprocess.TimeoutExpired as exc:
            raise GitError(list(args), -1, f"timed out after {timeout:g} s") from exc
        except OSError as exc:  # no git on PATH
            raise GitError(list(args), -1, str(exc)) from exc
        if check and proc.returncode != 0:
            raise GitError(list(args), proc.returncode, proc.stderr.decode("utf-8", "replace"))
        return proc

    def out(self, *args: str, **kw) -> str:
        return self.run(*args, **kw).stdout.decode("utf-8", "surrogateescape")

    # --------------------------------------------------------------- discovery
    @classmethod
    def discover(cls, path: Path) -> Repo | None:
        """The repository holding ``path`` (a directory or a file in one), or None."""
        d = path if path.is_dir() else path.parent
        try:
            proc = subprocess.run(["git", "-C", str(d), "rev-parse", "--show-toplevel", "--absolute-git-dir",
                                   "--git-common-dir"], capture_output=True, timeout=20, env=_env(),
                                  stdin=subprocess.DEVNULL)
        except (OSError, subprocess.TimeoutExpired):
            return None
        if proc.returncode != 0:
            return None
        lines = proc.stdout.decode("utf-8", "surrogateescape").splitlines()
        if len(lines) < 3 or not lines[0]:
            return None
        root, git_dir = Path(lines[0]), Path(lines[1])
        common = Path(lines[2])
        if not common.is_absolute():
            common = (d / common).resolve()
        return cls(root, git_dir, common)

    # ---------------------------------------------------------------- revisions
    def rev_parse(self, rev: str) -> str | None:
        proc = self.run("rev-parse", "-q", "--verify", rev + "^{commit}" if not rev.startswith("refs/notes")
                        else rev, check=False)
        sha = proc.stdout.decode().strip()
        return sha if proc.returncode == 0 and sha else None

    def ref(self, name: str) -> str | None:
        proc = self.run("rev-parse", "-q", "--verify", name, check=False)
        sha = proc.stdout.decode().strip()
        return sha if proc.returncode == 0 and sha else None

    def rev_list(self, *args: str) -> list[str]:
        return self.out("rev-list", *args).split()

    def commits(self, shas: Iterable[str]) -> dict[str, CommitInfo]:
        shas = list(dict.fromkeys(shas))
        if not shas:
            return {}
        fmt = "%H%x00%P%x00%an%x00%ae%x00%at%x00%ct%x00%B%x00%x01"
        text = self.out("log", "--no-walk=unsorted", "--stdin", f"--format={fmt}",
                        input=("\n".join(shas) + "\n").encode())
        out = {}
        for chunk in text.split("\x01"):
            parts = chunk.lstrip("\n").split("\x00")
            if len(parts) < 7:
                continue
            sha, parents, an, ae, at, ct, msg = parts[:7]
            out[sha] = CommitInfo(sha, tuple(parents.split()), an, ae, int(at or 0), int(ct or 0), msg)
        return out

    def config(self, key: str) -> str | None:
        proc = self.run("config", "--get", key, check=False)
        return proc.stdout.decode("utf-8", "replace").strip() or None if proc.returncode == 0 else None

    def is_ancestor(self, a: str, b: str) -> bool:
        return self.run("merge-base", "--is-ancestor", a, b, check=False).returncode == 0

    # -------------------------------------------------------------------- diffs
    def added_lines(self, commit: str, parents: Sequence[str]) -> dict[str, dict[int, str]]:
        """Lines ``commit`` adds, per path (its file's line numbers, 1-based, and their text).

        A root commit adds every line; a merge adds the lines that are in none of its parents
        (what resolving it wrote). Binary files have none.
        """
        if not parents:
            return _parse_added(self.run("diff-tree", "--root", "-r", "-p", "-U0", "--no-color", "--no-ext-diff",
                                         "--no-renames", commit, timeout=120).stdout)
        result: dict[str, dict[int, str]] | None = None
        for parent in parents:
            added = _parse_added(self.run("diff-tree", "-r", "-p", "-U0", "--no-color", "--no-ext-diff", "-M",
                                          parent, commit, timeout=120).stdout)
            if result is None:
                result = added
            else:
                result = {p: {n: t for n, t in lines.items() if n in added.get(p, {})}
                          for p, lines in result.items()}
                result = {p: lines for p, lines in result.items() if lines}
        return result or {}

    def blobs(self, specs: Sequence[str]) -> dict[str, bytes | None]:
        """``git cat-file --batch`` of ``commit:path`` or object names: the content, or None if missing."""
        specs = list(dict.fromkeys(specs))
        if not specs:
            return {}
        data = self.run("cat-file", "--batch", input=("\n".join(specs) + "\n").encode(), timeout=120).stdout
        out: dict[str, bytes | None] = {}
        pos = 0
        for spec in specs:
            nl = data.index(b"\n", pos)
            header = data[pos:nl].decode("utf-8", "replace")
            pos = nl + 1
            if header.endswith(" missing") or header.endswith(" ambiguous"):
                out[spec] = None
                continue
            size = int(header.split()[2])
            out[spec] = data[pos:pos + size]
            pos += size + 1
        return out

    # -------------------------------------------------------------------- notes
    def notes(self, ref: str = NOTES_REF, commits: Iterable[str] | None = None) -> dict[str, str]:
        """Note text per annotated commit (all, or just ``commits``)."""
        if self.ref(ref) is None:
            return {}
        listing = self.out("notes", f"--ref={ref}", "list")
        pairs = {}
        for line in listing.splitlines():
            parts = line.split()
            if len(parts) == 2:
                pairs[parts[1]] = parts[0]
        if commits is not None:
            wanted = set(commits)
            pairs = {c: b for c, b in pairs.items() if c in wanted}
        raw = self.blobs(list(pairs.values()))
        return {c: (raw.get(b) or b"").decode("utf-8", "replace") for c, b in pairs.items()}

    def identity_args(self) -> list[str]:
        """``-c user.name=… -c user.email=…`` when git has no identity to write a notes commit with."""
        if self._identity is None:
            ok = self.run("var", "GIT_COMMITTER_IDENT", check=False).returncode == 0
            self._identity = [] if ok else ["-c", "user.name=ownwise", "-c", "user.email=ownwise@localhost"]
        return self._identity

    def update_notes(self, commits: Sequence[str], update: Callable[[dict[str, str]], dict[str, str]],
                     ref: str = NOTES_REF, attempts: int = 8) -> None:
        """Rewrite the notes of ``commits`` in one update of ``ref``, compare-and-swap.

        ``update`` gets the current note text of each commit that has one and returns the new text
        per commit. ``git notes add`` moves its ref without checking its old value, so two writers
        at once could lose one's note: here the notes are added on a private copy of the ref, then
        the ref is moved from the value it was copied from to the result; if another writer moved it
        meanwhile, everything is read and done again. ``git notes`` builds the tree, so the fan-out
        stays git's own.
        """
        for attempt in range(attempts):
            old = self.ref(ref)
            tmp = f"refs/notes/ownwise-tmp/{os.getpid()}-{secrets.token_hex(4)}"
            try:
                if old:
                    self.run("update-ref", tmp, old)
                notes = update(self.notes(tmp, commits) if old else {})
                if not notes:
                    return
                for commit, text in notes.items():
                    blob = self.out("hash-object", "-w", "--stdin", input=text.encode("utf-8", "surrogateescape"))
                    self.run(*self.identity_args(), "notes", f"--ref={tmp}", "add", "-f", "-C", blob.strip(), commit)
                new = self.ref(tmp)
                assert new is not None
                swapped = self.run("update-ref", "-m", "ownwise: agent trace", ref, new, old or ZERO, check=False)
                if swapped.returncode == 0:
                    return
                if attempt == attempts - 1:
                    raise GitError(["update-ref", ref], swapped.returncode, swapped.stderr.decode("utf-8", "replace"))
                time.sleep(random.uniform(0.01, 0.05) * (attempt + 1))
            finally:
                self.run("update-ref", "-d", tmp, check=False)

    # ------------------------------------------------------------------- blame
    def blame(self, path: str, rev: str | None = None, contents: bytes | None = None) -> list[BlameLine]:
        args = ["blame", "--porcelain"]
        if contents is not None:
            args += ["--contents", "-"]
        if rev:
            args.append(rev)
        args += ["--", path]
        return parse_blame(self.run(*args, input=contents, timeout=120).stdout)


@dataclass(frozen=True)
class BlameLine:
    final: int  # 1-based line in the blamed version
    commit: str  # 40 zeros: not committed yet
    orig: int  # its line in that commit's file
    path: str  # that commit's path of the file
    text: str
    author: str
    author_mail: str
    author_time: int


def parse_blame(data: bytes) -> list[BlameLine]:
    out: list[BlameLine] = []
    info: dict[str, dict[str, str]] = {}
    cur: dict[str, str] = {}
    head: tuple[str, int, int] | None = None
    for raw in data.split(b"\n"):
        if raw.startswith(b"\t"):
            if head is None:
                continue
            sha, orig, final = head
            c = info.setdefault(sha, {})
            c.update(cur)
            out.append(BlameLine(final, sha, orig, unquote(c.get("filename", "")),
                                 raw[1:].decode("utf-8", "surrogateescape"), c.get("author", ""),
                                 c.get("author-mail", "").strip("<>"), int(c.get("author-time", "0") or 0)))
            head, cur = None, {}
            continue
        line = raw.decode("utf-8", "surrogateescape")
        m = re.match(r"^([0-9a-f]{40,64}) (\d+) (\d+)( \d+)?$", line)
        if m:
            head = (m.group(1), int(m.group(2)), int(m.group(3)))
            cur = {}
            continue
        key, _sp, value = line.partition(" ")
        if head is not None and key:
            cur[key] = value
    return out


_HUNK = re.compile(rb"^@@ -\d+(?:,\d+)? \+(\d+)(?:,(\d+))? @@")


def _parse_added(patch: bytes) -> dict[str, dict[int, str]]:
    out: dict[str, dict[int, str]] = {}
    path: str | None = None
    line_no = 0
    header = False  # between "diff --git" and the first hunk: "+++ " is the new path, not a line
    for raw in patch.split(b"\n"):
        if raw.startswith(b"diff --git "):
            path, header = None, True
            continue
        if header and raw.startswith(b"+++ "):
            target = raw[4:].decode("utf-8", "surrogateescape")
            target = unquote(target)
            path = target[2:] if target.startswith("b/") else None
            continue
        m = _HUNK.match(raw)
        if m:
            line_no, header = int(m.group(1)), False
            continue
        if header:
            continue
        if path is not None and raw.startswith(b"+"):
            out.setdefault(path, {})[line_no] = raw[1:].decode("utf-8", "surrogateescape").rstrip("\r")
            line_no += 1
    return out


__all__ = ["GIT_AI_REF", "NOTES_REF", "ZERO", "BlameLine", "CommitInfo", "GitError", "ReflogEntry", "Repo",
           "parse_blame", "parse_reflog", "unquote"]
