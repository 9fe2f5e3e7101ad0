import { test } from "node:test";
import assert from "node:assert/strict";
import { escapeHtml, renderPage, renderPrompt, type PromptItem } from "../src/explainHtml";

const prompt: PromptItem = {
  id: "abc123", kind: "explain", path: "src/a.py", uri: "file:///ws/src/a.py",
  range: { startLine: 2, endLine: 6 }, lines: 5, ownershipClass: "core",
  question: "What does this code do?", code: "if a < b and c > d:\n    return '<script>'\n",
  showCodeAfterAnswer: false,
};

test("code and text are escaped: nothing from a file becomes markup", () => {
  assert.equal(escapeHtml(`<a href="x">'&'</a>`), "&lt;a href=&quot;x&quot;&gt;&#39;&amp;&#39;&lt;/a&gt;");
  const html = renderPrompt(prompt, 1);
  assert.ok(html.includes("return &#39;&lt;script&gt;&#39;"));
  assert.ok(!html.includes("<script>"));
});

test("an explain prompt shows its code; recall and review only the first line until answered", () => {
  assert.ok(renderPrompt(prompt, 1).includes('<pre class="code">if a &lt; b'));
  const recall = renderPrompt({ ...prompt, kind: "recall", showCodeAfterAnswer: true }, 1);
  assert.ok(recall.includes("Starts with: <code>if a &lt; b and c &gt; d:</code>"));
  assert.ok(recall.includes('class="code hidden"'));
});

test("the location is 1-based, a single line without a range; reviews rate recall", () => {
  assert.ok(renderPrompt(prompt, 1).includes(">src/a.py:3-7<"));
  assert.ok(renderPrompt({ ...prompt, range: { startLine: 4, endLine: 4 } }, 1).includes(">src/a.py:5<"));
  const review = renderPrompt({ ...prompt, kind: "review", showCodeAfterAnswer: true }, 1);
  assert.ok(review.includes('name="rating-abc123" value="good"') && !review.includes('name="u-abc123"'));
});

test("the page allows only its own nonce'd script and style", () => {
  const page = renderPage([prompt], "n0nce", "vscode-resource:");
  assert.ok(page.includes("script-src 'nonce-n0nce'") && page.includes("default-src 'none'"));
});

test("the empty page says when prompts appear, from the user's settings", () => {
  const page = renderPage([], "n", "c", [], { idleMinutes: 1, minLines: 5 });
  assert.ok(page.includes("Nothing to explain right now. Prompts appear when a coding session ends (after 1 minute " +
    "without edits, or with Ownwise: End Session and Explain)"));
  assert.ok(page.includes("in blocks of at least 5 lines (ownwise.prompts.minLines)"));
});

test("code marked \"can't explain yet\" is listed after the pending prompts, to answer again (no skip)", () => {
  const page = renderPage([prompt], "n", "c", [{ ...prompt, id: "old1" }]);
  assert.ok(page.indexOf('data-id="abc123"') < page.indexOf("You could not explain these yet"));
  assert.ok(page.includes("I still can't explain this yet") && page.includes('class="submit" data-id="old1"'));
  assert.ok(!page.includes('class="secondary skip" data-id="old1"'));
  assert.ok(!renderPage([prompt], "n", "c").includes("You could not explain these yet"));
});

test("a saved answer becomes read-only, collapsed and marked saved (the page's script)", () => {
  const page = renderPage([prompt], "n", "c");
  assert.ok(page.includes("box.readOnly = true") && page.includes("d.open = false") && page.includes("b.disabled = true"));
  assert.ok(page.includes("button:disabled { opacity: 0.4"));
});
