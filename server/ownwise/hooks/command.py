"""The command an agent's hook entry runs: ownwise behind a guard that cannot fail (pure).

An entry holds an absolute path (the console script ``…/bin/ownwise``, or a Python run with
``-m ownwise``). Once that virtualenv is deleted or moved, an unguarded command fails before
ownwise runs, and GitHub Copilot CLI denies the tool call when a ``preToolUse`` command fails. So
every entry is wrapped, in the shell the agent runs it with, in a guard that runs ownwise only when
the file is there, hides what the shell or a broken interpreter would say on stderr, drains stdin
otherwise, and always exits 0 with nothing on stdout:

- POSIX shells (sh, bash, zsh, fish 3)::

      [ -x PY ] && PY -m ownwise hook --agent NAME 2>/dev/null || cat >/dev/null; exit 0
      [ -x BIN/python ] && [ -x BIN/ownwise ] && BIN/ownwise hook --agent NAME 2>/dev/null || cat >/dev/null; exit 0

- PowerShell (Copilot's ``powershell`` key; Cursor on Windows)::

      if (Test-Path -LiteralPath 'PY' -PathType Leaf) { & 'PY' -m ownwise hook --agent NAME 2>$null }
      else { [void][Console]::In.ReadToEnd() }; exit 0

- cmd.exe (Codex on Windows)::

      (if exist "PY" "PY" -m ownwise hook --agent codex 2>nul) & exit /b 0

A console script is run only when the ``python`` beside it is there too: a virtualenv whose base
Python was removed would otherwise make the shell itself complain (fish does, whatever the
redirections).

The text ``ownwise hook --agent NAME`` stays in every form: it is how ownwise finds its own entries
(:func:`ownwise.hooks.agents.marker`). :func:`launcher_in` reads the path back out of any form
ownwise ever wrote, and :func:`is_current` tells whether a command is exactly what this version
writes for that path (the guarded form) or an older, unguarded one.
"""

from __future__ import annotations

import os
import re
import sys
from dataclasses import dataclass

# a path that every shell takes as one word without quotes; ASCII only, no ~ (expanded by sh)
_PLAIN = re.compile(r"[A-Za-z0-9_./+-]+")
_MARK = re.compile(r"ownwise hook --agent")


def plain(path: str) -> bool:
    return bool(_PLAIN.fullmatch(path))


@dataclass(frozen=True)
class Launcher:
    """How a hook starts ownwise: its console script, or a Python with ``-m ownwise``."""

    path: str  # absolute
    module: bool  # ``path`` is a Python interpreter: run ``path -m ownwise``

    def __post_init__(self) -> None:
        if not self.module and (os.path.basename(self.path) != "ownwise" or not plain(self.path)):
            # the marker "ownwise hook --agent" would not be in the command: uninstall could not
            # find the entry again
            raise ValueError(f"a console script must be named 'ownwise' and have a plain path: {self.path!r}")

    @classmethod
    def current(cls) -> Launcher:
        """This interpreter's console script when it exists with a plain path (it starts faster
        than ``-m``), else this interpreter with ``-m ownwise``."""
        python = os.path.abspath(sys.executable)
        script = os.path.join(os.path.dirname(python), "ownwise")
        if os.name != "nt" and plain(script) and os.path.isfile(script) and os.path.isfile(
                os.path.join(os.path.dirname(script), "python")):
            return cls(script, False)
        return cls(python, True)

    @property
    def python(self) -> str:
        """The interpreter the guard checks: a console script's is ``python`` beside it (a
        virtualenv's ``bin/``), so a venv whose base Python was removed runs nothing either."""
        return self.path if self.module else os.path.join(os.path.dirname(self.path), "python")

    def exists(self) -> bool:
        """The file is there and could run (for a script: its ``#!`` interpreter is there too)."""
        return not self.missing()

    def missing(self) -> str | None:
        """What is missing for this launcher to run (a path), or None."""
        for path in dict.fromkeys((self.python, self.path)):
            if not os.path.isfile(path) or (os.name != "nt" and not os.access(path, os.X_OK)):
                return path
        if not self.module and os.name != "nt":
            try:
                with open(self.path, "rb") as f:
                    first = f.readline(512)
            except OSError:
                return self.path
            if first.startswith(b"#!"):
                parts = first[2:].split()
                interp = os.fsdecode(parts[0]) if parts else ""
                if interp.startswith("/") and not os.path.basename(interp) == "env" and not os.path.isfile(interp):
                    return interp
        return None


