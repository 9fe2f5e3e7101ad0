// What the hover on an AI line says (pure: tested with node:test).
import type { AttributedRange } from "./protocol";

const KINDS: Record<string, string> = {
  inline: "inline completion",
  chat: "chat edit",
  agent: "coding agent",
  suspected: "suspected (a large insert with no hint)",
};

const STATES: Record<string, string> = {
  explained: "explained",
  cannot: "you could not explain it yet",
  pending: "not explained yet",
};

/** The range holding a 0-based line, if any. */
export function rangeAt(ranges: readonly AttributedRange[], line: number): AttributedRange | undefined {
  return ranges.find((r) => r.startLine <= line && line <= r.endLine);
}

/** A local date and time, to the minute: "2026-12-02 10:15". */
export function when(iso: string | null, offsetMinutes = -new Date().getTimezoneOffset()): string | undefined {
  if (!iso) return undefined;
  const t = Date.parse(iso);
  if (Number.isNaN(t)) return undefined;
  const d = new Date(t + offsetMinutes * 60000);
  return d.toISOString().slice(0, 16).replace("T", " ");
}

/** The hover's Markdown: what wrote the line, with what, when, and whether it was explained. */
export function hoverMarkdown(r: AttributedRange, offsetMinutes?: number): string {
  const who = r.type === "mixed" ? "AI code, edited by hand" : "AI code";
  const parts = [r.kind ? KINDS[r.kind] ?? r.kind : undefined, r.tool ?? undefined].filter(Boolean);
  const head = `**ownwise** · ${who}${parts.length ? ` · ${parts.join(" · ")}` : ""}`;
  const lines = r.startLine === r.endLine ? `line ${r.startLine + 1}` : `lines ${r.startLine + 1}–${r.endLine + 1}`;
  const at = when(r.when, offsetMinutes);
  const state = r.explained ? STATES[r.explained] ?? r.explained : "explained state unknown";
  const from = r.commit ? `from the record of commit \`${r.commit.slice(0, 8)}\`` : "seen in this editor";
  return `${head}\n\n${lines}${at ? ` · ${at}` : ""} · **${state}** · ${from}`;
}
