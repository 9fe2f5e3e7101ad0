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

// test/focusSettings.test.ts
var import_node_test = require("node:test");
var import_strict = __toESM(require("node:assert/strict"));

// src/focusSettings.ts
var BUILT_IN_KEYS = ["editor.inlineSuggest.enabled", "github.copilot.enable", "chat.disableAIFeatures"];
function offValue(key) {
  if (key === "chat.disableAIFeatures") return true;
  if (key === "github.copilot.enable") return { "*": false };
  return false;
}
function keysFor(extra) {
  return [.../* @__PURE__ */ new Set([...BUILT_IN_KEYS, ...extra.filter((k) => typeof k === "string" && k.trim() !== "")])];
}
function scopeValue(v) {
  return v === void 0 ? { set: false } : { set: true, value: v };
}
function snapshot(inspected2) {
  return inspected2.map((i) => ({
    key: i.key,
    global: scopeValue(i.globalValue),
    workspace: scopeValue(i.workspaceValue),
    workspaceFolder: scopeValue(i.workspaceFolderValue)
  }));
}
function offWrites(inspected2, hasWorkspace) {
  const out = [];
  for (const i of inspected2) {
    const off = offValue(i.key);
    out.push({ key: i.key, scope: "global", value: off });
    if (hasWorkspace && i.workspaceValue !== void 0) out.push({ key: i.key, scope: "workspace", value: off });
    if (hasWorkspace && i.workspaceFolderValue !== void 0) {
      out.push({ key: i.key, scope: "workspaceFolder", value: off });
    }
  }
  return out;
}
function restoreWrites(saved, hasWorkspace) {
  const out = [];
  for (const s of saved) {
    out.push({ key: s.key, scope: "global", value: s.global.set ? s.global.value : void 0 });
    if (hasWorkspace) {
      out.push({ key: s.key, scope: "workspace", value: s.workspace.set ? s.workspace.value : void 0 });
      out.push({
        key: s.key,
        scope: "workspaceFolder",
        value: s.workspaceFolder.set ? s.workspaceFolder.value : void 0
      });
    }
  }
  return out;
}
function same(a, b) {
  return JSON.stringify(a) === JSON.stringify(b);
}
function drift(inspected2, hasWorkspace) {
  return offWrites(inspected2, hasWorkspace).filter((w) => {
    const i = inspected2.find((x) => x.key === w.key);
    const now = w.scope === "global" ? i.globalValue : w.scope === "workspace" ? i.workspaceValue : i.workspaceFolderValue;
    return !same(now, w.value);
  });
}

// test/focusSettings.test.ts
var inspected = [
  { key: "editor.inlineSuggest.enabled", globalValue: true },
  { key: "github.copilot.enable" },
  { key: "chat.disableAIFeatures", globalValue: false, workspaceValue: false }
];
(0, import_node_test.test)("keys: the built-in three plus the user's extras, once each", () => {
  import_strict.default.deepEqual(keysFor(["my.ai.enabled", "editor.inlineSuggest.enabled", ""]), [
    "editor.inlineSuggest.enabled",
    "github.copilot.enable",
    "chat.disableAIFeatures",
    "my.ai.enabled"
  ]);
});
(0, import_node_test.test)("off: each key's off value globally, and in every narrower scope that sets it", () => {
  import_strict.default.deepEqual(offWrites(inspected, true), [
    { key: "editor.inlineSuggest.enabled", scope: "global", value: false },
    { key: "github.copilot.enable", scope: "global", value: { "*": false } },
    { key: "chat.disableAIFeatures", scope: "global", value: true },
    { key: "chat.disableAIFeatures", scope: "workspace", value: true }
  ]);
});
(0, import_node_test.test)("restore puts back each scope exactly, unset included", () => {
  const writes = restoreWrites(snapshot(inspected), false);
  import_strict.default.deepEqual(writes, [
    { key: "editor.inlineSuggest.enabled", scope: "global", value: true },
    { key: "github.copilot.enable", scope: "global", value: void 0 },
    { key: "chat.disableAIFeatures", scope: "global", value: false }
  ]);
  const withWs = restoreWrites(snapshot(inspected), true).filter((w) => w.key === "chat.disableAIFeatures");
  import_strict.default.deepEqual(withWs.map((w) => [w.scope, w.value]), [["global", false], ["workspace", false], ["workspaceFolder", void 0]]);
});
(0, import_node_test.test)("the snapshot survives JSON (global state and the server database)", () => {
  const saved = JSON.parse(JSON.stringify(snapshot(inspected)));
  import_strict.default.deepEqual(restoreWrites(saved, true), restoreWrites(snapshot(inspected), true));
});
(0, import_node_test.test)("drift: only scopes where something turned a key back on", () => {
  const during = [
    { key: "editor.inlineSuggest.enabled", globalValue: true },
    // turned back on
    { key: "github.copilot.enable", globalValue: { "*": false } },
    { key: "chat.disableAIFeatures", globalValue: true, workspaceValue: false }
  ];
  import_strict.default.deepEqual(drift(during, true), [
    { key: "editor.inlineSuggest.enabled", scope: "global", value: false },
    { key: "chat.disableAIFeatures", scope: "workspace", value: true }
  ]);
});
//# sourceMappingURL=focusSettings.test.js.map
