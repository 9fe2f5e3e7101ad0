import { test } from "node:test";
import assert from "node:assert/strict";
import { hoverMarkdown, rangeAt, when } from "../src/attributionText";
import type { AttributedRange } from "../src/protocol";

const ai: AttributedRange = {
  startLine: 2, endLine: 5, type: "ai", kind: "inline", tool: "github.copilot", explained: "pending",
  when: "2026-12-02T10:15:30.000+00:00", commit: null, source: "editor",
};

test("the hover names the kind, the tool, when and the explained state", () => {
  const md = hoverMarkdown(ai, 0);
  assert.equal(md, "**ownwise** · AI code · inline completion · github.copilot\n\n" +
    "lines 3–6 · 2026-12-02 10:15 · **not explained yet** · seen in this editor");
});

test("a committed, edited, explained line says so", () => {
  const md = hoverMarkdown({ ...ai, startLine: 0, endLine: 0, type: "mixed", kind: "agent", explained: "explained",
    commit: "0123456789abcdef0123456789abcdef01234567", source: "ownwise" }, 60);
  assert.ok(md.startsWith("**ownwise** · AI code, edited by hand · coding agent · github.copilot"));
  assert.ok(md.includes("line 1 · 2026-12-02 11:15 · **explained** · from the record of commit `01234567`"));
});

test("lines are found in their range, and a missing time is left out", () => {
  assert.equal(rangeAt([ai], 2), ai);
  assert.equal(rangeAt([ai], 5), ai);
  assert.equal(rangeAt([ai], 6), undefined);
  assert.equal(when(null), undefined);
  assert.equal(when("not a time"), undefined);
});
