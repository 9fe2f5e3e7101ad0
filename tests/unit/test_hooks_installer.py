"""The agents' hook configs: install, uninstall, status, and the payloads their hooks receive.

The sample payloads in ``hook_payloads/`` follow the shapes documented for each agent (sources in
``docs/agents.md``); the paths and ids in them are made up.
"""

from __future__ import annotations

import json
import os
import shutil
import stat
import sys
from pathlib import Path

import pytest

from ownwise.hooks import agents as agents_mod
from ownwise.hooks.agents import AGENTS, ConfigError, HookEvent, patch_files
from ownwise.hooks.command import Launcher, launcher_in
from ownwise.hooks.installer import install, repair, status, uninstall

PAYLOADS = Path(__file__).parent / "hook_payloads"
NAMES = ("claude-code", "codex", "cursor", "copilot")
SCOPES = ("user", "project")
PY = "/opt/ownwise/.venv/bin/python"


def launcher(python: str = PY) -> Launcher:
    return Launcher(python, True)


def cmd(agent: str, phase: str = "pre", python: str = PY, shell: str | None = None) -> str:
    """The command ownwise writes for ``agent`` (its guarded form)."""
    return AGENTS[agent].command(phase, launcher(python), shell)


@pytest.fixture
def env(tmp_path):
    project, home, backups = tmp_path / "project", tmp_path / "home", tmp_path / "state" / "backups"
    project.mkdir()
    home.mkdir()
    return {"project": project, "home": home, "backup_dir": backups}


def n_ours(agent: str) -> int:
    """How many command strings ownwise's two entries hold (Copilot's: a bash and a powershell each)."""
    return 4 if agent == "copilot" else 2


def do_install(env, agent, scope="project", launcher_=None):
    return install(agent, scope, launcher=launcher_ or launcher(), **env)


def do_uninstall(env, agent, scope="project"):
    return uninstall(agent, scope, **env)


def path_of(env, agent, scope="project") -> Path:
    return AGENTS[agent].config_path(scope, env["project"], env["home"])


def commands_in(data, agent) -> list[str]:
    """Every hook command string in a config document that is ownwise's for ``agent``."""
    found: list[str] = []

    def walk(node):
        if isinstance(node, dict):
            for k, v in node.items():
                if k in ("command", "bash", "powershell") and isinstance(v, str):
                    if f"ownwise hook --agent {agent}" in v:
                        found.append(v)
                else:
                    walk(v)
        elif isinstance(node, list):
            for item in node:
                walk(item)

    walk(data)
    return found


# the user's own hooks, on the same events ownwise uses, plus unrelated settings
USER_CONFIGS = {
    "claude-code": {
        "$schema": "https://json.schemastore.org/claude-code-settings.json",
        "permissions": {"allow": ["Bash(npm test:*)"]},
        "hooks": {
            "PostToolUse": [{"matcher": "Write|Edit", "hooks": [
                {"type": "command", "command": "npx prettier --write \"$CLAUDE_PROJECT_DIR\""}]}],
            "Stop": [{"hooks": [{"type": "command", "command": "notify-send done"}]}],
        },
        "model": "opus",
    },
    "codex": {
        "hooks": {
            "PreToolUse": [{"matcher": "Bash", "hooks": [
                {"type": "command", "command": "python3 .codex/hooks/guard.py", "timeout": 10}]}],
            "SessionStart": [{"matcher": "startup|resume", "hooks": [
                {"type": "command", "command": "sh .codex/hooks/start.sh"}]}],
        },
    },
    "cursor": {
        "version": 1,
        "hooks": {
            "afterFileEdit": [{"command": "./hooks/format.sh"}],
            "beforeShellExecution": [{"command": "./hooks/guard.sh", "timeout": 15}],
        },
    },
    "copilot": {
        "version": 1,
        "hooks": {
            "preToolUse": [{"type": "command", "bash": "./scripts/security-check.sh",
                            "comment": "Security validation - runs first"}],
            "sessionStart": [{"type": "command", "bash": "echo start >> session.log"}],
        },
    },
}


def write_user_config(env, agent, scope="project", indent=4, newline=False) -> bytes:
    p = path_of(env, agent, scope)
    p.parent.mkdir(parents=True, exist_ok=True)
    raw = json.dumps(USER_CONFIGS[agent], indent=indent).encode() + (b"\n" if newline else b"")
    p.write_bytes(raw)
    return raw


# ---------------------------------------------------------------- install


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("agent", NAMES)
def test_install_into_an_empty_dir_writes_our_entry(env, agent, scope):
    r = do_install(env, agent, scope)
    assert r.action == "installed" and r.path == path_of(env, agent, scope) and r.path.is_file()
    data = json.loads(r.path.read_text())
    ours = commands_in(data, agent)
    assert len(ours) == n_ours(agent)
    assert all(launcher_in(c) == launcher() for c in ours)
    assert AGENTS[agent].installed(r.path.read_text())
    for phase, event in AGENTS[agent].events.items():  # type: ignore[attr-defined]
        assert commands_in(data["hooks"][event], agent), (phase, event)


