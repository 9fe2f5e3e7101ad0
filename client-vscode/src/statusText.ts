// What the status bar item says: its text, its Markdown tooltip and what a click does (pure: no vscode,
// unit-tested in test/statusText.test.ts).
import type { Status } from "./protocol";

/** What each class means for how the user works with AI (the Ownership Matrix). */
export const CLASS_MEANING: Record<string, string> = {
  core: "debugging, architecture, design, performance: own the thinking",
  repeatable: "CRUD, test scaffolding, common algorithms: use AI, then be able to reproduce it",
  transient: "one-off scripts, boilerplate, configuration: use AI freely",
};

/** What ownwise does with AI code in a file of each class (the default prompt policy). */
export const CLASS_PROMPTS: Record<string, string> = {
  core: "AI code you keep here is asked about: explain it in your own words",
  repeatable: "AI code you keep here is asked about: write its steps from memory",
  transient: "AI code here is counted, never asked about",
};

export function plural(n: number, one: string, many = `${one}s`): string {
  return `${n.toLocaleString("en-US")} ${n === 1 ? one : many}`;
}

/** Markdown escapes for text from the server (paths and reasons can hold `*`, `_`, `[`...). */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, (c) => `\\${c}`);
}

/** A local clock time, "15:30". */
export function clockTime(at: Date): string {
  return `${at.getHours().toString().padStart(2, "0")}:${at.getMinutes().toString().padStart(2, "0")}`;
}

/** "42:10" for the seconds left. */
export function countdown(seconds: number): string {
  const mm = Math.floor(seconds / 60).toString().padStart(2, "0");
  const ss = (seconds % 60).toString().padStart(2, "0");
  return `${mm}:${ss}`;
}

/** The running no-AI block as the status bar needs it. */
export interface BlockView {
  task: string | null;
  end: Date;
  secondsLeft: number;
}

export interface StatusInput {
  /** the server: starting, running, or not running (failed or stopped for good) */
  server: "starting" | "running" | "stopped";
  /** the active editor's document's last ownwise/status, if any */
  status?: Status;
  /** pending prompts in the whole database */
  pending: number;
  block?: BlockView;
}

export interface StatusView {
  text: string;
  /** Markdown, with command links */
  tooltip: string;
  /** the command a click runs */
  command: string;
}

/** The item from start-up on: it is never hidden, so the user always sees that ownwise is there. */
export function statusView(input: StatusInput): StatusView {
  const { status: s, pending, block } = input;
  const parts: string[] = [];
  if (input.server === "starting") parts.push("$(loading~spin) ownwise");
  else if (input.server === "stopped") parts.push("$(warning) ownwise");
  else if (s) {
    parts.push(`$(person) ${s.ownershipClass}`);
    if (s.aiLines) parts.push(plural(s.aiLines, "AI line"));
  } else parts.push("$(person) ownwise");
  if (pending) parts.push(`${pending} to explain`);
  if (block) parts.push(`$(eye-closed) No-AI ${countdown(block.secondsLeft)}`);
  return { text: parts.join(" · "), tooltip: tooltip(input), command: block ? "ownwise.noAi.menu" : "ownwise.status.menu" };
}

function tooltip(input: StatusInput): string {
  const { status: s, pending, block } = input;
  const out: string[] = [];
  if (block) {
    const task = block.task ? ` on *${escapeMarkdown(block.task)}*` : "";
    out.push(`**No-AI block${task} until ${clockTime(block.end)}** (${countdown(block.secondsLeft)} left).`,
      "AI suggestions and Chat are switched off until then.", "",
      "[Stop the block](command:ownwise.noAi.stop) · [15 more minutes](command:ownwise.noAi.extend)", "", "---", "");
  }
  if (input.server === "starting") {
    out.push("**ownwise is starting** its language server…");
  } else if (input.server === "stopped") {
    out.push("**ownwise: the server is not running.** [Show the logs](command:ownwise.showLogs), then reload the window.");
  } else if (s) {
    out.push(`**This file is ${s.ownershipClass}** — ${CLASS_MEANING[s.ownershipClass] ?? ""}.`,
      "",
      `Why: ${escapeMarkdown(s.rule)}`,
      "",
      `${CLASS_PROMPTS[s.ownershipClass] ?? ""}. ${plural(s.aiLines, "AI line")} in this file; ` +
        `${plural(pending, "explain prompt")} pending.`,
      "",
      "[Change this file's class](command:ownwise.ownership.pick)" +
        (pending ? " · [Explain pending AI code](command:ownwise.explain.pending)" : "") +
        " · [Show Report](command:ownwise.report.show)");
  } else {
    out.push("**ownwise** notes which code your AI tools write and asks you to explain what matters. " +
      "Open a file of your workspace to see its class (core, repeatable or transient).",
      "",
      (pending ? `${plural(pending, "explain prompt")} pending: [Explain](command:ownwise.explain.pending) · ` : "") +
        "[Show Report](command:ownwise.report.show) · [Get started](command:ownwise.walkthrough)");
  }
  if (!block && input.server === "running") out.push("", "[Start a no-AI block](command:ownwise.noAi.start)");
  return out.join("\n");
}

/** The command links the tooltip may run (MarkdownString.isTrusted.enabledCommands). */
export const TOOLTIP_COMMANDS = [
  "ownwise.ownership.pick", "ownwise.explain.pending", "ownwise.report.show", "ownwise.noAi.start",
  "ownwise.noAi.stop", "ownwise.noAi.extend", "ownwise.showLogs", "ownwise.walkthrough",
];
