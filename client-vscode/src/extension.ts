// ownwise for VS Code: starts the Python server, senses where edits come from,
// shows the file's class and pending prompts, the explain UI, the weekly report and focus mode.
import * as path from "node:path";
import * as vscode from "vscode";
import {
  CloseAction,
  ErrorAction,
  LanguageClient,
  State,
  type LanguageClientOptions,
  type ServerOptions,
} from "vscode-languageclient/node";
import { checkAgentHooks } from "./agentHooksOffer";
import { Attribution } from "./attribution";
import { ExplainView } from "./explainView";
import { FocusMode } from "./focus";
import type { Commands, OwnershipSetArgs, Status } from "./protocol";
import { statusTooltip } from "./statusText";
import { PythonError, resolvePython } from "./python";
import { ReportView } from "./reportView";
import { command, onNotification, request } from "./rpc";
import { Sensor } from "./sensing";


const MAX_RESTARTS = 4;

/** The workspace's files (not the user's settings.json and the like), untitled buffers, and
 * ownwise's own explanation and reflection documents (read back on save). */
function documentSelector(): { scheme: string; pattern?: string }[] {
  const folders = vscode.workspace.workspaceFolders ?? [];
  const files = folders.length
    ? folders.map((f) => ({ scheme: "file", pattern: `${f.uri.fsPath.replace(/[\\[\]{}*?]/g, "\\$&")}/**` }))
    : [{ scheme: "file" }];
  return [...files, { scheme: "untitled" }, { scheme: "file", pattern: "**/explanations/*.md" }];
}

class Ownwise implements vscode.Disposable {
  client: LanguageClient | undefined;
  private readonly log = vscode.window.createOutputChannel("Ownwise", { log: true });
  private readonly item = vscode.window.createStatusBarItem("ownwise.status", vscode.StatusBarAlignment.Right, 100);
  private readonly statuses = new Map<string, Status>();
  private readonly sensor = new Sensor(this.log);
  private readonly focus: FocusMode;
  private readonly explain: ExplainView;
  private readonly report: ReportView;
  private readonly attribution: Attribution;
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;
  private restarts = 0;
  private dataDir: string | undefined;
  private databasePath: string | undefined;

  constructor(private readonly ctx: vscode.ExtensionContext) {
    this.focus = new FocusMode(ctx, this.log, () => this.render());
    this.explain = new ExplainView(() => this.client, this.log, () => this.render());
    this.report = new ReportView(() => this.client, this.log);
    this.attribution = new Attribution(() => this.client, this.log);
    this.item.name = "Ownwise";
    this.item.command = "ownwise.ownership.pick";
    this.disposables.push(
      this.log,
      this.item,
      this.sensor,
      this.focus,
      this.report,
      this.attribution,
      vscode.window.onDidChangeActiveTextEditor(() => this.render()),
      vscode.commands.registerCommand("ownwise.focus.toggle", () => this.toggleFocus()),
      vscode.commands.registerCommand("ownwise.session.endAndExplain", () => this.endSession()),
      vscode.commands.registerCommand("ownwise.explain.pending", () => this.explain.show()),
      vscode.commands.registerCommand("ownwise.report.show", (weeks?: unknown) => this.report.show(weeks)),
      vscode.commands.registerCommand("ownwise.ownership.pick", () => this.pickClass()),
      vscode.commands.registerCommand("ownwise.showLogs", () => this.log.show()),
      vscode.commands.registerCommand("ownwise.openDataFolder", () => this.openDataFolder()),
    );
  }

  async start(): Promise<void> {
    let python: string;
    try {
      python = await resolvePython(this.ctx, this.log);
    } catch (e) {
      const msg = e instanceof PythonError ? e.message : `ownwise could not start its server: ${(e as Error).message}`;
      this.log.error(msg);
      const pick = await vscode.window.showErrorMessage(msg, "Set Python Path", "Show Logs");
      if (pick === "Set Python Path") void vscode.commands.executeCommand("workbench.action.openSettings", "ownwise.server.pythonPath");
      if (pick === "Show Logs") this.log.show();
      return;
    }
    this.log.info(`starting the server with ${python}`);
    void checkAgentHooks(this.ctx, python, this.log);
    const serverOptions: ServerOptions = { command: python, args: ["-m", "ownwise", "serve"], options: { env: process.env } };
    const clientOptions: LanguageClientOptions = {
      documentSelector: documentSelector(),
      outputChannel: this.log,
      initializationOptions: vscode.workspace.getConfiguration().get("ownwise") ?? {},
      synchronize: { configurationSection: "ownwise" },
      errorHandler: {
        error: () => ({ action: ErrorAction.Continue }),
        closed: () => {
          if (this.stopping) return { action: CloseAction.DoNotRestart, handled: true };
          this.restarts += 1;
          if (this.restarts > MAX_RESTARTS) {
            return {
              action: CloseAction.DoNotRestart,
              message: `ownwise: the server stopped ${this.restarts} times and is not restarted again. See Ownwise: Show Logs, then reload the window.`,
            };
          }
          this.log.warn(`the server stopped; restarting it (${this.restarts}/${MAX_RESTARTS})`);
          void vscode.window.showWarningMessage(
            `ownwise: the server stopped and was restarted (${this.restarts}/${MAX_RESTARTS}).`,
          );
          return { action: CloseAction.Restart, handled: true };
        },
      },
      middleware: {
        didChange: this.sensor.didChange,
        window: {
          showDocument: async (params, token, next) => {
            // the session-end "Explain now": our webview instead of the Markdown document
            if (this.dataDir && /\/explain-[^/]*\.md$/.test(params.uri) && vscode.Uri.parse(params.uri).fsPath.startsWith(this.dataDir)) {
              await this.explain.show();
              return { success: true };
            }
            return next(params, token);
          },
        },
      },
    };
    const client = new LanguageClient("ownwise", "ownwise", serverOptions, clientOptions);
    this.client = client;
    this.sensor.attach(client);
    this.focus.attach(client);
    onNotification(client, "ownwise/status", (s) => {
      this.statuses.set(s.uri, s);
      this.render();
    });
    onNotification(client, "ownwise/focusChanged", (p) => void this.focus.changed(p));
    client.onDidChangeState((e) => {
      if (e.newState === State.Running) {
        this.render();
        this.attribution.reset();
      }
    });
    try {
      await client.start();
    } catch (e) {
      this.log.error(`the server did not start: ${(e as Error).message}`);
      void vscode.window.showErrorMessage("ownwise: the server did not start. See Ownwise: Show Logs.");
      return;
    }
    try {
      const info = await request(client, "ownwise/serverInfo", {});
      this.dataDir = info.dataDir;
      this.databasePath = info.databasePath;
    } catch {
      this.dataDir = undefined;
    }
    await this.focus.recover();
    this.timer = setInterval(() => this.focus.active && this.render(), 1000);
    this.render();
  }