def test_the_entries_each_agent_gets(env):
    for agent in NAMES:
        do_install(env, agent)
    guard = f"[ -x {PY} ] && {PY} -m ownwise hook --agent %s 2>/dev/null || cat >/dev/null; exit 0"
    assert cmd("claude-code", shell="posix") == guard % "claude-code"
    claude = json.loads(path_of(env, "claude-code").read_text())
    assert claude["hooks"]["PreToolUse"] == [{"matcher": "Write|Edit|MultiEdit|NotebookEdit", "hooks": [
        {"type": "command", "command": guard % "claude-code"}]}]
    assert claude["hooks"]["PostToolUse"] == claude["hooks"]["PreToolUse"]
    codex = json.loads(path_of(env, "codex").read_text())
    assert codex["hooks"]["PreToolUse"] == [{"matcher": "apply_patch", "hooks": [
        {"type": "command", "command": guard % "codex"}]}]
    cursor = json.loads(path_of(env, "cursor").read_text())
    assert cursor == {"version": 1, "hooks": {
        "preToolUse": [{"command": guard % "cursor --phase pre",
                        "matcher": "Write|StrReplace|ApplyPatch|Edit|MultiEdit|EditNotebook"}],
        "afterFileEdit": [{"command": guard % "cursor --phase post"}]}}
    copilot = json.loads(path_of(env, "copilot").read_text())
    ps = (f"if (Test-Path -LiteralPath '{PY}' -PathType Leaf) {{ & '{PY}' -m ownwise hook --agent copilot "
          "--phase %s 2>$null }} else {{ [void][Console]::In.ReadToEnd() }}; exit 0")
    # Copilot: a matcher on its edit tools (hooks-reference.md, "Matcher filtering"), and a command
    # for each of its shells
    assert copilot == {"version": 1, "hooks": {
        phase_event: [{"type": "command", "matcher": "edit|create|str_replace_editor|apply_patch|write",
                       "bash": guard % f"copilot --phase {phase}", "powershell": ps.replace("{{", "{").replace(
                           "}}", "}") % phase}]
        for phase, phase_event in (("pre", "preToolUse"), ("post", "postToolUse"))}}
    assert path_of(env, "copilot").name == "ownwise.json"  # a file of its own in .github/hooks


@pytest.mark.parametrize("agent", NAMES)
def test_install_twice_gives_the_same_bytes(env, agent):
    do_install(env, agent)
    first = path_of(env, agent).read_bytes()
    r = do_install(env, agent)
    assert r.action == "already installed"
    assert path_of(env, agent).read_bytes() == first


@pytest.mark.parametrize("agent", NAMES)
def test_install_keeps_the_users_own_hooks_and_settings(env, agent):
    write_user_config(env, agent, indent=4, newline=True)
    do_install(env, agent)
    text = path_of(env, agent).read_text()
    data = json.loads(text)
    theirs = USER_CONFIGS[agent]
    assert list(data)[: len(theirs)] == list(theirs)  # key order kept
    for key, value in theirs.items():
        if key != "hooks":
            assert data[key] == value
    for event, entries in theirs["hooks"].items():
        assert data["hooks"][event][: len(entries)] == entries
    assert len(commands_in(data, agent)) == n_ours(agent)
    assert text.endswith("}\n") and '\n    "hooks"' in text  # their indentation, their newline
    assert do_install(env, agent).action == "already installed"


@pytest.mark.parametrize("agent", NAMES)
def test_install_again_leaves_an_edited_file_alone(env, agent):
    do_install(env, agent)
    p = path_of(env, agent)
    data = json.loads(p.read_text())
    for items in data["hooks"].values():  # the user's hooks, after ownwise's
        items.append({"matcher": "Bash", "hooks": [{"type": "command", "command": "./mine.sh"}]}
                     if agent in ("claude-code", "codex") else {"type": "command", "command": "./mine.sh"})
    p.write_text(json.dumps(data, indent=2) + "\n")
    edited = p.read_bytes()
    assert do_install(env, agent).action == "already installed"
    assert p.read_bytes() == edited


@pytest.mark.parametrize("agent", NAMES)
def test_a_new_interpreter_path_replaces_the_entry(env, agent):
    do_install(env, agent)
    r = do_install(env, agent, launcher_=launcher("/home/me/new-venv/bin/python"))
    assert r.action == "installed"
    ours = commands_in(json.loads(r.path.read_text()), agent)
    assert len(ours) == n_ours(agent)
    assert all(launcher_in(c) == launcher("/home/me/new-venv/bin/python") for c in ours)
    assert do_uninstall(env, agent).action == "restored"
    assert not r.path.exists()


def test_install_refuses_a_command_it_could_not_find_again(env):
    # without "ownwise hook --agent NAME" in the command, uninstall could not tell the entry is ours
    with pytest.raises(ValueError, match="named 'ownwise'"):
        do_install(env, "codex", launcher_=Launcher("/usr/local/bin/my-hook", False))
    with pytest.raises(ValueError, match="plain path"):
        Launcher("/home/me/my venv/bin/ownwise", False)
    assert not path_of(env, "codex").exists()


def test_unknown_agent_or_scope(env):
    with pytest.raises(ValueError, match="unknown agent"):
        do_install(env, "windsurf")
    with pytest.raises(ValueError, match="unknown scope"):
        do_install(env, "codex", "global")


