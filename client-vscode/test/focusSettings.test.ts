import { test } from "node:test";
import assert from "node:assert/strict";
import { drift, keysFor, offWrites, restoreWrites, snapshot, type Inspected } from "../src/focusSettings";

const inspected: Inspected[] = [
  { key: "editor.inlineSuggest.enabled", globalValue: true },
  { key: "github.copilot.enable" },
  { key: "chat.disableAIFeatures", globalValue: false, workspaceValue: false },
];

test("keys: the built-in three plus the user's extras, once each", () => {
  assert.deepEqual(keysFor(["my.ai.enabled", "editor.inlineSuggest.enabled", ""]), [
    "editor.inlineSuggest.enabled", "github.copilot.enable", "chat.disableAIFeatures", "my.ai.enabled",
  ]);
});

test("off: each key's off value globally, and in every narrower scope that sets it", () => {
  assert.deepEqual(offWrites(inspected, true), [
    { key: "editor.inlineSuggest.enabled", scope: "global", value: false },
    { key: "github.copilot.enable", scope: "global", value: { "*": false } },
    { key: "chat.disableAIFeatures", scope: "global", value: true },
    { key: "chat.disableAIFeatures", scope: "workspace", value: true },
  ]);
});

test("restore puts back each scope exactly, unset included", () => {
  const writes = restoreWrites(snapshot(inspected), false);
  assert.deepEqual(writes, [
    { key: "editor.inlineSuggest.enabled", scope: "global", value: true },
    { key: "github.copilot.enable", scope: "global", value: undefined },
    { key: "chat.disableAIFeatures", scope: "global", value: false },
  ]);
  const withWs = restoreWrites(snapshot(inspected), true).filter((w) => w.key === "chat.disableAIFeatures");
  assert.deepEqual(withWs.map((w) => [w.scope, w.value]), [["global", false], ["workspace", false], ["workspaceFolder", undefined]]);
});

test("the snapshot survives JSON (global state and the server database)", () => {
  const saved = JSON.parse(JSON.stringify(snapshot(inspected)));
  assert.deepEqual(restoreWrites(saved, true), restoreWrites(snapshot(inspected), true));
});

test("drift: only scopes where something turned a key back on", () => {
  const during: Inspected[] = [
    { key: "editor.inlineSuggest.enabled", globalValue: true }, // turned back on
    { key: "github.copilot.enable", globalValue: { "*": false } },
    { key: "chat.disableAIFeatures", globalValue: true, workspaceValue: false },
  ];
  assert.deepEqual(drift(during, true), [
    { key: "editor.inlineSuggest.enabled", scope: "global", value: false },
    { key: "chat.disableAIFeatures", scope: "workspace", value: true },
  ]);
});
