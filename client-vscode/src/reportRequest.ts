// The report command's pure parts: which weeks, the ownwise/report params, and what to say
// about the answer. No `vscode` import: unit-tested (test/reportRequest.test.ts).

export const MIN_WEEKS = 1;
export const MAX_WEEKS = 260;
export const DEFAULT_WEEKS = 8;

export interface ReportParams {
  weeks: number;
  format: "html";
  theme: "vscode";
}

export interface ReportResult {
  format?: string;
  html?: unknown;
  report?: unknown;
}

/** A usable week count from a command argument or a setting, or undefined: a finite number
 * (or a numeric string) rounded and clamped into 1..260. */
export function toWeeks(value: unknown): number | undefined {
  const n = typeof value === "string" && value.trim() !== "" ? Number(value) : value;
  if (typeof n !== "number" || !Number.isFinite(n)) return undefined;
  return Math.min(MAX_WEEKS, Math.max(MIN_WEEKS, Math.round(n)));
}

/** The weeks to show: the command's argument (a number, or `{weeks}`) when it has one,
 * else the setting `ownwise.report.weeks`, else 8. */
export function reportWeeks(arg: unknown, setting: unknown): number {
  const fromArg = arg !== null && typeof arg === "object" ? (arg as { weeks?: unknown }).weeks : arg;
  return toWeeks(fromArg) ?? toWeeks(setting) ?? DEFAULT_WEEKS;
}

export function reportParams(arg: unknown, setting: unknown): ReportParams {
  return { weeks: reportWeeks(arg, setting), format: "html", theme: "vscode" };
}

// vscode-jsonrpc's codes for a request that could not reach the server
const PENDING_RESPONSE_REJECTED = -32097;
const CONNECTION_INACTIVE = -32096;

/** What a failed request means for the user: the server is not there, or it refused. */
export function describeError(e: unknown): { notRunning: boolean; message: string } {
  const code = (e as { code?: unknown } | null)?.code;
  const text = e instanceof Error ? e.message : (e as { message?: unknown } | null)?.message;
  const detail = typeof text === "string" && text ? text : String(e);
  if (code === CONNECTION_INACTIVE || code === PENDING_RESPONSE_REJECTED) {
    return { notRunning: true, message: "ownwise: the server is not running. See Ownwise: Show Logs." };
  }
  return { notRunning: false, message: `ownwise: could not build the report: ${detail}` };
}

/** The document for the webview: the server's HTML, or an error if the answer has none. */
export function reportHtml(result: unknown): string {
  const html = (result as ReportResult | null)?.html;
  if (typeof html !== "string" || html.trim() === "") {
    throw new Error("the server sent no HTML report");
  }
  return html;
}