def test_the_files_mode_is_kept(env):
    write_user_config(env, "claude-code")
    p = path_of(env, "claude-code")
    os.chmod(p, 0o640)
    do_install(env, "claude-code")
    assert stat.S_IMODE(p.stat().st_mode) == 0o640
    p.write_text(p.read_text().replace('"opus"', '"sonnet"'))  # an edit: uninstall edits, not restores
    assert do_uninstall(env, "claude-code").action == "uninstalled"
    assert stat.S_IMODE(p.stat().st_mode) == 0o640


def test_backups_are_private(env):
    write_user_config(env, "cursor")
    do_install(env, "cursor")
    backups = env["backup_dir"]
    assert stat.S_IMODE(backups.stat().st_mode) == 0o700
    files = list(backups.iterdir())
    assert len(files) == 1 and files[0].name.startswith("cursor-project-")
    assert stat.S_IMODE(files[0].stat().st_mode) == 0o600


def test_a_symlinked_config_stays_a_symlink(env, tmp_path):
    dotfiles = tmp_path / "dotfiles" / "claude-settings.json"
    dotfiles.parent.mkdir()
    dotfiles.write_text('{"model": "opus"}\n')
    link = path_of(env, "claude-code", "user")
    link.parent.mkdir(parents=True)
    link.symlink_to(dotfiles)
    do_install(env, "claude-code", "user")
    assert link.is_symlink() and commands_in(json.loads(dotfiles.read_text()), "claude-code")
    assert do_uninstall(env, "claude-code", "user").action == "restored"
    assert link.is_symlink() and dotfiles.read_text() == '{"model": "opus"}\n'


# ---------------------------------------------------------------- uninstall


@pytest.mark.parametrize("agent", NAMES)
def test_uninstall_gives_back_the_exact_bytes(env, agent):
    before = write_user_config(env, agent, indent=4, newline=False)
    do_install(env, agent)
    assert path_of(env, agent).read_bytes() != before
    r = do_uninstall(env, agent)
    assert r.action == "restored"
    assert path_of(env, agent).read_bytes() == before
    assert list(env["backup_dir"].iterdir()) == []
    assert do_uninstall(env, agent).action == "not installed"  # idempotent
    assert path_of(env, agent).read_bytes() == before


@pytest.mark.parametrize("scope", SCOPES)
@pytest.mark.parametrize("agent", NAMES)
def test_uninstall_of_a_file_that_was_absent_deletes_it_and_the_dirs_made_for_it(env, agent, scope):
    do_install(env, agent, scope)
    r = do_uninstall(env, agent, scope)
    assert r.action == "restored" and not r.path.exists()
    root = env["home"] if scope == "user" else env["project"]
    assert list(root.iterdir()) == []
    assert do_uninstall(env, agent, scope).action == "not installed"


def test_uninstall_leaves_a_directory_that_was_there(env):
    (env["project"] / ".github" / "workflows").mkdir(parents=True)
    do_install(env, "copilot")
    do_uninstall(env, "copilot")
    assert sorted(p.name for p in (env["project"] / ".github").iterdir()) == ["workflows"]


def add_user_hook(env, agent) -> dict:
    """What a user does after install: adds a hook of their own with an editor."""
    p = path_of(env, agent)
    data = json.loads(p.read_text())
    if agent in ("claude-code", "codex"):
        mine = {"matcher": "Bash", "hooks": [{"type": "command", "command": "./audit.sh"}]}
        data["hooks"].setdefault("PreToolUse", []).append(mine)
        event = "PreToolUse"
    elif agent == "cursor":
        mine = {"command": "./audit.sh"}
        data["hooks"]["stop"] = [mine]
        event = "stop"
    else:
        mine = {"type": "command", "bash": "./audit.sh"}
        data["hooks"]["preToolUse"].insert(0, mine)
        event = "preToolUse"
    p.write_text(json.dumps(data, indent=2) + "\n")
    return {"event": event, "entry": mine}


@pytest.mark.parametrize("agent", NAMES)
def test_uninstall_after_the_users_edit_keeps_the_edit(env, agent):
    do_install(env, agent)
    edit = add_user_hook(env, agent)
    r = do_uninstall(env, agent)
    assert r.action == "uninstalled"
    data = json.loads(r.path.read_text())
    assert commands_in(data, agent) == []
    assert data["hooks"][edit["event"]] == [edit["entry"]]
    assert not AGENTS[agent].installed(r.path.read_text())
    assert do_uninstall(env, agent).action == "not installed"


@pytest.mark.parametrize("agent", NAMES)
def test_uninstall_after_an_edit_keeps_the_users_earlier_hooks(env, agent):
    write_user_config(env, agent)
    do_install(env, agent)
    p = path_of(env, agent)
    p.write_text(p.read_text() + "\n")  # any change since install: no byte-exact restore
    assert do_uninstall(env, agent).action == "uninstalled"
    assert json.loads(p.read_text()) == USER_CONFIGS[agent]


@pytest.mark.parametrize("agent", NAMES)
def test_uninstall_deletes_a_file_left_with_only_ours(env, agent):
    do_install(env, agent)
    p = path_of(env, agent)
    p.write_text(json.dumps(json.loads(p.read_text())))  # reformatted, nothing else
    r = do_uninstall(env, agent)
    assert r.action == "uninstalled" and not p.exists()


