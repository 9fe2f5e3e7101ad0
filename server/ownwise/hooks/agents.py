"""The coding agents' hook systems: where each keeps its hooks, ownwise's entry, the payloads (pure).

One adapter per agent: ``claude-code``, ``codex``, ``cursor``, ``copilot``. Each knows the
config file per scope, adds and removes ownwise's entries in its text (keeping the user's own),
and turns the JSON an agent's hook receives on stdin into a :class:`HookEvent`. No file is read
or written here (that is :mod:`ownwise.hooks.installer`); this module is also imported on the
hook's hot path, so it imports nothing heavy.

Sources for every format used here are listed in ``docs/agents.md``.
"""

from __future__ import annotations

import json
import os
import re
from collections import namedtuple
from pathlib import Path

# typing.TYPE_CHECKING without importing typing: ~3 ms of every hook call (the hook's
# path imports nothing else that needs it). Type checkers read this block as true.
TYPE_CHECKING = False
if TYPE_CHECKING:
    from collections.abc import Iterable
    from typing import Any, NamedTuple, Protocol

    from .command import Launcher

SCOPES = ("user", "project")
PHASES = ("pre", "post")


class ConfigError(Exception):
    """An existing config file that ownwise cannot safely edit; the message names the problem."""


if TYPE_CHECKING:
    class HookEvent(NamedTuple):
        agent: str
        phase: str  # "pre" | "post"
        files: tuple[str, ...]  # absolute paths
        cwd: str | None
        session: str | None
        tool: str | None

    class Agent(Protocol):
        name: str

        def config_path(self, scope: str, project: Path, home: Path) -> Path: ...

        def install(self, text: str | None, launcher: Launcher) -> str: ...

        def uninstall(self, text: str) -> str | None: ...

        def installed(self, text: str | None) -> bool: ...

        def commands(self, text: str | None) -> list[tuple[str, str]]: ...

        def args(self, phase: str) -> str: ...

        def parse(self, payload: dict) -> HookEvent | None: ...
else:  # the same tuple at run time, without typing.NamedTuple
    HookEvent = namedtuple("HookEvent", "agent phase files cwd session tool")


def marker(agent: str) -> str:
    """What every command ownwise installs for ``agent`` contains."""
    return f"ownwise hook --agent {agent}"


def _marker_re(agent: str) -> re.Pattern[str]:
    return re.compile(rf"ownwise hook --agent[ =]['\"]?{re.escape(agent)}(?![\w-])")


#: where the agents run a hook's command string, on POSIX systems and on Windows: Claude Code runs
#: hooks with bash everywhere (Git Bash on Windows), Codex with ``$SHELL -lc`` (``cmd.exe /C`` on
#: Windows), Cursor through PowerShell on Windows; Copilot entries hold a ``bash`` and a
#: ``powershell`` command (sources in docs/agents.md)
WINDOWS = os.name == "nt"


# ---------------------------------------------------------------- JSON text in, JSON text out


def _kind(value: Any) -> str:
    if isinstance(value, dict):
        return "an object"
    if isinstance(value, list):
        return "a list"
    if isinstance(value, str):
        return "a string"
    if isinstance(value, bool):
        return "a boolean"
    if isinstance(value, (int, float)):
        return "a number"
    return "null"


def _load(text: str | None) -> dict[str, Any]:
    """The document; absent or blank text is an empty one."""
    if text is None or not text.strip():
        return {}
    try:
        data = json.loads(text)
    except json.JSONDecodeError as exc:
        raise ConfigError(f"not valid JSON at line {exc.lineno} column {exc.colno}: {exc.msg}") from None
    if not isinstance(data, dict):
        raise ConfigError(f"the top level is {_kind(data)}, expected an object")
    return data


def _indent(text: str | None) -> str | int:
    """The indentation the file already uses (its first indented line), else 2 spaces."""
    for line in (text or "").splitlines():
        stripped = line.lstrip(" \t")
        if stripped and len(stripped) < len(line):
            lead = line[: len(line) - len(stripped)]
            return "\t" if lead.startswith("\t") else len(lead)
    return 2


