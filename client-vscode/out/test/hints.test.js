"use strict";
var __create = Object.create;
var __defProp = Object.defineProperty;
var __getOwnPropDesc = Object.getOwnPropertyDescriptor;
var __getOwnPropNames = Object.getOwnPropertyNames;
var __getProtoOf = Object.getPrototypeOf;
var __hasOwnProp = Object.prototype.hasOwnProperty;
var __copyProps = (to, from, except, desc) => {
  if (from && typeof from === "object" || typeof from === "function") {
    for (let key of __getOwnPropNames(from))
      if (!__hasOwnProp.call(to, key) && key !== except)
        __defProp(to, key, { get: () => from[key], enumerable: !(desc = __getOwnPropDesc(from, key)) || desc.enumerable });
  }
  return to;
};
var __toESM = (mod, isNodeMode, target) => (target = mod != null ? __create(__getProtoOf(mod)) : {}, __copyProps(
  // If the importer is in node compatibility mode or this is not an ESM
  // file that has been converted to a CommonJS file using a Babel-
  // compatible transform (i.e. "__esModule" has not been set), then set
  // "default" to the CommonJS "module.exports" for node compatibility.
  isNodeMode || !mod || !mod.__esModule ? __defProp(target, "default", { value: mod, enumerable: true }) : target,
  mod
));

// test/hints.test.ts
var import_node_test = require("node:test");
var import_strict = __toESM(require("node:assert/strict"));

// src/hints.ts
var ACCEPT_WINDOW_MS = 2e3;
var CHAT_WINDOW_MS = 5e3;
function decide(f) {
  if (f.reason === 1) return { kind: "undo" };
  if (f.reason === 2) return { kind: "redo" };
  const a = f.pendingAccept;
  if (a && f.now - a.at <= ACCEPT_WINDOW_MS && f.inserted.length > 0) {
    return a.source ? { kind: a.kind, source: a.source } : { kind: a.kind };
  }
  if (f.chatOpenedAt !== void 0 && f.now - f.chatOpenedAt <= CHAT_WINDOW_MS && f.inserted.trim() !== "") {
    return { kind: "chatEdit" };
  }
  if (f.formattingUntil !== void 0 && f.now <= f.formattingUntil) return { kind: "format" };
  if (!f.wasDirty && !f.isDirty && f.inserted.length > 0) return { kind: "externalReload" };
  if (worthClipboard(f.inserted)) return "clipboard";
  return null;
}
function worthClipboard(inserted) {
  return inserted.trim().length >= 2;
}
function withClipboard(inserted, clipboard) {
  if (clipboard === void 0 || clipboard === "") return null;
  const norm = (s) => s.replace(/\r\n/g, "\n");
  return norm(inserted) === norm(clipboard) ? { kind: "paste" } : null;
}
var KNOWN_AI_EXTENSIONS = [
  "github.copilot",
  "github.copilot-chat",
  "codeium.codeium",
  "supermaven.supermaven",
  "tabnine.tabnine-vscode",
  "continue.continue",
  "amazonwebservices.amazon-q-vscode"
];
function inlineSource(activeExtensionIds, configured) {
  if (configured) return configured;
  const ids = new Set(activeExtensionIds.map((s) => s.toLowerCase()));
  const found = KNOWN_AI_EXTENSIONS.filter((id) => ids.has(id) && id !== "github.copilot-chat");
  return found.length === 1 ? found[0] : void 0;
}

// test/hints.test.ts
var base = { reason: void 0, inserted: "x", wasDirty: true, isDirty: true, now: 1e4 };
(0, import_node_test.test)("undo and redo come from the change reason, before anything else", () => {
  const accept = { kind: "inlineCompletion", at: 9900 };
  import_strict.default.deepEqual(decide({ ...base, reason: 1, pendingAccept: accept }), { kind: "undo" });
  import_strict.default.deepEqual(decide({ ...base, reason: 2 }), { kind: "redo" });
});
(0, import_node_test.test)("a Tab accept marks the next change, with its source, within the window only", () => {
  const accept = { kind: "inlineCompletion", source: "github.copilot", at: 9e3 };
  import_strict.default.deepEqual(decide({ ...base, pendingAccept: accept }), { kind: "inlineCompletion", source: "github.copilot" });
  import_strict.default.deepEqual(decide({ ...base, pendingAccept: { kind: "inlineCompletionPartial", at: 9500 } }), {
    kind: "inlineCompletionPartial"
  });
  import_strict.default.equal(decide({ ...base, inserted: "a", pendingAccept: { ...accept, at: 7e3 } }), null);
});
(0, import_node_test.test)("a chat editing document opened just before marks a chat edit", () => {
  import_strict.default.deepEqual(decide({ ...base, inserted: "def f():\n", chatOpenedAt: 6e3 }), { kind: "chatEdit" });
  import_strict.default.equal(decide({ ...base, inserted: "d", chatOpenedAt: 1e3 }), null);
});
(0, import_node_test.test)("formatting window, external reload, and when to ask the clipboard", () => {
  import_strict.default.deepEqual(decide({ ...base, formattingUntil: 10500 }), { kind: "format" });
  import_strict.default.deepEqual(decide({ ...base, inserted: "new text", wasDirty: false, isDirty: false }), {
    kind: "externalReload"
  });
  import_strict.default.equal(decide({ ...base, inserted: "ab" }), "clipboard");
  import_strict.default.equal(decide({ ...base, inserted: "a" }), null);
  import_strict.default.equal(decide({ ...base, inserted: "" }), null);
});
(0, import_node_test.test)("a change equal to the clipboard is a paste (line endings aside)", () => {
  import_strict.default.deepEqual(withClipboard("x = 1\ny = 2\n", "x = 1\r\ny = 2\r\n"), { kind: "paste" });
  import_strict.default.equal(withClipboard("x = 1\n", "x = 2\n"), null);
  import_strict.default.equal(withClipboard("x", ""), null);
});
(0, import_node_test.test)("the inline source is named only when exactly one known AI extension is active", () => {
  import_strict.default.equal(inlineSource(["GitHub.copilot", "github.copilot-chat", "ms-python.python"], void 0), "github.copilot");
  import_strict.default.equal(inlineSource(["github.copilot", "codeium.codeium"], void 0), void 0);
  import_strict.default.equal(inlineSource([], "my.ai"), "my.ai");
});
//# sourceMappingURL=hints.test.js.map
