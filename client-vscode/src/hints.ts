// Which ownwise/editHint a document change gets: pure, unit-tested (test/hints.test.ts).
// The extension gathers the facts on the change path and sends the hint before
// the didChange (languageclient middleware), so the server attributes exactly.

import type { ChatVerdict } from "./chatEditing";
import type { EditKind } from "./protocol";

/** The kinds a hint can name (the server's EditKind; "human" is what no hint means). */
export type HintKind = Exclude<EditKind, "human">;

export interface Hint {
  kind: HintKind;
  source?: string;
}

/** An accept command (Tab, next word, next line) ran for this document. */
export interface PendingAccept {
  kind: "inlineCompletion" | "inlineCompletionPartial";
  source?: string;
  at: number; // ms
}

export interface ChangeFacts {
  /** TextDocumentChangeReason: 1 undo, 2 redo, undefined otherwise. */
  reason: number | undefined;
  /** The inserted text of every content change, joined. */
  inserted: string;
  pendingAccept?: PendingAccept;
  /** For a change of a document a chat or agent session holds: whose it is (see chatEditing.ts). */
  chat?: ChatVerdict;
  /** Until when changes count as formatting (ms): format on save, format commands. */
  formattingUntil?: number;
  /** Whether the document was dirty before this change, and is after it. */
  wasDirty: boolean;
  isDirty: boolean;
  now: number;
}

export const ACCEPT_WINDOW_MS = 2000;

/** The hint of the change's own reason or of an accept command, which nothing else overrides. */
function firstSigns(f: ChangeFacts): Hint | null {
  if (f.reason === 1) return { kind: "undo" };
  if (f.reason === 2) return { kind: "redo" };
  const a = f.pendingAccept;
  if (a && f.now - a.at <= ACCEPT_WINDOW_MS && f.inserted.length > 0) {
    return a.source ? { kind: a.kind, source: a.source } : { kind: a.kind };
  }
  return null;
}

/** Whether a change of a document a chat session holds must wait for the chat verdict first. */
export function wantsChatVerdict(f: ChangeFacts, held: boolean): boolean {
  return held && f.inserted.trim() !== "" && firstSigns(f) === null;
}

/**
 * Whether a change that leaves a clean document clean must wait before it is called a reload:
 * VS Code reports the document clean on the first edit after it was opened or saved, and
 * marks it dirty just after.
 */
export function wantsDirtySettle(f: ChangeFacts): boolean {
  const chat = f.chat === "chat" || f.chat === "restore";
  return !f.wasDirty && !f.isDirty && f.inserted.length > 0 && firstSigns(f) === null && !chat;
}

/** The hint decided without the clipboard; "clipboard" means: compare with it first. */
export function decide(f: ChangeFacts): Hint | "clipboard" | null {
  const first = firstSigns(f);
  if (first) return first;
  if (f.chat === "chat" && f.inserted.trim() !== "") return { kind: "chatEdit" };
  if (f.chat === "restore") return { kind: "undo" };
  if (f.formattingUntil !== undefined && f.now <= f.formattingUntil) return { kind: "format" };
  if (!f.wasDirty && !f.isDirty && f.inserted.length > 0) return { kind: "externalReload" };
  if (worthClipboard(f.inserted)) return "clipboard";
  return null;
}

/** Reading the clipboard is async: only for inserts that could be a paste worth telling apart. */
export function worthClipboard(inserted: string): boolean {
  return inserted.trim().length >= 2;
}

/** The final hint once the clipboard text is known. */
export function withClipboard(inserted: string, clipboard: string | undefined): Hint | null {
  if (clipboard === undefined || clipboard === "") return null;
  const norm = (s: string) => s.replace(/\r\n/g, "\n");
  return norm(inserted) === norm(clipboard) ? { kind: "paste" } : null;
}

/** Known AI extensions, to name the source of an inline completion when exactly one is active. */
export const KNOWN_AI_EXTENSIONS = [
  "github.copilot",
  "github.copilot-chat",
  "codeium.codeium",
  "supermaven.supermaven",
  "tabnine.tabnine-vscode",
  "continue.continue",
  "amazonwebservices.amazon-q-vscode",
];

export function inlineSource(activeExtensionIds: string[], configured: string | undefined): string | undefined {
  if (configured) return configured;
  const ids = new Set(activeExtensionIds.map((s) => s.toLowerCase()));
  const found = KNOWN_AI_EXTENSIONS.filter((id) => ids.has(id) && id !== "github.copilot-chat");
  return found.length === 1 ? found[0] : undefined;
}