def _dump(data: dict[str, Any], like: str | None) -> str:
    out = json.dumps(data, indent=_indent(like), ensure_ascii=False)
    return out + "\n" if like is None or like.endswith("\n") or not like.strip() else out


def _hooks(data: dict[str, Any], create: bool) -> dict[str, Any] | None:
    hooks = data.get("hooks")
    if hooks is None:
        if not create:
            return None
        hooks = data["hooks"] = {}
    if not isinstance(hooks, dict):
        raise ConfigError(f"'hooks' is {_kind(hooks)}, expected an object")
    return hooks


def _event_list(hooks: dict[str, Any], event: str, create: bool) -> list[Any] | None:
    items = hooks.get(event)
    if items is None:
        if not create:
            return None
        items = hooks[event] = []
    if not isinstance(items, list):
        raise ConfigError(f"'hooks.{event}' is {_kind(items)}, expected a list")
    return items


# ---------------------------------------------------------------- payload helpers


def _str(value: Any) -> str | None:
    return value if isinstance(value, str) and value else None


_PHASE_OF = {"PreToolUse": "pre", "PostToolUse": "post", "preToolUse": "pre", "postToolUse": "post"}


def _phase(event: Any, accepted: tuple[str, ...]) -> str | None:
    """The phase ("pre" or "post") of one of the ``accepted`` event names, else None."""
    return _PHASE_OF.get(event) if isinstance(event, str) and event in accepted else None


def _abs_files(paths: Iterable[str], cwd: str | None) -> tuple[str, ...]:
    out: list[str] = []
    for p in paths:
        if not p.strip():
            continue
        if os.path.isabs(p):
            full = os.path.normpath(p)
        elif cwd:
            full = os.path.normpath(os.path.join(cwd, p))
        else:
            full = os.path.abspath(p)
        if full not in out:
            out.append(full)
    return tuple(out)


# compiled on use (re caches it), not at import: this module is on every hook call's path
_PATCH_FILE = r"^\*\*\* (?:Add File|Update File|Delete File|Move to): (.+?)\s*$"


def patch_files(patch: str) -> list[str]:
    """The paths an ``apply_patch`` envelope touches: added, updated, deleted and moved-to files."""
    return [m.group(1) for m in re.finditer(_PATCH_FILE, patch, re.M)]


def _patch_text(value: Any) -> str | None:
    """The patch in a tool input: the string itself, or a string field that holds one."""
    if isinstance(value, str):
        return value if "*** " in value else None
    if isinstance(value, dict):
        for key in ("command", "input", "patch"):
            v = value.get(key)
            if isinstance(v, str) and "*** " in v:
                return v
            if isinstance(v, list):  # the old exec form: ["apply_patch", "<patch>"]
                for item in v:
                    if isinstance(item, str) and "*** " in item:
                        return item
    return None


def _path_from(args: Any, keys: tuple[str, ...]) -> str | None:
    if isinstance(args, dict):
        for key in keys:
            v = _str(args.get(key))
            if v:
                return v
    return None


def _maybe_json(value: Any) -> Any:
    """Tool arguments some agents send as a JSON string."""
    if isinstance(value, str):
        try:
            return json.loads(value)
        except ValueError:
            return value
    return value


# ---------------------------------------------------------------- config shapes


