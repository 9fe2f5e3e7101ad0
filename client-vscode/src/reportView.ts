// The weekly report: ownwise/report's HTML in one webview panel (no scripts, no resources).
import * as vscode from "vscode";
import { State, type LanguageClient } from "vscode-languageclient/node";
import { describeError, reportHtml, reportParams } from "./reportRequest";
import { request } from "./rpc";

const NOT_RUNNING = "ownwise: the server is not running. See Ownwise: Show Logs.";

export class ReportView implements vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;

  constructor(
    private readonly getClient: () => LanguageClient | undefined,
    private readonly log: vscode.LogOutputChannel,
  ) {}

  /** Builds the report (the argument's weeks, else ownwise.report.weeks) and shows it; the
   * panel is reused, so running the command again refreshes it. */
  async show(arg?: unknown): Promise<void> {
    const client = this.getClient();
    if (!client || client.state === State.Stopped) {
      void vscode.window.showWarningMessage(NOT_RUNNING);
      return;
    }
    const params = reportParams(arg, vscode.workspace.getConfiguration("ownwise").get("report.weeks"));
    let html: string;
    try {
      html = await vscode.window.withProgress(
        { location: vscode.ProgressLocation.Notification, title: "Ownwise: building the report…", cancellable: true },
        async (_progress, token) => {
          // cancelled: whatever comes back (the answer, or RequestCancelled) is not shown
          const result = await request(client, "ownwise/report", params, token).catch((e) => {
            throw token.isCancellationRequested ? new vscode.CancellationError() : e;
          });
          if (token.isCancellationRequested) throw new vscode.CancellationError();
          return reportHtml(result);
        },
      );
    } catch (e) {
      if (e instanceof vscode.CancellationError) return;
      const { message } = describeError(e);
      this.log.error(`report: ${(e as Error)?.message ?? String(e)}`);
      const pick = await vscode.window.showErrorMessage(message, "Show Logs");
      if (pick === "Show Logs") this.log.show();
      return;
    }
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel("ownwise.report", "Ownwise Report", vscode.ViewColumn.Active, {
        enableScripts: false,
        localResourceRoots: [],
      });
      this.panel.onDidDispose(() => (this.panel = undefined));
    }
    this.panel.webview.html = html;
    this.panel.reveal();
    this.log.info(`report: ${params.weeks} weeks shown`);
  }

  dispose(): void {
    this.panel?.dispose();
  }
}
