// What focus mode says to the user (pure: no vscode, unit-tested in test/focusText.test.ts).
import { clockTime, plural } from "./statusText";

/** The lengths offered when a block starts, in minutes (the default length is added when it is not one). */
export const LENGTHS = [25, 45, 60, 90, 120];

/** What a setting switched off during a block means to the user. */
export const SETTING_LABELS: Record<string, string> = {
  "editor.inlineSuggest.enabled": "inline suggestions (ghost text)",
  "github.copilot.enable": "GitHub Copilot",
  "chat.disableAIFeatures": "Chat and VS Code's other AI features",
};

export function settingLabel(key: string): string {
  return SETTING_LABELS[key] ?? key;
}

/** "a, b and c" */
export function listing(items: string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

export function minutesText(minutes: number): string {
  if (minutes >= 60 && minutes % 60 === 0) return plural(minutes / 60, "hour");
  if (minutes > 60) return `${Math.floor(minutes / 60)} h ${minutes % 60} min`;
  return plural(minutes, "minute");
}

export interface LengthItem {
  label: string;
  description: string;
  minutes: number;
}

/** The length choices: the usual lengths and the default (marked), each with the time it would end. */
export function lengthItems(defaultMinutes: number, now: Date): LengthItem[] {
  const all = [...new Set([...LENGTHS, Math.round(defaultMinutes)])].sort((a, b) => a - b);
  return all.map((m) => ({
    label: minutesText(m),
    description: `until ${clockTime(new Date(now.getTime() + m * 60_000))}${m === Math.round(defaultMinutes) ? " · your default" : ""}`,
    minutes: m,
  }));
}

/** A length typed by hand ("50", "50 min", "1h", "1:30"): minutes, or undefined when it is not one (1–600). */
export function parseMinutes(text: string): number | undefined {
  const t = text.trim().toLowerCase();
  let m: number | undefined;
  const hm = /^(\d+):(\d{1,2})$/.exec(t);
  const h = /^(\d+(?:\.\d+)?)\s*h(?:ours?)?$/.exec(t);
  const mins = /^(\d+)\s*(?:m|min|mins|minutes?)?$/.exec(t);
  if (hm) m = Number(hm[1]) * 60 + Number(hm[2]);
  else if (h) m = Math.round(Number(h[1]) * 60);
  else if (mins) m = Number(mins[1]);
  return m !== undefined && m >= 1 && m <= 600 ? m : undefined;
}

/** The message when a block starts: until when, on what, and what was switched off. */
export function startedMessage(task: string | null, end: Date, switchedOff: string[]): string {
  const on = task ? ` on "${task}"` : "";
  const off = switchedOff.length
    ? `Switched off until then: ${listing(switchedOff.map(settingLabel))}; they come back as they were when it ends.`
    : "No AI setting of this editor needed switching off.";
  return `No-AI block${on} until ${clockTime(end)}. ${off}`;
}

/** Asked before a block is stopped early. */
export function stopQuestion(secondsLeft: number, end: Date): string {
  const left = Math.ceil(secondsLeft / 60);
  return `End the no-AI block now? It has ${plural(left, "minute")} left (until ${clockTime(end)}). ` +
    "Your AI settings come back as they were.";
}

/** When the user turned an AI setting back on during a block (ownwise switched it off again). */
export function turnedBackOnMessage(keys: string[], end: Date): string {
  const what = listing(keys.map(settingLabel));
  return `You turned ${what} back on during your no-AI block (until ${clockTime(end)}). ownwise switched ` +
    `${keys.length === 1 ? "it" : "them"} off again; end the block to have AI back now.`;
}
