// What the status bar item says about a document: its text and its Markdown tooltip (pure: no vscode).
import type { Status } from "./protocol";

/** What each class means for how the user works with AI (the Ownership Matrix). */
export const CLASS_MEANING: Record<string, string> = {
  core: "debugging, architecture, design, performance: own the thinking",
  repeatable: "CRUD, test scaffolding, common algorithms: use AI, then be able to reproduce it",
  transient: "one-off scripts, boilerplate, configuration: use AI freely",
};

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Markdown escapes for text from the server (paths and reasons can hold `*`, `_`, `[`...). */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}

/**
 * The tooltip: the class and what it means, what decided it (a rule, or the evidence the server
 * read: "core: 64 branch points, imported by 23 files"), the AI lines and prompts, and a link to
 * change the class.
 */
export function statusTooltip(s: Status, pending: number): string {
  const lines = [
    `**ownwise: this file is ${s.ownershipClass}** — ${CLASS_MEANING[s.ownershipClass] ?? ""}`,
    "",
    `Why: ${escapeMarkdown(s.rule)}`,
    "",
    `${plural(s.aiLines, "AI line")} in this file · ${plural(pending, "explain prompt")} pending`,
    "",
    "[Change this file's class](command:ownwise.ownership.pick)",
  ];
  return lines.join("\n");
}