def _sh_quote(s: str) -> str:
    return s if plain(s) else "'" + s.replace("'", "'\"'\"'") + "'"


def _ps_quote(s: str) -> str:
    return "'" + s.replace("'", "''") + "'"


def posix(launcher: Launcher, args: str) -> str:
    """The guarded command for sh, bash, zsh and fish (3.0 or later)."""
    if launcher.module:
        exe = _sh_quote(launcher.path)
        return f"[ -x {exe} ] && {exe} -m ownwise {args} 2>/dev/null || cat >/dev/null; exit 0"
    return (f"[ -x {launcher.python} ] && [ -x {launcher.path} ] && {launcher.path} {args} 2>/dev/null "
            f"|| cat >/dev/null; exit 0")


def powershell(launcher: Launcher, args: str) -> str:
    """The guarded command for Windows PowerShell 5.1 and PowerShell 7."""
    tests = " -and ".join(f"(Test-Path -LiteralPath {_ps_quote(p)} -PathType Leaf)"
                          for p in dict.fromkeys((launcher.python, launcher.path)))
    tests = tests[1:-1] if launcher.module else tests
    run = f"& {_ps_quote(launcher.path)} -m ownwise {args}" if launcher.module else f"& {launcher.path} {args}"
    return f"if ({tests}) {{ {run} 2>$null }} else {{ [void][Console]::In.ReadToEnd() }}; exit 0"


def cmd(launcher: Launcher, args: str) -> str:
    """The guarded command for cmd.exe."""
    tests = " ".join(f'if exist "{p}"' for p in dict.fromkeys((launcher.python, launcher.path)))
    run = f'"{launcher.path}" -m ownwise {args}' if launcher.module else f"{launcher.path} {args}"
    return f"({tests} {run} 2>nul) & exit /b 0"


RENDERERS = {"posix": posix, "powershell": powershell, "cmd": cmd}


def is_current(command: str, launcher: Launcher, args: str) -> bool:
    """``command`` is one of the guarded forms this version writes for ``launcher`` and ``args``."""
    return any(render(launcher, args) == command for render in RENDERERS.values())


def launcher_in(command: str) -> Launcher | None:
    """The launcher an entry ownwise wrote (guarded or not, any version) runs; None if unreadable."""
    m = _MARK.search(command)
    if m is None:
        return None
    before = command[: m.start()]
    if not re.search(r"(?:^|\s)-m\s+$", before):
        # the console script: its directory ends right before the marker ("…/bin/ownwise hook")
        d = re.search(r"(\S*)$", before).group(1)  # type: ignore[union-attr]
        path = d + "ownwise"
        return Launcher(path, False) if path.startswith(("/", "\\")) and plain(path) else None
    head = before.rstrip()[:-2].rstrip()
    path = _last_word(head)
    return Launcher(path, True) if path else None


def _last_word(head: str) -> str | None:
    """The last word of a shell text: a quoted string (sh, PowerShell or cmd style) or a bare one."""
    ps = re.search(r"'((?:[^']|'')*)'$", head)
    if head.startswith(("if (", "&")) and ps:  # PowerShell: '' is a quote inside quotes
        return ps.group(1).replace("''", "'")
    dq = re.search(r'"([^"]*)"$', head)
    if dq:
        return dq.group(1)
    import shlex

    try:
        words = shlex.split(head)
    except ValueError:
        return None
    return words[-1] if words else None
