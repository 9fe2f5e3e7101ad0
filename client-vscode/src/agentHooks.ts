// The coding agents' hooks at start-up: `ownwise hooks status --json` with the server's Python;
// entries that point at an ownwise that is gone, or use the old unguarded command, get one
// "Repair agent hooks" offer (`ownwise hooks repair`). The pure part (what is stale, the message,
// the key that makes the offer once) is tested without VS Code (test/agentHooks.test.ts).

/** One row of `ownwise hooks status --json` (server/ownwise/hooks/installer.py: status). */
export interface HookRow {
  agent: string;
  scope: string;
  path: string;
  installed: boolean;
  error: string | null;
  launchers: string[];
  missing: string[];
  unguarded: boolean;
  stale: boolean;
}

const AGENT_NAMES: Record<string, string> = {
  "claude-code": "Claude Code",
  codex: "Codex",
  cursor: "Cursor",
  copilot: "Copilot CLI",
};

/** The rows whose entries `ownwise hooks repair` would rewrite. */
export function staleRows(rows: unknown): HookRow[] {
  if (!Array.isArray(rows)) return [];
  return rows.filter((r): r is HookRow => !!r && typeof r === "object" && (r as HookRow).stale === true);
}

/** What the offer says: how many configs, whose, and why. */
export function offerMessage(stale: HookRow[]): string {
  const who = [...new Set(stale.map((r) => `${AGENT_NAMES[r.agent] ?? r.agent} (${r.scope})`))].join(", ");
  const gone = stale.some((r) => r.missing.length > 0);
  const old = stale.some((r) => r.unguarded);
  const why = gone && old
    ? "run an ownwise that is no longer there or use the old unguarded command"
    : gone
      ? "run an ownwise that is no longer there"
      : "use the old unguarded command, which fails once its ownwise is gone";
  const n = stale.length;
  return `ownwise: the agent hooks in ${n} config ${n === 1 ? "file" : "files"} (${who}) ${why}.`;
}

/** The same stale entries are offered once; new ones (another file, another path) again. */
export function offerKey(stale: HookRow[]): string {
  return stale
    .map((r) => [r.agent, r.scope, r.path, r.missing.join(","), r.unguarded ? "u" : ""].join("|"))
    .sort()
    .join("\n");
}

/** "Repaired 2 agent hook config files." from `ownwise hooks repair`'s lines. */
export function repairedMessage(stdout: string): string {
  const n = stdout.split("\n").filter((l) => /: repaired — /.test(l)).length;
  if (n === 0) return "ownwise: no agent hook needed repairing.";
  return `ownwise: repaired the agent hooks in ${n} config ${n === 1 ? "file" : "files"}.`;
}
