import { test } from "node:test";
import assert from "node:assert/strict";
import { renderReflection, summaryText } from "../src/reflectHtml";

test("the reflection page: the block's summary with plurals, escaped, and its fields", () => {
  assert.equal(summaryText({ id: "b", task: "parser", minutes: 0.4, plannedMinutes: 1, violations: 1 }),
    "Task: parser · 0 of 1 minute · 1 AI edit arrived during it");
  assert.equal(summaryText({ id: "b", minutes: 47, plannedMinutes: 60 }), "47 of 60 minutes");
  const page = renderReflection({ id: "b1", task: "<script>x</script>", minutes: 47, plannedMinutes: 60 }, "n0", "csp:");
  assert.ok(page.includes("Task: &lt;script&gt;x&lt;/script&gt;") && !page.includes("<script>x"));
  for (const id of ["lookedUp", "tookLonger", "actual", "notes"]) assert.ok(page.includes(`id="${id}"`), id);
  assert.ok(page.includes('value="47"') && page.includes('name="felt" value="5"'));
  assert.ok(page.includes("script-src 'nonce-n0'") && page.includes('vscode.setState({ blockId: "b1" })'));
});
