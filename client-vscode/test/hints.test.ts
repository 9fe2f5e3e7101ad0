import { test } from "node:test";
import assert from "node:assert/strict";
import { decide, inlineSource, wantsChatVerdict, wantsDirtySettle, withClipboard, type ChangeFacts } from "../src/hints";

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

test("a change of a document a chat session holds is a chat edit only on the chat verdict", () => {
  assert.deepEqual(decide({ ...base, inserted: "def f():\n", chat: "chat" }), { kind: "chatEdit" });
  assert.equal(decide({ ...base, inserted: "d", chat: "user" }), null); // the user's own typing
  assert.deepEqual(decide({ ...base, inserted: "x = 1\n", chat: "restore" }), { kind: "undo" }); // the session's Undo
  assert.equal(decide({ ...base, inserted: "   ", chat: "chat" }), null); // blank: nothing to credit
  // no verdict at all (the document is not held): never a chat edit
  assert.equal(decide({ ...base, inserted: "d" }), null);
});

test("only a held document's change with new text and no earlier sign waits for the chat verdict", () => {
  assert.equal(wantsChatVerdict({ ...base, inserted: "y" }, true), true);
  assert.equal(wantsChatVerdict({ ...base, inserted: "y" }, false), false);
  assert.equal(wantsChatVerdict({ ...base, inserted: "\n  " }, true), false); // blank
  assert.equal(wantsChatVerdict({ ...base, inserted: "y", reason: 1 }, true), false); // undo
  const accept = { kind: "inlineCompletion" as const, at: 9_900 };
  assert.equal(wantsChatVerdict({ ...base, inserted: "y", pendingAccept: accept }, true), false);
  // the accept wins over a chat verdict
  assert.deepEqual(decide({ ...base, pendingAccept: accept, chat: "chat" }), { kind: "inlineCompletion" });
});

test("a clean document left clean waits for its dirty flag before it is called a reload", () => {
  const clean = { ...base, wasDirty: false, isDirty: false };
  assert.equal(wantsDirtySettle(clean), true);
  assert.equal(wantsDirtySettle({ ...clean, chat: "chat" }), false);
  assert.equal(wantsDirtySettle({ ...clean, chat: "user" }), true);
  assert.equal(wantsDirtySettle({ ...clean, isDirty: true }), false);
  // the first keystroke after a save: VS Code said clean, then dirty
  assert.equal(decide({ ...clean, inserted: "x", isDirty: true }), null);
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
