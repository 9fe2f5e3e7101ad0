import assert from "node:assert/strict";
import { test } from "node:test";
import { type HookRow, offerKey, offerMessage, repairedMessage, staleRows } from "../src/agentHooks";
import { privateEnvironmentPaths } from "../src/privateEnv";

function row(over: Partial<HookRow>): HookRow {
  return { agent: "claude-code", scope: "user", path: "/h/.claude/settings.json", installed: true, error: null,
    launchers: ["/gone/bin/ownwise"], missing: [], unguarded: false, stale: false, ...over };
}

test("staleRows keeps only the stale rows, and survives output that is not a list", () => {
  const rows = [row({}), row({ agent: "codex", stale: true, unguarded: true }), row({ stale: true, missing: ["/gone/bin/python"] })];
  assert.deepEqual(staleRows(rows).map((r) => r.agent), ["codex", "claude-code"]);
  assert.deepEqual(staleRows({ error: 1 }), []);
  assert.deepEqual(staleRows([null, 3, "x"]), []);
});

test("offerMessage names the configs, with the right plural, and why", () => {
  const gone = row({ stale: true, missing: ["/gone/bin/python"] });
  const old = row({ agent: "copilot", scope: "project", path: "/p/.github/hooks/ownwise.json", stale: true, unguarded: true });
  assert.equal(offerMessage([gone]),
    "ownwise: the agent hooks in 1 config file (Claude Code (user)) run an ownwise that is no longer there.");
  assert.equal(offerMessage([gone, old]),
    "ownwise: the agent hooks in 2 config files (Claude Code (user), Copilot CLI (project)) " +
    "run an ownwise that is no longer there or use the old unguarded command.");
  assert.match(offerMessage([old]), /use the old unguarded command, which fails once its ownwise is gone\.$/);
});

test("offerKey is the same for the same stale entries in any order, and changes with them", () => {
  const a = row({ stale: true, missing: ["/gone/bin/python"] });
  const b = row({ agent: "cursor", path: "/h/.cursor/hooks.json", stale: true, unguarded: true });
  assert.equal(offerKey([a, b]), offerKey([b, a]));
  assert.notEqual(offerKey([a]), offerKey([a, b]));
  assert.notEqual(offerKey([a]), offerKey([{ ...a, missing: ["/other/bin/python"] }]));
});

test("repairedMessage counts the repaired files", () => {
  assert.equal(repairedMessage("claude-code (user): repaired — /h/.claude/settings.json\n"),
    "ownwise: repaired the agent hooks in 1 config file.");
  assert.equal(repairedMessage("a (user): repaired — /x\nb (project): repaired — /y\ncodex: Codex runs ...\n"),
    "ownwise: repaired the agent hooks in 2 config files.");
  assert.equal(repairedMessage("Nothing to repair: ...\n"), "ownwise: no agent hook needed repairing.");
});

test("the private environment has one path per user, whatever the extension's version", () => {
  const storage = "/home/u/.config/Code/User/globalStorage/ownwise.ownwise";
  assert.deepEqual(privateEnvironmentPaths(storage, "linux"), {
    venv: `${storage}/venv`, python: `${storage}/venv/bin/python`, ownwise: `${storage}/venv/bin/ownwise` });
  const win = "C:\\Users\\u\\AppData\\Roaming\\Code\\User\\globalStorage\\ownwise.ownwise";
  assert.equal(privateEnvironmentPaths(win, "win32").python, `${win}\\venv\\Scripts\\python.exe`);
  assert.doesNotMatch(JSON.stringify(privateEnvironmentPaths(storage, "linux")), /0\.1\.0|ownwise\.ownwise-/);
});
