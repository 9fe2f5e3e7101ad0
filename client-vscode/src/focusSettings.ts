// Switching AI off for a no-AI block and putting every setting back exactly: pure,
// unit-tested (test/focusSettings.test.ts). The extension reads settings with
// WorkspaceConfiguration.inspect and writes with update(key, value, target).

export type Scope = "global" | "workspace" | "workspaceFolder";

/** What inspect(key) said, per scope; a missing property means "not set there". */
export interface Inspected {
  key: string;
  globalValue?: unknown;
  workspaceValue?: unknown;
  workspaceFolderValue?: unknown;
}

/** One scope's value before the block: set (with its value) or unset. */
export interface ScopeValue {
  set: boolean;
  value?: unknown;
}

export interface Saved {
  key: string;
  global: ScopeValue;
  workspace: ScopeValue;
  workspaceFolder: ScopeValue;
}

export interface Write {
  key: string;
  scope: Scope;
  /** undefined removes the setting from that scope. */
  value: unknown;
}

export const BUILT_IN_KEYS = ["editor.inlineSuggest.enabled", "github.copilot.enable", "chat.disableAIFeatures"];

/** The value that means "AI off" for a setting. */
export function offValue(key: string): unknown {
  if (key === "chat.disableAIFeatures") return true;
  if (key === "github.copilot.enable") return { "*": false };
  return false;
}

export function keysFor(extra: string[]): string[] {
  return [...new Set([...BUILT_IN_KEYS, ...extra.filter((k) => typeof k === "string" && k.trim() !== "")])];
}

function scopeValue(v: unknown): ScopeValue {
  return v === undefined ? { set: false } : { set: true, value: v };
}

export function snapshot(inspected: Inspected[]): Saved[] {
  return inspected.map((i) => ({
    key: i.key,
    global: scopeValue(i.globalValue),
    workspace: scopeValue(i.workspaceValue),
    workspaceFolder: scopeValue(i.workspaceFolderValue),
  }));
}

/**
 * Writes that switch AI off: the off value at the user (global) scope, and at every
 * narrower scope where the key is set (else that value would win over ours).
 */
export function offWrites(inspected: Inspected[], hasWorkspace: boolean): Write[] {
  const out: Write[] = [];
  for (const i of inspected) {
    const off = offValue(i.key);
    out.push({ key: i.key, scope: "global", value: off });
    if (hasWorkspace && i.workspaceValue !== undefined) out.push({ key: i.key, scope: "workspace", value: off });
    if (hasWorkspace && i.workspaceFolderValue !== undefined) {
      out.push({ key: i.key, scope: "workspaceFolder", value: off });
    }
  }
  return out;
}

/** Writes that put back exactly what was there: each scope's old value, or unset. */
export function restoreWrites(saved: Saved[], hasWorkspace: boolean): Write[] {
  const out: Write[] = [];
  for (const s of saved) {
    out.push({ key: s.key, scope: "global", value: s.global.set ? s.global.value : undefined });
    if (hasWorkspace) {
      out.push({ key: s.key, scope: "workspace", value: s.workspace.set ? s.workspace.value : undefined });
      out.push({
        key: s.key,
        scope: "workspaceFolder",
        value: s.workspaceFolder.set ? s.workspaceFolder.value : undefined,
      });
    }
  }
  return out;
}

function same(a: unknown, b: unknown): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/** During a block: scopes where something turned a key back on; their off writes. */
export function drift(inspected: Inspected[], hasWorkspace: boolean): Write[] {
  return offWrites(inspected, hasWorkspace).filter((w) => {
    const i = inspected.find((x) => x.key === w.key)!;
    const now = w.scope === "global" ? i.globalValue : w.scope === "workspace" ? i.workspaceValue : i.workspaceFolderValue;
    return !same(now, w.value);
  });
}
