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
import { blockEnd, FocusUi } from "./focusUi";
import type { Commands, OwnershipSetArgs, Status } from "./protocol";
import { statusView, TOOLTIP_COMMANDS } from "./statusText";
import { PythonError, resolvePython } from "./python";
import { ReflectView } from "./reflectView";
import { ReportView } from "./reportView";
import { command, onNotification, request } from "./rpc";
import { Sensor } from "./sensing";
import { openWalkthrough, statusMenu, welcomeOnce } from "./walkthrough";


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
  private readonly reflect: ReflectView;
  private readonly disposables: vscode.Disposable[] = [];
  private server: "starting" | "running" | "stopped" = "starting";
  /** resolves with the client once the server runs, or undefined when it could not start */
  private setReady!: (client: LanguageClient | undefined) => void;
  private readonly ready = new Promise<LanguageClient | undefined>((resolve) => (this.setReady = resolve));
  private timer: NodeJS.Timeout | undefined;
  private focusContext: boolean | undefined;
  private restarts = 0;
  private dataDir: string | undefined;
  private databasePath: string | undefined;

  constructor(private readonly ctx: vscode.ExtensionContext) {
    this.focus = new FocusMode(ctx, this.log, () => this.render());
    this.explain = new ExplainView(() => this.client, this.log, () => this.render(), this.ready);
    this.report = new ReportView(() => this.client, this.log, this.ready);
    this.reflect = new ReflectView(() => this.client, this.focus.ended, this.log, this.ready);
    this.attribution = new Attribution(() => this.client, this.log);
    this.item.name = "Ownwise";
    this.disposables.push(
      this.log,
      this.item,
      this.sensor,
      this.focus,
      new FocusUi(this.focus, () => this.client, this.log),
      this.explain,
      this.report,
      this.attribution,
      this.reflect,
      vscode.window.onDidChangeActiveTextEditor(() => this.render()),
      vscode.commands.registerCommand("ownwise.walkthrough", () => openWalkthrough()),
      vscode.commands.registerCommand("ownwise.status.menu", () => statusMenu(this.pending())),
      vscode.commands.registerCommand("ownwise.session.endAndExplain", () => this.endSession()),
      vscode.commands.registerCommand("ownwise.explain.pending", () => this.explain.show()),
      vscode.commands.registerCommand("ownwise.report.show", (weeks?: unknown) => this.report.show(weeks)),
      vscode.commands.registerCommand("ownwise.ownership.pick", () => this.pickClass()),
      vscode.commands.registerCommand("ownwise.showLogs", () => this.log.show()),
      vscode.commands.registerCommand("ownwise.openDataFolder", () => this.openDataFolder()),
    );
    this.render(); // the item shows from start-up, while the server starts
  }

  async start(): Promise<void> {
    void welcomeOnce(this.ctx, this.log);
    let python: string;
    try {
      python = await resolvePython(this.ctx, this.log);
    } catch (e) {
      this.stopped();
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
            // the reflection after a no-AI block: a webview too
            const reflect = /\/reflect-([^/]+)\.md$/.exec(params.uri);
            if (this.dataDir && reflect && vscode.Uri.parse(params.uri).fsPath.startsWith(this.dataDir)) {
              this.reflect.show(reflect[1]);
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
      this.server = e.newState === State.Running ? "running" : e.newState === State.Stopped ? "stopped" : "starting";
      this.render();
      if (e.newState === State.Running) {
        this.attribution.reset();
      }
    });
    try {
      await client.start();
    } catch (e) {
      this.log.error(`the server did not start: ${(e as Error).message}`);
      this.stopped();
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
    this.server = "running";
    this.setReady(client);
    this.render();
  }

  private stopped(): void {
    this.server = "stopped";
    this.setReady(undefined);
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
    else if (r && r.prompts === 0) void vscode.window.showInformationMessage(sessionEndedText(r.smallLines ?? 0, r.minLines ?? 3));
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

  private pending(): number {
    const editor = vscode.window.activeTextEditor;
    const s = editor ? this.statuses.get(editor.document.uri.toString()) : undefined;
    return s?.pendingPrompts ?? [...this.statuses.values()][0]?.pendingPrompts ?? 0;
  }

  render(): void {
    const editor = vscode.window.activeTextEditor;
    const status = editor ? this.statuses.get(editor.document.uri.toString()) : undefined;
    const active = this.focus.active;
    const left = this.focus.remainingSeconds();
    if (this.focusContext !== !!active) {
      // the palette shows Start or Stop/Extend (package.json menus.commandPalette)
      this.focusContext = !!active;
      void vscode.commands.executeCommand("setContext", "ownwise.focusActive", this.focusContext);
    }
    const block = active && left !== undefined ? { task: active.task, end: blockEnd(active), secondsLeft: left } : undefined;
    const view = statusView({ server: this.server, status, pending: this.pending(), block });
    this.item.text = view.text;
    const tip = new vscode.MarkdownString(view.tooltip, true);
    tip.isTrusted = { enabledCommands: TOOLTIP_COMMANDS };
    this.item.tooltip = tip;
    this.item.command = view.command;
    this.item.show();
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}

/** After Ownwise: End Session and Explain, when nothing is asked. */
export function sessionEndedText(smallLines: number, minLines: number): string {
  if (!smallLines) return "ownwise: session ended. It kept no AI code in core or repeatable files, so there is nothing to explain.";
  const lines = `${smallLines} ${smallLines === 1 ? "line" : "lines"}`;
  return `ownwise: session ended. Its AI code (${lines}) is in blocks under ${minLines} lines, which are not asked about ` +
    "and do not count as capability debt (setting ownwise.prompts.minLines).";
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