def test_a_hook_the_user_put_in_our_group_survives(env):
    do_install(env, "claude-code")
    p = path_of(env, "claude-code")
    data = json.loads(p.read_text())
    data["hooks"]["PostToolUse"][0]["hooks"].append({"type": "command", "command": "ruff format"})
    p.write_text(json.dumps(data, indent=2))
    do_uninstall(env, "claude-code")
    assert json.loads(p.read_text()) == {"hooks": {"PostToolUse": [{
        "matcher": "Write|Edit|MultiEdit|NotebookEdit",
        "hooks": [{"type": "command", "command": "ruff format"}]}]}}


def test_reinstall_after_an_edit_backs_up_the_edited_file(env):
    do_install(env, "codex")
    add_user_hook(env, "codex")
    do_uninstall(env, "codex")
    theirs = path_of(env, "codex").read_bytes()  # only the user's hook is left
    do_install(env, "codex")
    assert do_uninstall(env, "codex").action == "restored"
    assert path_of(env, "codex").read_bytes() == theirs


# ---------------------------------------------------------------- malformed configs

MALFORMED = [
    ('{\n  "hooks": {\n    "PreToolUse": [}\n}\n', "not valid JSON at line 3 column"),
    ('{"hooks": []}\n', "'hooks' is a list, expected an object"),
    ("[1, 2]\n", "the top level is a list, expected an object"),
]


@pytest.mark.parametrize("text,message", MALFORMED)
@pytest.mark.parametrize("agent", NAMES)
def test_a_malformed_config_is_an_error_and_stays_untouched(env, agent, text, message):
    p = path_of(env, agent)
    p.parent.mkdir(parents=True)
    p.write_text(text)
    os.utime(p, (1_000_000_000, 1_000_000_000))
    before = (p.read_bytes(), p.stat().st_mtime_ns)
    for op in (do_install, do_uninstall):
        with pytest.raises(ConfigError) as exc:
            op(env, agent)
        assert message in str(exc.value) and str(p) in str(exc.value)
        assert (p.read_bytes(), p.stat().st_mtime_ns) == before
    assert not env["backup_dir"].exists() or list(env["backup_dir"].iterdir()) == []


@pytest.mark.parametrize("agent", ["claude-code", "codex"])
def test_an_event_that_is_not_a_list_is_an_error(env, agent):
    p = path_of(env, agent)
    p.parent.mkdir(parents=True)
    p.write_text('{"hooks": {"PostToolUse": {"matcher": "Write"}}}')
    with pytest.raises(ConfigError, match="'hooks.PostToolUse' is an object, expected a list"):
        do_install(env, agent)


def test_status(env):
    here = Launcher(sys.executable, True)  # an interpreter that exists
    do_install(env, "cursor", "user", launcher_=here)
    do_install(env, "claude-code", "user")  # PY, which does not exist
    broken = path_of(env, "codex")
    broken.parent.mkdir(parents=True)
    broken.write_text("{")
    rows = {(r["agent"], r["scope"]): r for r in status(project=env["project"], home=env["home"])}
    assert set(rows) == {(a, s) for a in NAMES for s in SCOPES}
    assert rows["cursor", "user"] == {"agent": "cursor", "scope": "user",
                                      "path": str(path_of(env, "cursor", "user")),
                                      "exists": True, "installed": True, "error": None,
                                      "launchers": [sys.executable], "missing": [], "unguarded": False,
                                      "stale": False}
    claude = rows["claude-code", "user"]
    assert claude["installed"] and claude["missing"] == [PY] and claude["stale"] and not claude["unguarded"]
    assert not rows["cursor", "project"]["exists"] and not rows["cursor", "project"]["installed"]
    assert not rows["cursor", "project"]["stale"] and rows["cursor", "project"]["launchers"] == []
    codex = rows["codex", "project"]
    assert codex["exists"] and not codex["installed"] and "not valid JSON" in codex["error"]
    assert not codex["stale"]


# ---------------------------------------------------------------- old entries, repair

# The commands earlier versions of ownwise wrote (docs/agents.md before the guard): the console
# script or `"<python>" -m ownwise`, bare; Copilot's with --phase, and `& ` before it in PowerShell.
OLD = {
    "claude-code": {"hooks": {event: [{"matcher": "Write|Edit|MultiEdit|NotebookEdit", "hooks": [
        {"type": "command", "command": "{venv}/bin/ownwise hook --agent claude-code"}]}]
        for event in ("PreToolUse", "PostToolUse")}},
    "codex": {"hooks": {event: [{"matcher": "apply_patch", "hooks": [
        {"type": "command", "command": '"{venv}/bin/python" -m ownwise hook --agent codex'}]}]
        for event in ("PreToolUse", "PostToolUse")}},
    "cursor": {"version": 1, "hooks": {
        "preToolUse": [{"command": "{venv}/bin/ownwise hook --agent cursor", "matcher": "Write"}],
        "afterFileEdit": [{"command": "{venv}/bin/ownwise hook --agent cursor"}]}},
    "copilot": {"version": 1, "hooks": {
        "preToolUse": [{"type": "command", "bash": "{venv}/bin/ownwise hook --agent copilot --phase pre"}],
        "postToolUse": [{"type": "command",
                         "powershell": '& "{venv}/bin/python" -m ownwise hook --agent copilot --phase post'}]}},
}


