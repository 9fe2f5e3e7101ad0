// The explain UI: a webview listing pending prompts (and those marked "can't explain yet"); answers go to
// ownwise/answerPrompt. The panel comes back after a window reload (a WebviewPanelSerializer).
import { randomBytes } from "node:crypto";
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { renderPage } from "./explainHtml";
import type { AnswerPromptParams } from "./protocol";
import { request } from "./rpc";

export const EXPLAIN_VIEW = "ownwise.explain";

export class ExplainView implements vscode.WebviewPanelSerializer, vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private readonly registration: vscode.Disposable;

  constructor(
    private readonly getClient: () => LanguageClient | undefined,
    private readonly log: vscode.LogOutputChannel,
    private readonly afterAnswer: () => void,
    /** resolves once the server runs (or has failed to start: then undefined) */
    private readonly ready: Promise<LanguageClient | undefined>,
  ) {
    this.registration = vscode.window.registerWebviewPanelSerializer(EXPLAIN_VIEW, this);
  }

  private adopt(panel: vscode.WebviewPanel): vscode.WebviewPanel {
    this.panel = panel;
    panel.onDidDispose(() => (this.panel = undefined));
    panel.webview.onDidReceiveMessage((m) => this.message(m));
    return panel;
  }

  /** A window reload brought the panel back: fill it again once the server runs. */
  async deserializeWebviewPanel(panel: vscode.WebviewPanel): Promise<void> {
    panel.webview.options = { enableScripts: true };
    this.adopt(panel);
    panel.webview.html = "<!DOCTYPE html><html><body><p>Loading the prompts…</p></body></html>";
    if (await this.ready) await this.show(false);
  }

  async show(reveal = true): Promise<void> {
    const client = this.getClient();
    if (!client) return;
    const { prompts, cannotExplain } = await request(client, "ownwise/pendingPrompts", {});
    const panel = this.panel ?? this.adopt(vscode.window.createWebviewPanel(EXPLAIN_VIEW, "Ownwise: Explain", vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
    }));
    const config = vscode.workspace.getConfiguration("ownwise");
    const hints = { idleMinutes: config.get<number>("session.idleMinutes") ?? 20, minLines: config.get<number>("prompts.minLines") ?? 3 };
    const nonce = randomBytes(16).toString("hex");
    panel.webview.html = renderPage(prompts, nonce, panel.webview.cspSource, cannotExplain ?? [], hints);
    if (reveal) panel.reveal();
  }

  private async message(m: any): Promise<void> {
    const client = this.getClient();
    if (!client || !this.panel) return;
    try {
      if (m.type === "open") {
        const doc = await vscode.workspace.openTextDocument(vscode.Uri.parse(m.uri));
        const pos = new vscode.Position(m.line, 0);
        await vscode.window.showTextDocument(doc, { viewColumn: vscode.ViewColumn.Beside, selection: new vscode.Range(pos, pos) });
      } else if (m.type === "skip") {
        await request(client, "ownwise/skipPrompt", { id: m.id });
        void this.panel.webview.postMessage({ id: m.id, accepted: true, feedback: "Skipped.", label: "skipped" });
        this.afterAnswer();
      } else if (m.type === "answer") {
        const params: AnswerPromptParams = { id: m.id, text: m.text ?? "", cannotExplain: !!m.cannotExplain };
        if (m.understanding) params.understanding = m.understanding;
        if (m.rating) params.rating = m.rating;
        const r = await request(client, "ownwise/answerPrompt", params);
        const label = r.status === "cannotExplain" ? "can't explain yet" : "saved";
        void this.panel.webview.postMessage({ id: m.id, accepted: r.accepted, feedback: r.feedback, label });
        if (r.accepted) this.afterAnswer();
      }
    } catch (e) {
      this.log.error(`explain view: ${(e as Error).message}`);
      void this.panel.webview.postMessage({ id: m.id, accepted: false, feedback: `ownwise: ${(e as Error).message}` });
    }
  }

  dispose(): void {
    this.registration.dispose();
  }
}