class _JsonHooksAgent:
    """A JSON file with ``"hooks": {EVENT: [...]}``; subclasses give the entries and their shape."""

    name = ""
    # phase -> event name in the config
    events: dict[str, str] = {}
    versioned = False  # a top-level ``"version": 1`` (Cursor, Copilot)

    @property
    def _mark(self) -> re.Pattern[str]:  # only install, uninstall and status need it (re caches it)
        return _marker_re(self.name)

    # the shell a ``command`` string runs in: "posix", "powershell" or "cmd"
    def shell(self) -> str:
        return "posix"

    def args(self, phase: str) -> str:
        """What follows the launcher in the command: ``hook --agent NAME`` (the marker)."""
        return marker(self.name)[len("ownwise "):]

    def command(self, phase: str, launcher: Launcher, shell: str | None = None) -> str:
        from .command import RENDERERS

        return RENDERERS[shell or self.shell()](launcher, self.args(phase))

    # what ownwise writes for one phase (found again by ``_handler_is_ours``)
    def entry(self, phase: str, launcher: Launcher) -> dict[str, Any]:
        raise NotImplementedError

    def _handler_is_ours(self, handler: Any) -> bool:
        if not isinstance(handler, dict):
            return False
        return any(isinstance(handler.get(k), str) and self._mark.search(handler[k])
                   for k in ("command", "bash", "powershell"))

    def _our_handlers(self, items: list[Any]) -> list[dict[str, Any]]:
        return [it for it in items if self._handler_is_ours(it)]

    def commands(self, text: str | None) -> list[tuple[str, str]]:
        """``(phase, command string)`` of every entry of ownwise's in the text (phase "" when the
        entry is on an event ownwise does not use)."""
        if text is None:
            return []
        hooks = _hooks(_load(text), create=False)
        if hooks is None:
            return []
        phase_of = {event: phase for phase, event in self.events.items()}
        out: list[tuple[str, str]] = []
        for event, items in hooks.items():
            if not isinstance(items, list):
                continue
            for handler in self._our_handlers(items):
                for key in ("command", "bash", "powershell"):
                    v = handler.get(key)
                    if isinstance(v, str) and self._mark.search(v):
                        out.append((phase_of.get(event, ""), v))
        return out

    # -- the items of one event list: subclasses with nested groups override these and _our_handlers
    def _strip_items(self, items: list[Any]) -> tuple[list[Any], int]:
        kept = [it for it in items if not self._handler_is_ours(it)]
        return kept, len(items) - len(kept)

    def _count_ours(self, items: list[Any]) -> int:
        return len(self._our_handlers(items))

    # -- the document
    def _strip(self, data: dict[str, Any]) -> int:
        """Remove ownwise's entries for this agent; drop what that emptied. The number removed."""
        hooks = _hooks(data, create=False)
        if hooks is None:
            return 0
        removed = 0
        for event in list(hooks):
            items = hooks[event]
            if not isinstance(items, list):
                continue  # not ours to judge: an event ownwise never writes, or a broken one
            kept, n = self._strip_items(items)
            if n:
                removed += n
                if kept:
                    hooks[event] = kept
                else:
                    del hooks[event]
        if removed and not hooks:
            del data["hooks"]
        return removed

    def _exact(self, data: dict[str, Any], launcher: Launcher) -> bool:
        """ownwise's entries are there as this install would write them, and nothing else of ours."""
        hooks = _hooks(data, create=False)
        if hooks is None:
            return False
        total = 0
        for items in hooks.values():
            if isinstance(items, list):
                total += self._count_ours(items)
        if total != len(self.events):
            return False
        for phase, event in self.events.items():
            items = _event_list(hooks, event, create=False)
            if items is None or self.entry(phase, launcher) not in items:
                return False
        return True

    def install(self, text: str | None, launcher: Launcher) -> str:
        data = _load(text)
        hooks = _hooks(data, create=False)
        for event in self.events.values():  # a wrong shape is an error before anything changes
            if hooks is not None:
                _event_list(hooks, event, create=False)
        if self._exact(data, launcher) and text is not None and text.strip():
            return text
        self._strip(data)
        if self.versioned and "version" not in data:
            data = {"version": 1, **data}
        hooks = _hooks(data, create=True)
        assert hooks is not None
        for phase, event in self.events.items():
            items = _event_list(hooks, event, create=True)
            assert items is not None
            items.append(self.entry(phase, launcher))
        return _dump(data, text)

    def uninstall(self, text: str) -> str | None:
        data = _load(text)
        if not self._strip(data):
            return text
        rest = {k: v for k, v in data.items() if not (self.versioned and k == "version")}
        if not rest:
            return None
        return _dump(data, text)

    def installed(self, text: str | None) -> bool:
        if text is None:
            return False
        hooks = _hooks(_load(text), create=False)
        if hooks is None:
            return False
        for event in self.events.values():
            items = _event_list(hooks, event, create=False)
            if not items or not self._count_ours(items):
                return False
        return True

    def parse(self, payload: dict) -> HookEvent | None:
        raise NotImplementedError

    def _scope(self, scope: str) -> None:
        if scope not in SCOPES:
            raise ValueError(f"unknown scope {scope!r} (expected one of {', '.join(SCOPES)})")