def write_old(env, agent, venv: Path, scope="project", extra: dict | None = None) -> bytes:
    """A config holding an old unguarded entry of ``agent``, next to the user's own settings."""
    p = path_of(env, agent, scope)
    p.parent.mkdir(parents=True, exist_ok=True)
    data = json.loads(json.dumps(OLD[agent]).replace("{venv}", str(venv)))
    raw = json.dumps({**(extra or {}), **data}, indent=2).encode() + b"\n"
    p.write_bytes(raw)
    return raw


@pytest.mark.parametrize("agent", NAMES)
def test_old_unguarded_entries_are_stale_whether_or_not_their_path_exists(env, agent, tmp_path):
    venv = tmp_path / "venv"
    (venv / "bin").mkdir(parents=True)
    for name in ("ownwise", "python"):
        (venv / "bin" / name).write_text("#!/bin/sh\n")
        (venv / "bin" / name).chmod(0o755)
    write_old(env, agent, venv)
    row = next(r for r in status(project=env["project"], home=env["home"])
               if (r["agent"], r["scope"]) == (agent, "project"))
    assert row["unguarded"] and row["stale"] and row["missing"] == [] and row["installed"]
    launchers = {"claude-code": ["ownwise"], "codex": ["python"], "cursor": ["ownwise"],
                 "copilot": ["ownwise", "python"]}
    assert row["launchers"] == [str(venv / "bin" / n) for n in launchers[agent]]
    shutil.rmtree(venv)
    row = next(r for r in status(project=env["project"], home=env["home"])
               if (r["agent"], r["scope"]) == (agent, "project"))
    # a console script's launcher is missing its python first (the guard looks at both)
    assert row["missing"] == [str(venv / "bin" / "python")] and row["stale"]


@pytest.mark.parametrize("agent", NAMES)
def test_repair_rewrites_old_entries_and_uninstall_still_gives_back_the_original(env, agent, tmp_path):
    original = write_user_config(env, agent, indent=4, newline=True)
    do_install(env, agent, launcher_=launcher(str(tmp_path / "gone" / "bin" / "python")))  # venv since deleted
    here = Launcher(sys.executable, True)
    stale = [r for r in status(project=env["project"], home=env["home"]) if r["stale"]]
    assert [(r["agent"], r["scope"]) for r in stale] == [(agent, "project")]
    done = repair(project=env["project"], home=env["home"], launcher=here, backup_dir=env["backup_dir"])
    assert [(r.agent, r.scope, r.action) for r in done] == [(agent, "project", "repaired")]
    ours = commands_in(json.loads(path_of(env, agent).read_text()), agent)
    assert len(ours) == n_ours(agent) and all(launcher_in(c) == here for c in ours)
    assert not any(r["stale"] for r in status(project=env["project"], home=env["home"]))
    assert repair(project=env["project"], home=env["home"], launcher=here, backup_dir=env["backup_dir"]) == []
    assert do_uninstall(env, agent).action == "restored"
    assert path_of(env, agent).read_bytes() == original


@pytest.mark.parametrize("agent", NAMES)
def test_repairing_an_entry_from_before_backups_uninstalls_by_removing_ours(env, agent, tmp_path):
    # an old version's entry with no backup of ownwise's: the file's bytes are not all the user's,
    # so uninstall must not "restore" them (that would bring the unguarded entry back)
    extra = {"$comment": "the user's", **({"version": 1} if agent in ("cursor", "copilot") else {})}
    write_old(env, agent, tmp_path / "gone", extra=extra)
    done = repair(project=env["project"], home=env["home"], launcher=Launcher(sys.executable, True),
                  backup_dir=env["backup_dir"])
    assert [r.action for r in done] == ["repaired"]
    assert not env["backup_dir"].exists() or list(env["backup_dir"].iterdir()) == []
    assert do_uninstall(env, agent).action == "uninstalled"
    left = json.loads(path_of(env, agent).read_text())
    assert left == extra and commands_in(left, agent) == []


def test_repair_only_touches_stale_files(env, tmp_path):
    here = Launcher(sys.executable, True)
    do_install(env, "cursor", "user", launcher_=here)
    fresh = path_of(env, "cursor", "user").read_bytes()
    do_install(env, "codex", "user", launcher_=launcher(str(tmp_path / "gone" / "python")))
    done = repair(project=env["project"], home=env["home"], launcher=here, backup_dir=env["backup_dir"],
                  agents=["cursor", "codex"])
    assert [(r.agent, r.scope) for r in done] == [("codex", "user")]
    assert path_of(env, "cursor", "user").read_bytes() == fresh


