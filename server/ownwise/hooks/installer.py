"""Install and uninstall ownwise's hooks in the agents' config files, undoably.

Install reads the config (an absent file is fine; a malformed one raises :class:`ConfigError`
before anything is written), keeps the exact previous bytes (or the fact that there was no file)
in ``backup_dir``, and replaces the file atomically, keeping its mode. Uninstall restores those
bytes when the file is still exactly what install wrote; when the user has edited it since, it
removes only ownwise's entries. Both are idempotent.

A backup is one JSON file per agent, scope and config path (mode 0600, in a 0700 directory)::

    {"agent", "scope", "path", "existed", "mode", "original" (base64 or null),
     "created_dirs", "written_sha256"}
"""

from __future__ import annotations

import base64
import contextlib
import json
import os
import tempfile
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING, Any

from ..hashing import bytes_hash
from .agents import AGENTS, SCOPES, ConfigError
from .command import Launcher, is_current, launcher_in

if TYPE_CHECKING:
    from .agents import Agent  # a Protocol, defined for type checkers only

__all__ = ["ConfigError", "Launcher", "Result", "install", "repair", "status", "uninstall"]

BACKUP_FORMAT = 1


@dataclass
class Result:
    agent: str
    scope: str
    path: Path
    # "installed" | "already installed" | "uninstalled" | "restored" | "not installed" | "repaired"
    action: str


def _agent(name: str) -> Agent:
    try:
        return AGENTS[name]
    except KeyError:
        raise ValueError(f"unknown agent {name!r} (known: {', '.join(AGENTS)})") from None


def _config_path(agent: Agent, scope: str, project: Path, home: Path) -> Path:
    if scope not in SCOPES:
        raise ValueError(f"unknown scope {scope!r} (expected one of {', '.join(SCOPES)})")
    return Path(os.path.abspath(agent.config_path(scope, project, home)))


def _read(path: Path) -> bytes | None:
    try:
        return path.read_bytes()
    except FileNotFoundError:
        return None
    except IsADirectoryError:
        raise ConfigError(f"{path}: is a directory, expected a file") from None


def _decode(raw: bytes | None, path: Path) -> str | None:
    if raw is None:
        return None
    try:
        return raw.decode("utf-8-sig")
    except UnicodeDecodeError as exc:
        raise ConfigError(f"{path}: not valid UTF-8 at byte {exc.start}") from None


def _in_file(path: Path, exc: ConfigError) -> ConfigError:
    return ConfigError(f"{path}: {exc}")


def _umask() -> int:
    mask = os.umask(0)
    os.umask(mask)
    return mask


def _target(path: Path) -> Path:
    """Where to write: through a symlink (a dotfiles checkout stays linked), else the path."""
    return Path(os.path.realpath(path)) if path.is_symlink() else path


def _mode(path: Path) -> int | None:
    try:
        return os.stat(path).st_mode & 0o7777
    except FileNotFoundError:
        return None


def _atomic_write(path: Path, data: bytes, mode: int | None) -> None:
    """Write ``data`` to ``path`` through a temporary file in the same directory and os.replace.

    ``mode`` None: a new file's default (0666 less the umask).
    """
    target = _target(path)
    fd, tmp = tempfile.mkstemp(dir=target.parent, prefix=f".{target.name}.", suffix=".ownwise-tmp")
    try:
        with os.fdopen(fd, "wb") as f:
            f.write(data)
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, (0o666 & ~_umask()) if mode is None else mode)
        os.replace(tmp, target)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _make_parents(path: Path) -> list[str]:
    """Create the missing parent directories; the ones created, outermost first."""
    missing: list[Path] = []
    d = path.parent
    while not d.exists():
        missing.append(d)
        d = d.parent
    created: list[str] = []
    for d in reversed(missing):
        try:
            d.mkdir()
            created.append(str(d))
        except FileExistsError:
            pass
    return created


def _remove_dirs(created: list[str]) -> None:
    """Remove the directories ownwise created, innermost first, where they are empty."""
    for d in reversed(created):
        with contextlib.suppress(OSError):
            os.rmdir(d)


# ---------------------------------------------------------------- backups


def _backup_path(backup_dir: Path, agent: str, scope: str, path: Path) -> Path:
    digest = bytes_hash(str(path).encode("utf-8"))[:16]
    return backup_dir / f"{agent}-{scope}-{digest}.json"


