// No-AI focus mode in the editor: switch every AI setting off when a block starts,
// put each back exactly when it ends (also after a crash), and re-apply "off" if
// something turns one back on during the block.
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { drift, keysFor, offWrites, restoreWrites, snapshot, type Inspected, type Saved, type Write } from "./focusSettings";
import type { FocusChanged } from "./protocol";
import { command, request } from "./rpc";

const STATE_KEY = "ownwise.focus.saved";
const SERVER_KEY = "vscode.focus.saved";

export type { FocusChanged };

function target(scope: Write["scope"]): vscode.ConfigurationTarget {
  return scope === "global"
    ? vscode.ConfigurationTarget.Global
    : scope === "workspace"
      ? vscode.ConfigurationTarget.Workspace
      : vscode.ConfigurationTarget.WorkspaceFolder;
}

/** What the user is told about (focusUi.ts): a block that started here, and settings turned back on. */
export interface FocusEvents {
  /** a block began (not an update of the running one, not one recovered at start-up) */
  started(block: FocusChanged, switchedOff: string[]): void;
  /** the user turned these AI settings back on during the block; they were switched off again */
  turnedBackOn(keys: string[]): void;
}

export class FocusMode implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private applying = false;
  private readonly disposables: vscode.Disposable[] = [];
  active: FocusChanged | undefined;
  /** blocks that ended while this window ran (for the reflection view: task, length, violations) */
  readonly ended = new Map<string, FocusChanged>();
  events: FocusEvents | undefined;

  constructor(
    private readonly ctx: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    private readonly onChange: () => void,
  ) {
    this.disposables.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (!this.active || this.applying) return;
        if (this.keys().some((k) => e.affectsConfiguration(k))) void this.reapply();
      }),
    );
  }

  attach(client: LanguageClient): void {
    this.client = client;
  }

  /** The AI settings to switch: only those some installed extension (or VS Code) registers. */
  private keys(): string[] {
    const config = vscode.workspace.getConfiguration();
    return keysFor(vscode.workspace.getConfiguration("ownwise").get<string[]>("focus.extraSettings") ?? []).filter((k) => {
      const i = config.inspect(k);
      return i !== undefined && (i.defaultValue !== undefined || i.globalValue !== undefined || i.workspaceValue !== undefined);
    });
  }

  private hasWorkspace(): boolean {
    return vscode.workspace.workspaceFile !== undefined || (vscode.workspace.workspaceFolders?.length ?? 0) > 0;
  }

  private inspect(keys: string[]): Inspected[] {
    const config = vscode.workspace.getConfiguration();
    return keys.map((key) => {
      const i = config.inspect(key);
      return { key, globalValue: i?.globalValue, workspaceValue: i?.workspaceValue, workspaceFolderValue: i?.workspaceFolderValue };
    });
  }

  private async write(writes: Write[]): Promise<void> {
    const config = vscode.workspace.getConfiguration();
    this.applying = true;
    try {
      for (const w of writes) {
        if (w.scope === "workspaceFolder") continue; // folder scope needs a resource; see extraSettings docs
        try {
          await config.update(w.key, w.value, target(w.scope));
        } catch (e) {
          this.log.warn(`could not set ${w.key} (${w.scope}): ${(e as Error).message}`);
        }
      }
    } finally {
      this.applying = false;
    }
  }

  private saved(): Saved[] | undefined {
    return this.ctx.globalState.get<Saved[]>(STATE_KEY);
  }

  private async remember(saved: Saved[] | undefined): Promise<void> {
    await this.ctx.globalState.update(STATE_KEY, saved);
    try {
      if (this.client) await request(this.client, "ownwise/clientState", { key: SERVER_KEY, value: saved ?? null });
    } catch (e) {
      this.log.warn(`could not keep the focus settings in the server database: ${(e as Error).message}`);
    }
  }

  /** ownwise/focusChanged from the server. */
  async changed(params: FocusChanged): Promise<void> {
    if (params.active) {
      const update = this.active?.id === params.id; // extended (here or in another window): no new start
      this.active = params;
      if (update) {
        this.log.info(`no-AI block ${params.id}: now ${params.plannedMinutes} minutes`);
      } else {
        const off = await this.switchOff();
        this.events?.started(params, off);
      }
    } else {
      this.active = undefined;
      this.ended.set(params.id, params);
      await this.restore();
      if (params.violations) {
        this.log.info(`no-AI block ${params.id}: ${params.violations} AI ${params.violations === 1 ? "edit" : "edits"} recorded`);
      }
    }
    this.onChange();
  }

  private async serverCopy(): Promise<Saved[] | undefined> {
    try {
      if (!this.client) return undefined;
      const r = await request(this.client, "ownwise/clientState", { key: SERVER_KEY });
      return (r.value as Saved[] | null) ?? undefined; // what remember() stored
    } catch {
      return undefined;
    }
  }

  /** Switch every AI setting off; the keys switched (those VS Code or an installed extension knows). */
  private async switchOff(): Promise<string[]> {
    const keys = this.keys();
    if (!this.saved()) {
      // saved first, so a crash now still restores; never over a copy the server kept
      const kept = await this.serverCopy();
      await this.remember(kept && kept.length ? kept : snapshot(this.inspect(keys)));
    }
    await this.write(offWrites(this.inspect(keys), this.hasWorkspace()));
    this.log.info(`no-AI block: switched off ${keys.join(", ")}`);
    return keys;
  }

  private async reapply(): Promise<void> {
    // another window may have ended the block and be restoring: ask before switching off again
    try {
      if (!this.client) return;
      const status = await command(this.client, "ownwise.focus.status");
      if (!status.active) return;
    } catch {
      return;
    }
    const writes = drift(this.inspect(this.keys()), this.hasWorkspace());
    if (writes.length) {
      const keys = [...new Set(writes.map((w) => w.key))];
      this.log.info(`no-AI block: ${keys.join(", ")} turned back on; switching off again`);
      await this.write(writes);
      this.events?.turnedBackOn(keys);
    }
  }

  async restore(): Promise<void> {
    const saved = this.saved() ?? (await this.serverCopy());
    if (!saved || saved.length === 0) return;
    await this.write(restoreWrites(saved, this.hasWorkspace()));
    await this.remember(undefined);
    this.log.info("no-AI block over: settings restored");
  }

  /** At start-up, after a crash mid-block: restore unless a block still runs. */
  async recover(): Promise<void> {
    if (!this.client) return;
    try {
      const status = await command(this.client, "ownwise.focus.status");
      if (status.active && status.id) {
        this.active = {
          active: true,
          id: status.id,
          startedAt: status.startedAt ?? "",
          plannedMinutes: status.plannedMinutes ?? 0,
          task: status.task ?? null,
        };
        await this.switchOff();
      } else {
        this.active = undefined;
        await this.restore();
      }
      this.onChange();
    } catch (e) {
      this.log.warn(`focus status at start-up failed: ${(e as Error).message}`);
    }
  }

  remainingSeconds(): number | undefined {
    const a = this.active;
    if (!a?.startedAt || !a.plannedMinutes) return undefined;
    const end = Date.parse(a.startedAt) + a.plannedMinutes * 60_000;
    return Math.max(0, Math.round((end - Date.now()) / 1000));
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