def test_windows_entries_use_each_agents_shell(env, monkeypatch):
    monkeypatch.setattr(agents_mod, "WINDOWS", True)
    py = "C:\\Users\\me\\AppData\\Roaming\\Code\\venv\\Scripts\\python.exe"
    for agent in NAMES:
        do_install(env, agent, launcher_=launcher(py))
    codex = json.loads(path_of(env, "codex").read_text())["hooks"]["PreToolUse"][0]["hooks"][0]["command"]
    assert codex == f'(if exist "{py}" "{py}" -m ownwise hook --agent codex 2>nul) & exit /b 0'
    cursor = json.loads(path_of(env, "cursor").read_text())["hooks"]["afterFileEdit"][0]["command"]
    assert cursor.startswith(f"if (Test-Path -LiteralPath '{py}' -PathType Leaf) {{ & '{py}' -m ownwise hook")
    claude = json.loads(path_of(env, "claude-code").read_text())["hooks"]["PreToolUse"][0]["hooks"][0]["command"]
    assert claude.startswith(f"[ -x '{py}' ] && '{py}' -m ownwise")  # Git Bash on Windows
    rows = [r for r in status(project=env["project"], home=env["home"]) if r["installed"]]
    assert len(rows) == 4 and all(r["launchers"] == [py] and not r["unguarded"] for r in rows)


def test_a_console_script_whose_interpreter_is_gone_is_missing(tmp_path):
    bin_ = tmp_path / "venv" / "bin"
    bin_.mkdir(parents=True)
    script = bin_ / "ownwise"
    script.write_text(f"#!{bin_}/python3.12\nimport ownwise\n")
    script.chmod(0o755)
    (bin_ / "python").symlink_to("/nonexistent/python3.12")  # its base Python was removed
    assert Launcher(str(script), False).missing() == str(bin_ / "python")
    (bin_ / "python").unlink()
    (bin_ / "python").symlink_to(sys.executable)
    assert Launcher(str(script), False).missing() == f"{bin_}/python3.12"  # the #! names another
    (bin_ / "python3.12").symlink_to(sys.executable)
    assert Launcher(str(script), False).missing() is None
    script.chmod(0o644)  # not executable: [ -x ] is false, the guard runs nothing
    assert Launcher(str(script), False).missing() == str(script)


# ---------------------------------------------------------------- payloads


def payload(name: str) -> dict:
    return json.loads((PAYLOADS / f"{name}.json").read_text())


SHOP = "/home/dev/shop"
EXPECTED = {
    "claude-code-pre": HookEvent("claude-code", "pre", (f"{SHOP}/src/cart.py",), SHOP,
                                 "8c35adc1-5b9e-4f5e-9d2a-0f4c6e1b7a21", "Edit"),
    "claude-code-post": HookEvent("claude-code", "post", (f"{SHOP}/tests/test_cart.py",), SHOP,
                                  "8c35adc1-5b9e-4f5e-9d2a-0f4c6e1b7a21", "Write"),
    "codex-pre": HookEvent("codex", "pre", (f"{SHOP}/src/cart.py", f"{SHOP}/tests/test_cart.py"), SHOP,
                           "019c48b7-7098-7b61-bc48-32e82585d451", "apply_patch"),
    "codex-post": HookEvent("codex", "post", (f"{SHOP}/src/cart.py", f"{SHOP}/tests/test_cart.py"), SHOP,
                            "019c48b7-7098-7b61-bc48-32e82585d451", "apply_patch"),
    "cursor-pre": HookEvent("cursor", "pre", (f"{SHOP}/src/cart.py",), SHOP,
                            "6f0b2c1e-3d4a-4b5c-8e9f-0a1b2c3d4e5f", "Write"),
    "cursor-post": HookEvent("cursor", "post", (f"{SHOP}/src/cart.py",), SHOP,
                             "6f0b2c1e-3d4a-4b5c-8e9f-0a1b2c3d4e5f", None),
    "copilot-pre": HookEvent("copilot", "pre", (f"{SHOP}/src/cart.py",), SHOP,
                             "3f9c2a7e-1b4d-4e8a-9c6f-2d5b8e1a4c7f", "edit"),
    "copilot-post": HookEvent("copilot", "post", (f"{SHOP}/tests/test_cart.py",), SHOP,
                              "3f9c2a7e-1b4d-4e8a-9c6f-2d5b8e1a4c7f", "create"),
}


@pytest.mark.skipif(os.name == "nt", reason="POSIX sample paths")
@pytest.mark.parametrize("name", sorted(EXPECTED))
def test_recorded_shape_payloads_parse(name):
    agent = name.rsplit("-", 1)[0]
    assert AGENTS[agent].parse(payload(name)) == EXPECTED[name]


