import { test } from "node:test";
import assert from "node:assert/strict";
import { clockTime, countdown, escapeMarkdown, plural, statusView, TOOLTIP_COMMANDS } from "../src/statusText";

const status = {
  uri: "file:///ws/src/engine.py", ownershipClass: "core" as const,
  rule: "core: 64 branch points, imported by 23 files", aiLines: 1, pendingPrompts: 2, session: true,
  focus: { active: false, remainingSeconds: null },
};

test("the item shows from start-up: starting, then ownwise without a file, then the file's class", () => {
  assert.equal(statusView({ server: "starting", pending: 0 }).text, "$(loading~spin) ownwise");
  const idle = statusView({ server: "running", pending: 0 });
  assert.equal(idle.text, "$(person) ownwise");
  assert.match(idle.tooltip, /Open a file of your workspace to see its class/);
  assert.equal(statusView({ server: "stopped", pending: 0 }).text, "$(warning) ownwise");
  assert.match(statusView({ server: "stopped", pending: 0 }).tooltip, /server is not running/);
});

test("the tooltip explains the class, the rule that set it, with plurals and command links", () => {
  const v = statusView({ server: "running", status, pending: 2 });
  assert.equal(v.text, "$(person) core · 1 AI line · 2 to explain");
  assert.match(v.tooltip, /^\*\*This file is core\*\* — debugging, architecture/);
  assert.ok(v.tooltip.includes("Why: core: 64 branch points, imported by 23 files"));
  assert.ok(v.tooltip.includes("explain it in your own words. 1 AI line in this file; 2 explain prompts pending."));
  for (const link of v.tooltip.matchAll(/\(command:([\w.]+)\)/g)) assert.ok(TOOLTIP_COMMANDS.includes(link[1]), link[1]);
  assert.ok(v.tooltip.includes("(command:ownwise.ownership.pick)") && v.command === "ownwise.status.menu");
  assert.equal(statusView({ server: "running", status: { ...status, aiLines: 3 }, pending: 0 }).text, "$(person) core · 3 AI lines");
});

test("during a block: the countdown, and a tooltip with the task, the end time, stop and extend", () => {
  const end = new Date(2026, 11, 3, 15, 30);
  const v = statusView({ server: "running", status, pending: 0, block: { task: "the *parser*", end, secondsLeft: 2530 } });
  assert.equal(v.text, "$(person) core · 1 AI line · $(eye-closed) No-AI 42:10");
  assert.ok(v.tooltip.startsWith("**No-AI block on *the \\*parser\\** until 15:30** (42:10 left)."));
  assert.ok(v.tooltip.includes("(command:ownwise.noAi.stop)") && v.tooltip.includes("(command:ownwise.noAi.extend)"));
  assert.equal(v.command, "ownwise.noAi.menu");
});

test("small helpers", () => {
  assert.equal(escapeMarkdown("app/[slug]/page_x.tsx"), "app/\\[slug\\]/page\\_x\\.tsx");
  assert.equal(plural(1, "file"), "1 file");
  assert.equal(plural(0, "file"), "0 files");
  assert.equal(plural(1200, "line"), "1,200 lines");
  assert.equal(clockTime(new Date(2026, 0, 1, 9, 5)), "09:05");
  assert.equal(countdown(61), "01:01");
});
