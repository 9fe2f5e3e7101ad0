// Where each change came from, told to the server *before* the change
// (ownwise/editHint from the languageclient's didChange middleware).
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { CHAT_SCHEMES, decide, inlineSource, withClipboard, type Hint, type PendingAccept } from "./hints";
import { notify } from "./rpc";

const ACCEPT_COMMANDS: Record<string, { builtin: string; kind: PendingAccept["kind"] }> = {
  "ownwise.inlineSuggest.commit": { builtin: "editor.action.inlineSuggest.commit", kind: "inlineCompletion" },
  "ownwise.inlineSuggest.acceptNextWord": {
    builtin: "editor.action.inlineSuggest.acceptNextWord",
    kind: "inlineCompletionPartial",
  },
  "ownwise.inlineSuggest.acceptNextLine": {
    builtin: "editor.action.inlineSuggest.acceptNextLine",
    kind: "inlineCompletionPartial",
  },
};

export class Sensor implements vscode.Disposable {
  private client: LanguageClient | undefined;
  private readonly pending = new Map<string, PendingAccept>();
  private readonly dirty = new Map<string, boolean>();
  private readonly formattingUntil = new Map<string, number>();
  private chatOpenedAt: number | undefined;
  /** Per document, the changes in flight: their order must not change on the way to the server. */
  private readonly chains = new Map<string, Promise<void>>();
  private readonly disposables: vscode.Disposable[] = [];

  constructor(private readonly log: vscode.LogOutputChannel) {
    for (const [command, spec] of Object.entries(ACCEPT_COMMANDS)) {
      this.disposables.push(vscode.commands.registerCommand(command, () => this.accept(spec.builtin, spec.kind)));
    }
    // the format keybindings: the formatter's edits are "format", not typing
    for (const [command, builtin] of [
      ["ownwise.formatDocument", "editor.action.formatDocument"],
      ["ownwise.formatSelection", "editor.action.formatSelection"],
    ]) {
      this.disposables.push(vscode.commands.registerCommand(command, () => this.format(builtin)));
    }
    this.disposables.push(
      vscode.workspace.onDidOpenTextDocument((d) => {
        if (CHAT_SCHEMES.has(d.uri.scheme)) this.chatOpenedAt = Date.now();
        this.dirty.set(d.uri.toString(), d.isDirty);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => {
        const uri = d.uri.toString();
        this.dirty.delete(uri);
        this.pending.delete(uri);
        this.formattingUntil.delete(uri);
        this.chains.delete(uri);
      }),
      vscode.workspace.onDidSaveTextDocument((d) => this.dirty.set(d.uri.toString(), false)),
      vscode.workspace.onWillSaveTextDocument((e) => {
        const formatOnSave = vscode.workspace.getConfiguration("editor", e.document).get<boolean>("formatOnSave");
        if (formatOnSave) this.formattingUntil.set(e.document.uri.toString(), Date.now() + 1500);
      }),
    );
    for (const d of vscode.workspace.textDocuments) this.dirty.set(d.uri.toString(), d.isDirty);
  }

  attach(client: LanguageClient): void {
    this.client = client;
  }

  /** The Tab (and next word / next line) wrappers: mark the next change, then accept. */
  private async accept(builtin: string, kind: PendingAccept["kind"]): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (editor) {
      const configured = vscode.workspace.getConfiguration("ownwise").get<string>("attribution.inlineSource");
      const active = vscode.extensions.all.filter((e) => e.isActive).map((e) => e.id);
      this.pending.set(editor.document.uri.toString(), { kind, source: inlineSource(active, configured), at: Date.now() });
    }
    await vscode.commands.executeCommand(builtin);
    // the accepted text arrived before the command resolved; an accept that inserted
    // nothing must not mark the user's next keystroke
    if (editor) this.pending.delete(editor.document.uri.toString());
  }

  private async format(builtin: string): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (editor) this.formattingUntil.set(editor.document.uri.toString(), Date.now() + 30_000);
    await vscode.commands.executeCommand(builtin);
    if (editor) this.formattingUntil.set(editor.document.uri.toString(), Date.now() + 200);
  }

  /** languageclient middleware: decide the hint, send it, then let the didChange go. */
  didChange = (event: vscode.TextDocumentChangeEvent, next: (e: vscode.TextDocumentChangeEvent) => Promise<void>) => {
    const uri = event.document.uri.toString();
    const prev = this.chains.get(uri) ?? Promise.resolve();
    const run = prev.then(() => this.handle(event, next));
    const tail = run.catch(() => undefined);
    this.chains.set(uri, tail);
    return run;
  };

  private async handle(event: vscode.TextDocumentChangeEvent, next: (e: vscode.TextDocumentChangeEvent) => Promise<void>) {
    const uri = event.document.uri.toString();
    const version = event.document.version;
    const inserted = event.contentChanges.map((c) => c.text).join("");
    const wasDirty = this.dirty.get(uri) ?? true;
    this.dirty.set(uri, event.document.isDirty);
    const pendingAccept = this.pending.get(uri);
    let hint: Hint | "clipboard" | null = decide({
      reason: event.reason as number | undefined,
      inserted,
      pendingAccept,
      chatOpenedAt: this.chatOpenedAt,
      formattingUntil: this.formattingUntil.get(uri),
      wasDirty,
      isDirty: event.document.isDirty,
      now: Date.now(),
    });
    if (hint && hint !== "clipboard" && hint.kind.startsWith("inlineCompletion")) this.pending.delete(uri);
    if (hint && hint !== "clipboard" && hint.kind === "chatEdit") this.chatOpenedAt = undefined;
    if (hint === "clipboard") {
      let clip: string | undefined;
      try {
        clip = await vscode.env.clipboard.readText();
      } catch {
        clip = undefined;
      }
      hint = withClipboard(inserted, clip);
    }
    if (hint && this.client) {
      this.log.debug(`hint ${hint.kind}${hint.source ? ` (${hint.source})` : ""} for ${uri} v${version}`);
      // awaited: while the client (re)starts, an unawaited hint could be written after the change
      try {
        await notify(this.client, "ownwise/editHint", { uri, kind: hint.kind, source: hint.source, version });
      } catch (e) {
        this.log.warn(`hint not sent: ${(e as Error).message}`);
      }
    }
    return next(event);
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
