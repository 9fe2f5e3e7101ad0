import { test } from "node:test";
import assert from "node:assert/strict";
import { ChatEdits, chatModelTarget, endsOf, spansOf } from "../src/chatEditing";

// the uri VS Code 1.139.1 opened for a session's first edit of /ws/a.py (seen in code-server 4.139.1)
const MODEL_1139 = {
  scheme: "chat-editing-text-model",
  path: "/ws/a.py",
  query: JSON.stringify({
    kind: "doc",
    documentId: "modified-file-entry::1",
    chatSessionResource: { $mid: 1, external: "vscode-chat-session://local/MjEx", path: "/MjEx", scheme: "vscode-chat-session", authority: "local" },
  }),
};

test("a chat-editing model names the document it holds, and its session", () => {
  assert.deepEqual(chatModelTarget(MODEL_1139), { path: "/ws/a.py", session: "MjEx" });
  // the older query shape (chatSessionId), and a query that is not JSON
  const older = { scheme: "chat-editing-text-model", path: "/ws/b.py", query: JSON.stringify({ kind: "doc", documentId: "d", chatSessionId: "s-1" }) };
  assert.deepEqual(chatModelTarget(older), { path: "/ws/b.py", session: "s-1" });
  assert.deepEqual(chatModelTarget({ ...older, query: "garbage" }), { path: "/ws/b.py" });
  assert.equal(chatModelTarget({ scheme: "file", path: "/ws/a.py", query: "" }), undefined);
  assert.equal(chatModelTarget({ scheme: "chat-editing-snapshot-text-model", path: "/ws/a.py", query: "" }), undefined);
});

const at = (line: number, character: number) => ({ range: { start: { line, character } } });
const pos = (line: number, character: number) => ({ line, character });
/** The spans of one change inserting `text` at line:character. */
const change = (line: number, character: number, text: string) => spansOf([{ ...at(line, character), text }]);

test("the cursor after typing each change, and the span it may rest in", () => {
  assert.deepEqual(endsOf([{ ...at(6, 1), text: "y" }]), [pos(6, 2)]);
  assert.deepEqual(endsOf([{ ...at(6, 11), text: "\n    " }]), [pos(7, 4)]);
  assert.deepEqual(change(6, 1, "()"), [{ start: pos(6, 1), end: pos(6, 3) }]);
});

function held(text = "X = 1\n") {
  // the window's answer to the settle request: after whatever it sent before (here: what each test does at once)
  const chat = new ChatEdits(() => new Promise((resolve) => setTimeout(resolve, 30)));
  chat.opened("chat-editing-text-model:/ws/a.py?1", { path: "/ws/a.py" }, () => text);
  return chat;
}

test("a change of a held document that nothing follows is the session's", async () => {
  const chat = held();
  assert.equal(chat.held("/ws/a.py"), true);
  assert.equal(chat.held("/ws/d.py"), false);
  assert.equal(await chat.verdict("/ws/a.py", "def helper(x):\n    return x\n", change(1, 0, "def helper(x):\n    return x\n")), "chat");
  assert.equal(chat.waiting, 0);
});

test("the user's typing in a held document is mirrored into the model, or moves the cursor there", async () => {
  const chat = held();
  const typed = chat.verdict("/ws/a.py", "y", change(6, 1, "y"));
  chat.mirrored("chat-editing-text-model:/ws/a.py?1", "y");
  assert.equal(await typed, "user");
  // typing inside the session's own change is not mirrored (it overlaps): the cursor tells
  const inside = chat.verdict("/ws/a.py", "z", change(2, 8, "z"));
  chat.typed("/ws/a.py", [pos(2, 9)]);
  assert.equal(await inside, "user");
  // an auto-closed pair leaves the cursor between the two
  const pair = chat.verdict("/ws/a.py", "()", change(2, 9, "()"));
  chat.typed("/ws/a.py", [pos(2, 10)]);
  assert.equal(await pair, "user");
});

test("other documents' mirrors, other texts and cursors elsewhere do not clear a chat edit", async () => {
  const chat = held();
  chat.opened("chat-editing-text-model:/ws/b.py?2", { path: "/ws/b.py" }, () => "");
  const edit = chat.verdict("/ws/a.py", "# edited by chat\n", change(0, 0, "# edited by chat\n"));
  chat.mirrored("chat-editing-text-model:/ws/b.py?2", "# edited by chat\n"); // another document's model
  chat.mirrored("chat-editing-text-model:/ws/a.py?1", "X = 2\n"); // a Keep: the model takes the file's text
  chat.typed("/ws/a.py", [pos(9, 0)]); // the user's cursor, elsewhere
  chat.typed("/ws/b.py", [pos(1, 0)]);
  assert.equal(await edit, "chat");
});

test("a mirror or a cursor before the change does not clear it", async () => {
  const chat = held();
  chat.mirrored("chat-editing-text-model:/ws/a.py?1", "y");
  chat.typed("/ws/a.py", [pos(1, 3)]);
  assert.equal(await chat.verdict("/ws/a.py", "y", change(1, 2, "y")), "chat");
});

test("the verdict waits for the settle, however long the window takes to answer", async () => {
  let answer!: () => void;
  const chat = new ChatEdits(() => new Promise<void>((resolve) => (answer = resolve)));
  chat.opened("chat-editing-text-model:/ws/a.py?1", { path: "/ws/a.py" }, () => "");
  const typed = chat.verdict("/ws/a.py", "y", change(6, 1, "y"));
  await new Promise((resolve) => setTimeout(resolve, 60)); // a busy extension host
  chat.mirrored("chat-editing-text-model:/ws/a.py?1", "y");
  answer();
  assert.equal(await typed, "user");
});

test("the session putting the file's own text back is a restore, not new code", async () => {
  const chat = held("X = 1\nY = 2\n");
  assert.equal(await chat.verdict("/ws/a.py", "Y = 2\n", change(1, 0, "Y = 2\n")), "restore");
});

test("a closed model holds nothing", () => {
  const chat = held();
  chat.closed("chat-editing-text-model:/ws/a.py?1");
  assert.equal(chat.held("/ws/a.py"), false);
});