def _load_backup(file: Path, path: Path) -> dict[str, Any] | None:
    """The backup for ``path``; None if there is none, or it is unusable (then it is not trusted)."""
    try:
        meta = json.loads(file.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None
    if not isinstance(meta, dict) or meta.get("path") != str(path) or not isinstance(
            meta.get("written_sha256"), str) or not isinstance(meta.get("existed"), bool):
        return None
    if meta["existed"] and not isinstance(meta.get("original"), str):
        return None
    return meta


def _save_backup(backup_dir: Path, file: Path, meta: dict[str, Any]) -> None:
    backup_dir.mkdir(parents=True, exist_ok=True, mode=0o700)
    os.chmod(backup_dir, 0o700)
    fd, tmp = tempfile.mkstemp(dir=backup_dir, prefix=f".{file.name}.", suffix=".tmp")  # mode 0600
    try:
        with os.fdopen(fd, "w", encoding="utf-8") as f:
            json.dump(meta, f, indent=2)
            f.write("\n")
            f.flush()
            os.fsync(f.fileno())
        os.chmod(tmp, 0o600)
        os.replace(tmp, file)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def _drop_backup(file: Path) -> None:
    with contextlib.suppress(FileNotFoundError):
        file.unlink()


# ---------------------------------------------------------------- the operations


def install(agent: str, scope: str, *, project: Path, home: Path, launcher: Launcher,
            backup_dir: Path) -> Result:
    """Add ownwise's hook entries for ``agent`` to its ``scope`` config file, running ``launcher``.

    Entries of ownwise's already there with another command (an older unguarded form, another
    interpreter) are replaced. Raises :class:`ConfigError` (naming the file) when the existing
    file cannot be edited safely, and ValueError for an unknown agent or scope; nothing is
    written then.
    """
    adapter = _agent(agent)
    path = _config_path(adapter, scope, project, home)
    raw = _read(path)
    text = _decode(raw, path)
    try:
        new = adapter.install(text, launcher).encode("utf-8")
    except ConfigError as exc:
        raise _in_file(path, exc) from None
    if raw is not None and new == raw:
        return Result(agent, scope, path, "already installed")
    file = _backup_path(backup_dir, agent, scope, path)
    meta = _load_backup(file, path)
    if raw is not None and text is not None and adapter.commands(text) and (
            meta is None or bytes_hash(raw) != meta["written_sha256"]):
        # ownwise's entries are there, but not as ownwise last wrote them (an older version kept
        # no backup, or the file was edited since): its bytes are not the user's own, so no backup
        # would give them back. Uninstall then removes ownwise's entries instead.
        _drop_backup(file)
        _atomic_write(path, new, _mode(_target(path)))
        return Result(agent, scope, path, "installed")
    if meta is None or raw is None or bytes_hash(raw) != meta["written_sha256"]:
        # the state before ownwise's first write since the user last had the file to themselves
        meta = {"format": BACKUP_FORMAT, "agent": agent, "scope": scope, "path": str(path),
                "existed": raw is not None, "mode": _mode(_target(path)) if raw is not None else None,
                "original": base64.b64encode(raw).decode("ascii") if raw is not None else None,
                "created_dirs": []}
    mode = _mode(_target(path)) if raw is not None else None
    if raw is None:
        meta["created_dirs"] = _make_parents(path)
    meta["written_sha256"] = bytes_hash(new)
    _save_backup(backup_dir, file, meta)  # before the write: a crash between keeps the original
    _atomic_write(path, new, mode)
    return Result(agent, scope, path, "installed")


def uninstall(agent: str, scope: str, *, project: Path, home: Path, backup_dir: Path) -> Result:
    """Take ownwise's hook entries for ``agent`` out of its ``scope`` config file.

    If the file is byte-identical to what :func:`install` wrote, the previous bytes come back
    exactly (or the file is deleted again, with the directories ownwise created for it).
    Otherwise only ownwise's entries are removed and the user's edits stay.
    """
    adapter = _agent(agent)
    path = _config_path(adapter, scope, project, home)
    raw = _read(path)
    file = _backup_path(backup_dir, agent, scope, path)
    meta = _load_backup(file, path)
    if meta is not None and raw is not None and bytes_hash(raw) == meta["written_sha256"]:
        if meta["existed"]:
            _atomic_write(path, base64.b64decode(meta["original"]), meta.get("mode"))
        else:
            path.unlink()
            _remove_dirs(list(meta.get("created_dirs") or []))
        _drop_backup(file)
        return Result(agent, scope, path, "restored")
    if raw is None:
        _drop_backup(file)
        return Result(agent, scope, path, "not installed")
    text = _decode(raw, path)
    assert text is not None
    try:
        new_text = adapter.uninstall(text)
    except ConfigError as exc:
        raise _in_file(path, exc) from None
    if new_text is None:
        path.unlink()
        if meta is not None and not meta["existed"]:
            _remove_dirs(list(meta.get("created_dirs") or []))
        _drop_backup(file)
        return Result(agent, scope, path, "uninstalled")
    _drop_backup(file)  # the file moved on from what ownwise wrote: the backup no longer applies
    if new_text == text:
        return Result(agent, scope, path, "not installed")
    _atomic_write(path, new_text.encode("utf-8"), _mode(_target(path)))
    return Result(agent, scope, path, "uninstalled")


def _entries(adapter: Agent, text: str | None) -> dict[str, Any]:
    """What ownwise's entries in a config run: ``launchers`` (their paths), ``missing`` (paths that
    are not there, so the entry runs nothing), ``unguarded`` (an entry not in the guarded form this
    version writes, e.g. from an older version, which fails when its path is gone)."""
    launchers: list[str] = []
    missing: list[str] = []
    unguarded = False
    for phase, command in adapter.commands(text):
        launcher = launcher_in(command)
        if launcher is None:
            unguarded = True
            continue
        if launcher.path not in launchers:
            launchers.append(launcher.path)
        gone = launcher.missing()
        if gone and gone not in missing:
            missing.append(gone)
        if not phase or not is_current(command, launcher, adapter.args(phase)):
            unguarded = True
    return {"launchers": launchers, "missing": missing, "unguarded": unguarded}


def status(*, project: Path, home: Path) -> list[dict]:
    """Per agent and scope: ``agent``, ``scope``, ``path``, ``exists``, ``installed``, ``error``,
    and about ownwise's entries there: ``launchers``, ``missing``, ``unguarded`` (see
    :func:`_entries`) and ``stale`` (there are entries, and one is unguarded or runs a missing
    path: :func:`repair` rewrites those).

    ``error`` is the problem of a file that cannot be read as a config (then ``installed`` is
    False), else None.
    """
    rows: list[dict] = []
    for name, adapter in AGENTS.items():
        for scope in SCOPES:
            path = _config_path(adapter, scope, project, home)
            error: str | None = None
            installed = False
            raw: bytes | None = None
            entries: dict[str, Any] = {"launchers": [], "missing": [], "unguarded": False}
            try:
                raw = _read(path)
                text = _decode(raw, path)
                installed = adapter.installed(text)
                entries = _entries(adapter, text)
            except ConfigError as exc:
                error = str(exc) if str(exc).startswith(str(path)) else f"{path}: {exc}"
            except OSError as exc:
                error = f"{path}: {exc.strerror or exc}"
            rows.append({"agent": name, "scope": scope, "path": str(path),
                         "exists": raw is not None or path.exists(), "installed": installed,
                         "error": error, **entries,
                         "stale": bool(entries["missing"] or entries["unguarded"])})
    return rows


def repair(*, project: Path, home: Path, launcher: Launcher, backup_dir: Path,
           agents: list[str] | None = None, scopes: list[str] | None = None) -> list[Result]:
    """Rewrite the stale entries (:func:`status`) for ``launcher``, with install's backups.

    Only files with stale entries are touched; one that cannot be read is left to ``status``.
    """
    done: list[Result] = []
    for row in status(project=project, home=home):
        if not row["stale"] or (agents and row["agent"] not in agents) or (scopes and row["scope"] not in scopes):
            continue
        r = install(row["agent"], row["scope"], project=project, home=home, launcher=launcher,
                    backup_dir=backup_dir)
        done.append(Result(r.agent, r.scope, r.path, "repaired" if r.action == "installed" else r.action))
    return done
