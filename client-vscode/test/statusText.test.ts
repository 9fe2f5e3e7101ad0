import { test } from "node:test";
import assert from "node:assert/strict";
import { escapeMarkdown, plural, statusTooltip } from "../src/statusText";

const status = {
  uri: "file:///ws/src/engine.py", ownershipClass: "core" as const,
  rule: "core: 64 branch points, imported by 23 files", aiLines: 1, pendingPrompts: 2, session: true,
  focus: { active: false, remainingSeconds: null },
};

test("the tooltip names the class, its meaning, the evidence and the counts with plurals", () => {
  const t = statusTooltip(status, 2);
  assert.match(t, /^\*\*ownwise: this file is core\*\* — debugging, architecture/);
  assert.ok(t.includes("Why: core: 64 branch points, imported by 23 files"));
  assert.ok(t.includes("1 AI line in this file · 2 explain prompts pending"));
  assert.ok(t.includes("(command:ownwise.ownership.pick)"));
});

test("markdown in the reason is escaped", () => {
  assert.equal(escapeMarkdown("app/[slug]/page_x.tsx"), "app/\\[slug\\]/page\\_x\\.tsx");
  assert.equal(plural(1, "file"), "1 file");
  assert.equal(plural(0, "file"), "0 files");
});