class _MatcherGroupsAgent(_JsonHooksAgent):
    """Claude Code's shape, which Codex copied: ``EVENT: [{"matcher": M, "hooks": [handler]}]``."""

    matcher = ""

    def entry(self, phase: str, launcher: Launcher) -> dict[str, Any]:
        return {"matcher": self.matcher,
                "hooks": [{"type": "command", "command": self.command(phase, launcher)}]}

    def _our_handlers(self, items: list[Any]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        for group in items:
            handlers = group.get("hooks") if isinstance(group, dict) else None
            if isinstance(handlers, list):
                out += [h for h in handlers if self._handler_is_ours(h)]
        return out

    def _strip_items(self, items: list[Any]) -> tuple[list[Any], int]:
        kept: list[Any] = []
        removed = 0
        for group in items:
            handlers = group.get("hooks") if isinstance(group, dict) else None
            if not isinstance(handlers, list):
                kept.append(group)
                continue
            mine = [h for h in handlers if self._handler_is_ours(h)]
            if not mine:
                kept.append(group)
                continue
            removed += len(mine)
            rest = [h for h in handlers if not self._handler_is_ours(h)]
            if rest:
                kept.append({**group, "hooks": rest})
        return kept, removed


# ---------------------------------------------------------------- the agents


class ClaudeCode(_MatcherGroupsAgent):
    """Claude Code: ``settings.json`` hooks, PreToolUse/PostToolUse on the file-writing tools."""

    name = "claude-code"
    events = {"pre": "PreToolUse", "post": "PostToolUse"}
    matcher = "Write|Edit|MultiEdit|NotebookEdit"
    edit_tools = frozenset({"Write", "Edit", "MultiEdit", "NotebookEdit"})

    def config_path(self, scope: str, project: Path, home: Path) -> Path:
        self._scope(scope)
        if scope == "user":
            return home / ".claude" / "settings.json"
        # the local project file: the command holds this machine's interpreter path, and Claude
        # Code keeps settings.local.json out of git
        return project / ".claude" / "settings.local.json"

    def parse(self, payload: dict) -> HookEvent | None:
        phase = _phase(payload.get("hook_event_name"), ("PreToolUse", "PostToolUse"))
        tool = _str(payload.get("tool_name"))
        if phase is None or tool not in self.edit_tools:
            return None
        # "path": Copilot CLI also runs the hooks in a project's .claude/settings*.json, with its own
        # argument names under Claude's tool names
        path = _path_from(payload.get("tool_input"), ("file_path", "notebook_path", "path"))
        if path is None:
            return None
        cwd = _str(payload.get("cwd"))
        return HookEvent(self.name, phase, _abs_files([path], cwd), cwd,
                         _str(payload.get("session_id")), tool)


class Codex(_MatcherGroupsAgent):
    """OpenAI Codex CLI: ``hooks.json`` next to a config layer; file edits are ``apply_patch``."""

    name = "codex"
    events = {"pre": "PreToolUse", "post": "PostToolUse"}
    matcher = "apply_patch"

    def shell(self) -> str:
        return "cmd" if WINDOWS else "posix"  # $SHELL -lc, or cmd.exe /C (codex-rs/hooks command_runner.rs)

    def config_path(self, scope: str, project: Path, home: Path) -> Path:
        self._scope(scope)
        return (home / ".codex" if scope == "user" else project / ".codex") / "hooks.json"

    def parse(self, payload: dict) -> HookEvent | None:
        phase = _phase(payload.get("hook_event_name"), ("PreToolUse", "PostToolUse"))
        tool = _str(payload.get("tool_name"))
        if phase is None or tool is None:
            return None
        args = payload.get("tool_input")
        if tool == "apply_patch":
            patch = _patch_text(args)
            paths = patch_files(patch) if patch else []
        elif tool in ("Edit", "Write"):  # Claude-style names, in case a build serialises the alias
            p = _path_from(args, ("file_path", "path"))
            paths = [p] if p else []
        else:
            return None
        if not paths:
            return None
        cwd = _str(payload.get("cwd"))
        return HookEvent(self.name, phase, _abs_files(paths, cwd), cwd,
                         _str(payload.get("session_id")), tool)


def _local_path(p: str) -> str:
    """A path as Cursor may send it (a ``file://`` URI, or ``/C:/…`` on Windows) as a local path."""
    if p.startswith("file://"):
        from urllib.parse import unquote, urlsplit

        p = unquote(urlsplit(p).path)
    if WINDOWS and re.match(r"/[A-Za-z]:[/\\]", p):
        p = p[1:].replace("/", "\\")
    return p


def _first(payload: dict, keys: tuple[str, ...]) -> Any:
    for key in keys:
        if key in payload:
            return payload[key]
    return None


class Cursor(_JsonHooksAgent):
    """Cursor: ``hooks.json`` version 1; ``preToolUse`` on its edit tools before, ``afterFileEdit`` after.

    Cursor also runs Claude Code's hooks (its "third-party hooks") with its own payloads, and
    payloads of its edit tools seen in the wild do not always name the tool (the arguments then
    under ``arguments``); :meth:`parse` takes all of these.
    """

    name = "cursor"
    events = {"pre": "preToolUse", "post": "afterFileEdit"}
    versioned = True
    pre_matcher = "Write|StrReplace|ApplyPatch|Edit|MultiEdit|EditNotebook"
    edit_tools = frozenset({"Write", "Edit", "StrReplace", "MultiEdit", "EditNotebook", "NotebookEdit",
                            "ApplyPatch", "SearchReplace"})
    path_keys = ("file_path", "path", "target_file", "filePath", "targetFile", "target_notebook")
    # arguments only an edit has: how a payload that names no tool is known to be an edit
    edit_fields = ("content", "contents", "old_string", "new_string", "oldString", "newString",
                   "patch", "diff", "edits")

    def shell(self) -> str:
        return "powershell" if WINDOWS else "posix"

    def args(self, phase: str) -> str:
        # the phase, for a payload that does not say its event (the bare patch text, see run.py)
        return f"{super().args(phase)} --phase {phase}"

    def entry(self, phase: str, launcher: Launcher) -> dict[str, Any]:
        if phase == "pre":
            return {"command": self.command(phase, launcher), "matcher": self.pre_matcher}
        return {"command": self.command(phase, launcher)}

    def config_path(self, scope: str, project: Path, home: Path) -> Path:
        self._scope(scope)
        return (home if scope == "user" else project) / ".cursor" / "hooks.json"

    def parse(self, payload: dict) -> HookEvent | None:
        event = payload.get("hook_event_name")
        roots = payload.get("workspace_roots")
        root = _str(roots[0]) if isinstance(roots, list) and roots else None
        cwd = _str(payload.get("cwd")) or (_local_path(root) if root else None)
        session = _str(payload.get("conversation_id")) or _str(payload.get("session_id"))
        if event == "afterFileEdit":
            path = _str(payload.get("file_path"))
            if path is None:
                return None
            return HookEvent(self.name, "post", _abs_files([_local_path(path)], cwd), cwd, session,
                             _str(payload.get("tool_name")))
        phase = _phase(event, ("preToolUse", "postToolUse"))
        if phase is None:
            return None
        tool = _str(_first(payload, ("tool_name", "toolName", "tool")))
        args = _maybe_json(_first(payload, ("tool_input", "toolInput", "arguments", "input")))
        if tool is None:
            if not isinstance(args, dict) or not any(k in args for k in self.edit_fields):
                return None
        elif tool not in self.edit_tools:
            return None
        paths: list[str] = []
        p = _path_from(args, self.path_keys)
        if p:
            paths.append(p)
        patch = _patch_text(args)
        if patch:
            paths += patch_files(patch)
        if not paths:
            return None
        return HookEvent(self.name, phase, _abs_files([_local_path(x) for x in paths], cwd), cwd,
                         session, tool)


class Copilot(_JsonHooksAgent):
    """GitHub Copilot CLI: its own file ``ownwise.json`` among the hook files, camelCase events.

    The camelCase payloads do not name their event, so each entry's command carries
    ``--phase pre|post``; :meth:`parse` also tells them apart by ``toolResult`` (post only).
    Each entry holds a ``bash`` and a ``powershell`` command (Copilot runs the one for its
    platform) and a ``matcher`` on the edit tools, so the hook starts only for file edits.
    """

    name = "copilot"
    events = {"pre": "preToolUse", "post": "postToolUse"}
    versioned = True
    # runtime tool names, and the Claude names the PascalCase (VS Code compatible) payloads use
    edit_tools = frozenset({"edit", "create", "str_replace_editor", "apply_patch", "write",
                            "Edit", "Write", "MultiEdit"})
    # a regex on toolName, anchored by Copilot as ^(?:PATTERN)$
    matcher = "edit|create|str_replace_editor|apply_patch|write"

    def args(self, phase: str) -> str:
        return f"{super().args(phase)} --phase {phase}"

    def entry(self, phase: str, launcher: Launcher) -> dict[str, Any]:
        return {"type": "command", "matcher": self.matcher,
                "bash": self.command(phase, launcher, "posix"),
                "powershell": self.command(phase, launcher, "powershell")}

    def config_path(self, scope: str, project: Path, home: Path) -> Path:
        self._scope(scope)
        if scope == "user":
            return home / ".copilot" / "hooks" / "ownwise.json"
        return project / ".github" / "hooks" / "ownwise.json"

    def parse(self, payload: dict) -> HookEvent | None:
        event = payload.get("hook_event_name")
        if event is not None:  # PascalCase configuration: snake_case fields
            phase = _phase(event, ("PreToolUse", "PostToolUse"))
            tool, args = _str(payload.get("tool_name")), payload.get("tool_input")
            session = _str(payload.get("session_id"))
        else:
            phase = "post" if "toolResult" in payload else "pre"
            tool, args = _str(payload.get("toolName")), payload.get("toolArgs")
            session = _str(payload.get("sessionId"))
        if phase is None or tool not in self.edit_tools:
            return None
        args = _maybe_json(args)
        if tool == "str_replace_editor" and isinstance(args, dict) and args.get("command") == "view":
            return None
        patch = _patch_text(args) if tool == "apply_patch" else None
        if patch is not None:
            paths = patch_files(patch)
        else:
            p = _path_from(args, ("path", "file_path", "filePath"))
            paths = [p] if p else []
        if not paths:
            return None
        cwd = _str(payload.get("cwd"))
        return HookEvent(self.name, phase, _abs_files(paths, cwd), cwd, session, tool)


def origin(payload: dict) -> str | None:
    """The agent that sent ``payload``, told by fields only that agent sends; None if unsure.

    One edit can reach several agents' hooks: Copilot CLI runs a project's ``.claude/settings*.json``
    hooks (with its VS Code compatible payload: ``timestamp``, no ``transcript_path``), and Cursor
    runs Claude Code's hooks (with its own payload: ``cursor_version``, ``conversation_id``,
    ``workspace_roots``). The hook credits the edit to the agent that sent the payload.
    """
    if "cursor_version" in payload or "conversation_id" in payload or "workspace_roots" in payload:
        return "cursor"
    if "toolName" in payload or "toolArgs" in payload or "sessionId" in payload:
        return "copilot"
    if (isinstance(payload.get("timestamp"), str) and "hook_event_name" in payload
            and "transcript_path" not in payload and "tool_use_id" not in payload):
        return "copilot"
    if "turn_id" in payload:
        return "codex"
    return None


AGENTS: dict[str, Agent] = {a.name: a for a in (ClaudeCode(), Codex(), Cursor(), Copilot())}
