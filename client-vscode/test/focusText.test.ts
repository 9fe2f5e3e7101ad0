import { test } from "node:test";
import assert from "node:assert/strict";
import { lengthItems, listing, minutesText, parseMinutes, startedMessage, stopQuestion, turnedBackOnMessage } from "../src/focusText";

const at = (h: number, m: number) => new Date(2026, 11, 3, h, m);

test("the start message says until when, on what, and what was switched off", () => {
  assert.equal(
    startedMessage("the parser", at(15, 30), ["editor.inlineSuggest.enabled", "chat.disableAIFeatures"]),
    'No-AI block on "the parser" until 15:30. Switched off until then: inline suggestions (ghost text) and Chat and ' +
      "VS Code's other AI features; they come back as they were when it ends.",
  );
  assert.match(startedMessage(null, at(9, 0), []), /^No-AI block until 09:00\. No AI setting/);
});

test("lengths: the usual ones and the default, each with its end", () => {
  const items = lengthItems(50, at(14, 0));
  assert.deepEqual(items.map((i) => i.minutes), [25, 45, 50, 60, 90, 120]);
  assert.deepEqual(items[2], { label: "50 minutes", description: "until 14:50 · your default", minutes: 50 });
  assert.equal(items[3].label, "1 hour");
  assert.equal(minutesText(90), "1 h 30 min");
  assert.equal(minutesText(1), "1 minute");
  assert.equal(minutesText(120), "2 hours");
});

test("a length typed by hand", () => {
  assert.equal(parseMinutes("50"), 50);
  assert.equal(parseMinutes(" 50 min "), 50);
  assert.equal(parseMinutes("1h"), 60);
  assert.equal(parseMinutes("1.5 hours"), 90);
  assert.equal(parseMinutes("1:30"), 90);
  for (const bad of ["", "0", "601", "soon", "-5"]) assert.equal(parseMinutes(bad), undefined, bad);
});

test("stopping early is asked with the time left; a setting turned back on is named", () => {
  assert.equal(stopQuestion(61, at(15, 30)),
    "End the no-AI block now? It has 2 minutes left (until 15:30). Your AI settings come back as they were.");
  assert.match(stopQuestion(60, at(15, 30)), /It has 1 minute left/);
  assert.equal(turnedBackOnMessage(["editor.inlineSuggest.enabled"], at(15, 30)),
    "You turned inline suggestions (ghost text) back on during your no-AI block (until 15:30). ownwise switched it " +
      "off again; end the block to have AI back now.");
  assert.match(turnedBackOnMessage(["a.b", "c.d"], at(15, 30)), /You turned a\.b and c\.d back on.*switched them off/);
  assert.equal(listing(["a", "b", "c"]), "a, b and c");
});
