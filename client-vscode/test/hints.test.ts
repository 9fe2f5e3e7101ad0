import { test } from "node:test";
import assert from "node:assert/strict";
import { decide, inlineSource, withClipboard, type ChangeFacts } from "../src/hints";

const base: ChangeFacts = { reason: undefined, inserted: "x", wasDirty: true, isDirty: true, now: 10_000 };

test("undo and redo come from the change reason, before anything else", () => {
  const accept = { kind: "inlineCompletion" as const, at: 9_900 };
  assert.deepEqual(decide({ ...base, reason: 1, pendingAccept: accept }), { kind: "undo" });
  assert.deepEqual(decide({ ...base, reason: 2 }), { kind: "redo" });
});

test("a Tab accept marks the next change, with its source, within the window only", () => {
  const accept = { kind: "inlineCompletion" as const, source: "github.copilot", at: 9_000 };
  assert.deepEqual(decide({ ...base, pendingAccept: accept }), { kind: "inlineCompletion", source: "github.copilot" });
  assert.deepEqual(decide({ ...base, pendingAccept: { kind: "inlineCompletionPartial", at: 9_500 } }), {
    kind: "inlineCompletionPartial",
  });
  assert.equal(decide({ ...base, inserted: "a", pendingAccept: { ...accept, at: 7_000 } }), null);
});

test("a chat editing document opened just before marks a chat edit", () => {
  assert.deepEqual(decide({ ...base, inserted: "def f():\n", chatOpenedAt: 6_000 }), { kind: "chatEdit" });
  assert.equal(decide({ ...base, inserted: "d", chatOpenedAt: 1_000 }), null);
});

test("formatting window, external reload, and when to ask the clipboard", () => {
  assert.deepEqual(decide({ ...base, formattingUntil: 10_500 }), { kind: "format" });
  assert.deepEqual(decide({ ...base, inserted: "new text", wasDirty: false, isDirty: false }), {
    kind: "externalReload",
  });
  assert.equal(decide({ ...base, inserted: "ab" }), "clipboard");
  assert.equal(decide({ ...base, inserted: "a" }), null); // a keystroke: no clipboard read
  assert.equal(decide({ ...base, inserted: "" }), null); // a deletion
});

test("a change equal to the clipboard is a paste (line endings aside)", () => {
  assert.deepEqual(withClipboard("x = 1\ny = 2\n", "x = 1\r\ny = 2\r\n"), { kind: "paste" });
  assert.equal(withClipboard("x = 1\n", "x = 2\n"), null);
  assert.equal(withClipboard("x", ""), null);
});

test("the inline source is named only when exactly one known AI extension is active", () => {
  assert.equal(inlineSource(["GitHub.copilot", "github.copilot-chat", "ms-python.python"], undefined), "github.copilot");
  assert.equal(inlineSource(["github.copilot", "codeium.codeium"], undefined), undefined);
  assert.equal(inlineSource([], "my.ai"), "my.ai");
});