  private stopping = false;

  async stop(): Promise<void> {
    this.stopping = true;
    if (this.timer) clearInterval(this.timer);
    // the server ends a running block at shutdown: give the settings back now
    if (this.focus.active) await this.focus.restore().catch(() => undefined);
    await this.client?.stop();
  }

  private async command<C extends keyof Commands>(name: C, ...args: Commands[C]["arguments"]): Promise<Commands[C]["result"] | undefined> {
    if (!this.client) {
      void vscode.window.showWarningMessage("ownwise: the server is not running. See Ownwise: Show Logs.");
      return undefined;
    }
    return command(this.client, name, ...args);
  }

  private async endSession(): Promise<void> {
    const r = await this.command("ownwise.session.end");
    if (r && !r.ended) void vscode.window.showInformationMessage("ownwise: no coding session is running.");
    else if (r && r.prompts === 0) {
      void vscode.window.showInformationMessage("ownwise: session ended. No AI code from it needs explaining.");
    }
  }

  private async toggleFocus(): Promise<void> {
    const status = await this.command("ownwise.focus.status");
    if (status?.active) {
      await this.command("ownwise.focus.stop");
      return;
    }
    const task = await vscode.window.showInputBox({
      title: "Start a no-AI block",
      prompt: "What will you work on? (optional; Escape cancels)",
      placeHolder: "e.g. the retry logic in the HTTP client",
    });
    if (task === undefined) return;
    await this.command("ownwise.focus.start", task ? { task } : {});
  }

  private async pickClass(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor || editor.document.uri.scheme !== "file") return;
    const items = [
      { label: "core", description: "debugging, architecture, design, performance: own the thinking" },
      { label: "repeatable", description: "CRUD, test scaffolding, common algorithms: use AI, then reproduce" },
      { label: "transient", description: "one-off scripts, boilerplate, config: use AI freely" },
      { label: "Use the rules", description: "remove this file's override" },
    ];
    const pick = await vscode.window.showQuickPick(items, { title: "Ownership class for this file" });
    if (!pick) return;
    const cls = pick.label === "Use the rules" ? null : (pick.label as OwnershipSetArgs["class"]);
    await this.command("ownwise.ownership.set", { uri: editor.document.uri.toString(), class: cls });
  }

  private async openDataFolder(): Promise<void> {
    if (!this.dataDir) return;
    const target = vscode.Uri.file(this.databasePath ?? path.join(this.dataDir, "ownwise.db"));
    if (vscode.env.remoteName || vscode.env.uiKind === vscode.UIKind.Web) {
      // no OS file manager next to a remote or web workbench: show the folder in the explorer
      await vscode.commands.executeCommand("revealInExplorer", target);
      void vscode.window.showInformationMessage(`ownwise keeps its data in ${this.dataDir}`);
      return;
    }
    await vscode.commands.executeCommand("revealFileInOS", target);
  }

  render(): void {
    const editor = vscode.window.activeTextEditor;
    const s = editor ? this.statuses.get(editor.document.uri.toString()) : undefined;
    const parts: string[] = [];
    if (s) {
      parts.push(`$(person) ${s.ownershipClass}`);
      if (s.aiLines) parts.push(`${s.aiLines} AI`);
    }
    const pending = s?.pendingPrompts ?? [...this.statuses.values()][0]?.pendingPrompts ?? 0;
    if (pending) parts.push(`${pending} to explain`);
    const left = this.focus.remainingSeconds();
    if (this.focus.active && left !== undefined) {
      const mm = Math.floor(left / 60).toString().padStart(2, "0");
      const ss = (left % 60).toString().padStart(2, "0");
      parts.push(`$(eye-closed) No-AI ${mm}:${ss}`);
    }
    if (!parts.length) {
      this.item.hide();
      return;
    }
    this.item.text = parts.join(" · ");
    if (s) {
      const tip = new vscode.MarkdownString(statusTooltip(s, pending));
      tip.isTrusted = { enabledCommands: ["ownwise.ownership.pick"] };
      this.item.tooltip = tip;
    } else {
      this.item.tooltip = "ownwise";
    }
    this.item.show();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

let instance: Ownwise | undefined;

export async function activate(ctx: vscode.ExtensionContext): Promise<void> {
  instance = new Ownwise(ctx);
  ctx.subscriptions.push(instance);
  await instance.start();
}

export async function deactivate(): Promise<void> {
  await instance?.stop();
}
