// The explain UI: a webview listing pending prompts; answers go to ownwise/answerPrompt.
import { randomBytes } from "node:crypto";
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { renderPage } from "./explainHtml";
import type { AnswerPromptParams } from "./protocol";
import { request } from "./rpc";

export class ExplainView {
  private panel: vscode.WebviewPanel | undefined;

  constructor(
    private readonly getClient: () => LanguageClient | undefined,
    private readonly log: vscode.LogOutputChannel,
    private readonly afterAnswer: () => void,
  ) {}

  async show(): Promise<void> {
    const client = this.getClient();
    if (!client) return;
    const { prompts } = await request(client, "ownwise/pendingPrompts", {});
    if (!this.panel) {
      this.panel = vscode.window.createWebviewPanel("ownwise.explain", "Ownwise: Explain", vscode.ViewColumn.Active, {
        enableScripts: true,
        retainContextWhenHidden: true,
      });
      this.panel.onDidDispose(() => (this.panel = undefined));
      this.panel.webview.onDidReceiveMessage((m) => this.message(m));
    }
    const nonce = randomBytes(16).toString("hex");
    this.panel.webview.html = renderPage(prompts, nonce, this.panel.webview.cspSource);
    this.panel.reveal();
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
        void this.panel.webview.postMessage({ id: m.id, accepted: true, feedback: "Skipped." });
        this.afterAnswer();
      } else if (m.type === "answer") {
        const params: AnswerPromptParams = { id: m.id, text: m.text ?? "", cannotExplain: !!m.cannotExplain };
        if (m.understanding) params.understanding = m.understanding;
        if (m.rating) params.rating = m.rating;
        const r = await request(client, "ownwise/answerPrompt", params);
        void this.panel.webview.postMessage({ id: m.id, accepted: r.accepted, feedback: r.feedback });
        if (r.accepted) this.afterAnswer();
      }
    } catch (e) {
      this.log.error(`explain view: ${(e as Error).message}`);
      void this.panel.webview.postMessage({ id: m.id, accepted: false, feedback: `ownwise: ${(e as Error).message}` });
    }
  }
}
