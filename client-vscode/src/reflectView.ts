// The reflection after a no-AI block, as a webview like the explain view (instead of the Markdown document
// the server writes); answers go to ownwise/answerReflection. The panel comes back after a reload.
import { randomBytes } from "node:crypto";
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import type { FocusChanged } from "./protocol";
import { renderReflection } from "./reflectHtml";
import { request } from "./rpc";

export const REFLECT_VIEW = "ownwise.reflect";

export class ReflectView implements vscode.WebviewPanelSerializer, vscode.Disposable {
  private panel: vscode.WebviewPanel | undefined;
  private blockId = "";
  private readonly registration: vscode.Disposable;

  constructor(
    private readonly getClient: () => LanguageClient | undefined,
    private readonly ended: Map<string, FocusChanged>,
    private readonly log: vscode.LogOutputChannel,
    private readonly ready: Promise<LanguageClient | undefined>,
  ) {
    this.registration = vscode.window.registerWebviewPanelSerializer(REFLECT_VIEW, this);
  }

  private adopt(panel: vscode.WebviewPanel): vscode.WebviewPanel {
    this.panel = panel;
    panel.onDidDispose(() => (this.panel = undefined));
    panel.webview.onDidReceiveMessage((m) => this.message(m));
    return panel;
  }

  async deserializeWebviewPanel(panel: vscode.WebviewPanel, state: unknown): Promise<void> {
    const id = (state as { blockId?: unknown } | undefined)?.blockId;
    if (typeof id !== "string" || !id) {
      panel.dispose();
      return;
    }
    panel.webview.options = { enableScripts: true };
    this.adopt(panel);
    await this.ready;
    this.show(id);
  }

  /** Open (or refill) the panel for the block with this id. */
  show(blockId: string): void {
    this.blockId = blockId;
    const panel = this.panel ?? this.adopt(vscode.window.createWebviewPanel(REFLECT_VIEW, "Ownwise: Reflect", vscode.ViewColumn.Active, {
      enableScripts: true,
      retainContextWhenHidden: true,
    }));
    const b = this.ended.get(blockId);
    const nonce = randomBytes(16).toString("hex");
    panel.webview.html = renderReflection({ id: blockId, task: b?.task, minutes: b?.minutes, plannedMinutes: b?.plannedMinutes,
      violations: b?.violations }, nonce, panel.webview.cspSource);
    panel.reveal();
  }

  private async message(m: any): Promise<void> {
    const client = this.getClient();
    if (!this.panel) return;
    if (m.type === "later") {
      this.panel.dispose();
      void vscode.window.showInformationMessage("ownwise: reflect later with Ownwise: Reflect on the Last No-AI Block.");
      return;
    }
    if (!client) return;
    try {
      await request(client, "ownwise/answerReflection", {
        blockId: this.blockId, felt: m.felt ?? null, lookedUp: m.lookedUp ?? "", tookLonger: m.tookLonger ?? "",
        actualMinutes: m.actualMinutes ?? null, notes: m.notes ?? "",
      });
      void this.panel.webview.postMessage({ saved: true, feedback: "Reflection saved. Thank you." });
    } catch (e) {
      this.log.error(`reflection: ${(e as Error).message}`);
      void this.panel.webview.postMessage({ saved: false, feedback: `ownwise: ${(e as Error).message}` });
    }
  }

  dispose(): void {
    this.registration.dispose();
  }
}
