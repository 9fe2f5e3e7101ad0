// The weekly report: ownwise/report's HTML in one webview panel (no scripts, no resources). The panel
// comes back after a window reload (a WebviewPanelSerializer), rebuilt.
import * as vscode from "vscode";
import { State, type LanguageClient } from "vscode-languageclient/node";
import { describeError, reportHtml, reportParams } from "./reportRequest";
import { request } from "./rpc";

const NOT_RUNNING = "ownwise: the server is not running. See Ownwise: Show Logs.";

export const REPORT_VIEW = "ownwise.report";

export class ReportView implements vscode.WebviewPanelSerializer, vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private readonly registration: vscode.Disposable;

  constructor(
    private readonly getClient: () => LanguageClient | undefined,
    private readonly log: vscode.LogOutputChannel,
    /** resolves once the server runs (or has failed to start: then undefined) */
    private readonly ready: Promise<LanguageClient | undefined> = Promise.resolve(undefined),
  ) {
    this.registration = vscode.window.registerWebviewPanelSerializer(REPORT_VIEW, this);
  }

  private adopt(panel: vscode.WebviewPanel): vscode.WebviewPanel {
    this.panel = panel;
    panel.onDidDispose(() => (this.panel = undefined));
    return panel;
  }

  /** A window reload brought the panel back: build the report into it again once the server runs. */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel): Promise<void> {
    panel.webview.options = { enableScripts: false, localResourceRoots: [] };
    this.adopt(panel);
    panel.webview.html = "<!DOCTYPE html><html><body><p>Building the report…</p></body></html>";
    if (await this.ready) await this.show();
  }

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
    const panel = this.panel ?? this.adopt(vscode.window.createWebviewPanel(REPORT_VIEW, "Ownwise Report", vscode.ViewColumn.Active, {
      enableScripts: false,
      localResourceRoots: [],
    }));
    panel.webview.html = html;
    panel.reveal();
    this.log.info(`report: ${params.weeks} weeks shown`);
  }

  dispose(): void {
    this.registration.dispose();
  }
}