NOT_EDITS = {
    "claude-code": [
        {"hook_event_name": "PreToolUse", "tool_name": "Bash", "cwd": SHOP, "session_id": "s",
         "tool_input": {"command": "pytest -q", "description": "Run the tests"}},
        {"hook_event_name": "PreToolUse", "tool_name": "Read", "cwd": SHOP, "session_id": "s",
         "tool_input": {"file_path": f"{SHOP}/src/cart.py"}},
        {"hook_event_name": "Stop", "session_id": "s", "cwd": SHOP, "stop_hook_active": False},
    ],
    "codex": [
        {"hook_event_name": "PreToolUse", "tool_name": "Bash", "cwd": SHOP, "session_id": "s",
         "tool_input": {"command": "cat > src/cart.py <<EOF\nx = 1\nEOF"}},
        {"hook_event_name": "UserPromptSubmit", "cwd": SHOP, "session_id": "s", "prompt": "fix it"},
    ],
    "cursor": [
        {"hook_event_name": "beforeShellExecution", "conversation_id": "c", "workspace_roots": [SHOP],
         "command": "npm test", "cwd": SHOP},
        {"hook_event_name": "preToolUse", "conversation_id": "c", "workspace_roots": [SHOP],
         "tool_name": "Shell", "tool_input": {"command": "npm test", "working_directory": SHOP}},
        {"hook_event_name": "beforeReadFile", "conversation_id": "c", "workspace_roots": [SHOP],
         "file_path": f"{SHOP}/.env", "content": "KEY=1"},
    ],
    "copilot": [
        {"sessionId": "s", "timestamp": 1, "cwd": SHOP, "toolName": "bash",
         "toolArgs": "{\"command\":\"npm test\",\"description\":\"Run tests\"}"},
        {"sessionId": "s", "timestamp": 1, "cwd": SHOP, "toolName": "view",
         "toolArgs": {"path": f"{SHOP}/src/cart.py"}},
        {"sessionId": "s", "timestamp": 1, "cwd": SHOP, "toolName": "str_replace_editor",
         "toolArgs": {"command": "view", "path": f"{SHOP}/src/cart.py"}},
    ],
}


@pytest.mark.parametrize("agent", NAMES)
def test_payloads_that_are_not_file_edits_are_ignored(agent):
    for p in NOT_EDITS[agent]:
        assert AGENTS[agent].parse(p) is None, p


@pytest.mark.parametrize("agent", NAMES)
def test_odd_payloads_are_ignored_not_errors(agent):
    for p in ({}, {"hook_event_name": ["PreToolUse"]}, {"tool_name": {"x": 1}, "toolName": ["edit"]},
              {"hook_event_name": "PreToolUse", "tool_name": "Edit", "tool_input": "nonsense"}):
        assert AGENTS[agent].parse(p) is None


@pytest.mark.skipif(os.name == "nt", reason="POSIX sample paths")
def test_copilot_vs_code_compatible_payloads_parse():
    p = {"hook_event_name": "PostToolUse", "session_id": "s-9", "timestamp": "2026-01-01T00:00:00.000Z",
         "cwd": SHOP, "tool_name": "Edit",
         "tool_input": {"path": "src/cart.py", "old_str": "a", "new_str": "b"},
         "tool_result": {"result_type": "success", "text_result_for_llm": "ok"}}
    assert AGENTS["copilot"].parse(p) == HookEvent("copilot", "post", (f"{SHOP}/src/cart.py",), SHOP,
                                                   "s-9", "Edit")


@pytest.mark.skipif(os.name == "nt", reason="POSIX sample paths")
def test_claude_hooks_run_by_copilot_still_name_the_file():
    # Copilot CLI also runs the hooks of a project's .claude/settings*.json, with its own argument names
    p = {"hook_event_name": "PreToolUse", "session_id": "s", "cwd": SHOP, "tool_name": "Write",
         "tool_input": {"path": f"{SHOP}/new.py", "file_text": "x = 1\n"}}
    assert AGENTS["claude-code"].parse(p).files == (f"{SHOP}/new.py",)


def test_patch_files():
    patch = ("*** Begin Patch\n*** Add File: a.py\n+x\n*** Delete File: b.py\n*** Update File: c.py\n"
             "*** Move to: d/c.py\n@@\n-x\n+y\n*** End Patch\n")
    assert patch_files(patch) == ["a.py", "b.py", "c.py", "d/c.py"]


@pytest.mark.skipif(os.name == "nt", reason="POSIX sample paths")
def test_relative_paths_resolve_against_cwd_and_repeat_once():
    p = payload("codex-pre")
    p["tool_input"]["command"] = ("*** Begin Patch\n*** Update File: ./src/../src/cart.py\n@@\n-a\n+b\n"
                                  "*** Update File: src/cart.py\n@@\n-c\n+d\n*** End Patch\n")
    assert AGENTS["codex"].parse(p).files == (f"{SHOP}/src/cart.py",)


# ---------------------------------------------------------------- Cursor's edit tools and shapes
# Cursor does not document the preToolUse payload of its edit tools; these shapes are from
# third-party captures, each named beside it.

CURSOR_COMMON = {"conversation_id": "c-1", "generation_id": "g-1", "model": "composer-2",
                 "cursor_version": "3.11.25", "workspace_roots": [SHOP], "user_email": None,
                 "transcript_path": None}


