import { test } from "node:test";
import assert from "node:assert/strict";
import { describeError, reportHtml, reportParams, reportWeeks, toWeeks } from "../src/reportRequest";

test("weeks: the argument wins, then the setting, then 8", () => {
  assert.equal(reportWeeks(12, 4), 12);
  assert.equal(reportWeeks({ weeks: 3 }, 4), 3);
  assert.equal(reportWeeks(undefined, 4), 4);
  assert.equal(reportWeeks(undefined, undefined), 8);
  assert.equal(reportWeeks(null, null), 8);
});

test("weeks: an unusable argument falls back to the setting", () => {
  // e.g. a URI when a menu runs the command, or junk from a keybinding's args
  assert.equal(reportWeeks({ scheme: "file", path: "/a.py" }, 5), 5);
  assert.equal(reportWeeks("lots", 5), 5);
  assert.equal(reportWeeks(Number.NaN, 5), 5);
  assert.equal(reportWeeks({ weeks: "x" }, "y"), 8);
});

test("weeks: rounded and clamped into 1..260", () => {
  assert.equal(toWeeks(0), 1);
  assert.equal(toWeeks(-3), 1);
  assert.equal(toWeeks(1000), 260);
  assert.equal(toWeeks(2.6), 3);
  assert.equal(toWeeks("6"), 6);
  assert.equal(toWeeks(""), undefined);
  assert.equal(toWeeks(Infinity), undefined);
  assert.equal(reportWeeks(0, 10), 1);
});

test("params ask for HTML in VS Code's theme", () => {
  assert.deepEqual(reportParams(undefined, 8), { weeks: 8, format: "html", theme: "vscode" });
  assert.deepEqual(reportParams(26, 8), { weeks: 26, format: "html", theme: "vscode" });
});

test("errors: the server's message, or that it is not running", () => {
  const refused = Object.assign(new Error("weeks must be between 1 and 260"), { code: -32602 });
  assert.deepEqual(describeError(refused), {
    notRunning: false,
    message: "ownwise: could not build the report: weeks must be between 1 and 260",
  });
  const inactive = Object.assign(new Error("Client is not running"), { code: -32096 });
  assert.equal(describeError(inactive).notRunning, true);
  assert.match(describeError(inactive).message, /the server is not running/);
  assert.equal(describeError("boom").message, "ownwise: could not build the report: boom");
});

test("the webview gets the server's HTML; no HTML is an error", () => {
  assert.equal(reportHtml({ format: "html", html: "<!DOCTYPE html><p>x</p>", report: {} }), "<!DOCTYPE html><p>x</p>");
  assert.throws(() => reportHtml({ format: "json", report: {} }), /no HTML report/);
  assert.throws(() => reportHtml(null), /no HTML report/);
});