@pytest.mark.skipif(os.name == "nt", reason="POSIX sample paths")
@pytest.mark.parametrize("shape,files,tool", [
    # StrReplace with {path, old_string, new_string}: git-ai-project/git-ai
    # src/commands/checkpoint_agent/presets/cursor.rs (test_cursor_file_edit_accepts_path_field),
    # sudosubin/pi-frontier#10
    ({"hook_event_name": "preToolUse", "tool_name": "StrReplace",
      "tool_input": {"path": f"{SHOP}/src/cart.py", "old_string": "pass", "new_string": "return 0"}},
     [f"{SHOP}/src/cart.py"], "StrReplace"),
    # ApplyPatch with the patch text only: git-ai ... cursor.rs (test_cursor_apply_patch_post_file_edit)
    ({"hook_event_name": "postToolUse", "tool_name": "ApplyPatch",
      "tool_input": {"patch": "*** Begin Patch\n*** Update File: src/cart.py\n@@\n-old\n+new\n"
                              "*** Add File: src/new.py\n+x\n*** End Patch\n"}},
     [f"{SHOP}/src/cart.py", f"{SHOP}/src/new.py"], "ApplyPatch"),
    # ApplyPatch as {path, patch}: deftai/directive#2713 (the normalized JSON shape)
    ({"hook_event_name": "preToolUse", "tool_name": "ApplyPatch",
      "tool_input": {"path": "src/cart.py", "patch": "*** Begin Patch\n*** Update File: src/cart.py\n"
                                                   "@@\n-a\n+b\n*** End Patch\n"}},
     [f"{SHOP}/src/cart.py"], "ApplyPatch"),
    # no tool_name, the arguments under "arguments": deftai/directive#2628, #2669 (payloads that
    # "omit a top-level tool name")
    ({"hook_event_name": "preToolUse",
      "arguments": {"file_path": f"{SHOP}/src/cart.py", "contents": "def total(items):\n    return 0\n"}},
     [f"{SHOP}/src/cart.py"], None),
    ({"hook_event_name": "preToolUse",
      "tool_input": {"path": "src/cart.py", "old_string": "pass", "new_string": "return 0"}},
     [f"{SHOP}/src/cart.py"], None),
    # Write with an absolute file_path, no cwd, and postToolUse with tool_output: termaxa/termaxa#106
    # (captured from Cursor 3.11.25); a cwd of "" (DobermanCore/Doberman-Core#576)
    ({"hook_event_name": "postToolUse", "tool_name": "Write", "cwd": "", "tool_use_id": "t-1",
      "tool_input": {"file_path": f"{SHOP}/src/cart.py", "contents": "x = 1\n"},
      "tool_output": json.dumps({"file_path": f"{SHOP}/src/cart.py", "success": True}), "duration": 12},
     [f"{SHOP}/src/cart.py"], "Write"),
])
def test_cursor_edit_tools_and_shapes(shape, files, tool):
    event = AGENTS["cursor"].parse({**CURSOR_COMMON, **shape})
    phase = "pre" if shape["hook_event_name"] == "preToolUse" else "post"
    assert event == HookEvent("cursor", phase, tuple(files), SHOP, "c-1", tool)


def test_cursor_payloads_that_name_no_edit_are_ignored():
    for shape in ({"hook_event_name": "preToolUse", "arguments": {"file_path": f"{SHOP}/src/cart.py"}},  # a read
                  {"hook_event_name": "preToolUse", "tool_name": "Read", "tool_input": {"path": "a.py"}},
                  {"hook_event_name": "preToolUse", "tool_name": "Delete", "tool_input": {"path": "a.py"}},
                  {"hook_event_name": "preToolUse", "arguments": "not json"},
                  {"arguments": {"file_path": "a.py", "content": "x"}}):  # no event
        assert AGENTS["cursor"].parse({**CURSOR_COMMON, **shape}) is None, shape


def test_cursor_windows_roots_are_local_paths(monkeypatch):
    # on Windows Cursor gives the workspace as "/C:/Users/..." (termaxa/termaxa#106)
    monkeypatch.setattr(agents_mod, "WINDOWS", True)
    p = {**CURSOR_COMMON, "workspace_roots": ["/C:/Users/dev/shop"], "hook_event_name": "preToolUse",
         "tool_name": "Write", "tool_input": {"file_path": "/c:/Users/dev/shop/src/cart.py", "content": ""}}
    assert AGENTS["cursor"].parse(p).cwd == "C:\\Users\\dev\\shop"
    assert agents_mod._local_path("/c:/Users/dev/shop/src/cart.py") == "c:\\Users\\dev\\shop\\src\\cart.py"
    assert agents_mod._local_path("file:///C:/Users/dev/my%20shop") == "C:\\Users\\dev\\my shop"


# ---------------------------------------------------------------- who sent a payload

def test_origin_tells_the_agent_by_fields_only_it_sends():
    for name in EXPECTED:  # each agent's own sample payloads
        want = name.rsplit("-", 1)[0]
        assert agents_mod.origin(payload(name)) == (None if want == "claude-code" else want), name
    # Copilot CLI running a project's Claude Code hooks sends its VS Code compatible payload
    # (hooks-reference.md, "preToolUse / PreToolUse": timestamp as ISO 8601, no transcript_path)
    copilot_pascal = {"hook_event_name": "PreToolUse", "session_id": "s", "timestamp": "2026-01-01T00:00:00.000Z",
                      "cwd": SHOP, "tool_name": "Edit", "tool_input": {"path": f"{SHOP}/src/cart.py"}}
    assert agents_mod.origin(copilot_pascal) == "copilot"
    # Cursor running Claude Code's hooks sends its own payload (cursor.com/docs/reference/
    # third-party-hooks; DobermanCore/Doberman-Core#576: cwd "", the project only in workspace_roots)
    assert agents_mod.origin({**CURSOR_COMMON, "hook_event_name": "preToolUse", "cwd": ""}) == "cursor"
    assert agents_mod.origin(payload("claude-code-post")) is None  # Claude Code's: any agent may claim it
