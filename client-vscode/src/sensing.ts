// Where each change came from, told to the server *before* the change
// (ownwise/editHint from the languageclient's didChange middleware).
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import { ChatEdits, chatModelTarget, SETTLE_CAP_MS, spansOf, type ChatVerdict } from "./chatEditing";
import {
  decide,
  inlineSource,
  wantsChatVerdict,
  wantsDirtySettle,
  withClipboard,
  type ChangeFacts,
  type Hint,
  type PendingAccept,
} from "./hints";
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
  /** The chat-editing models open now, and the changes of the documents they hold waiting for a verdict. */
  private readonly chat = new ChatEdits(() => this.settle());
  /** Per document, who waits for its next dirty-state event. */
  private readonly dirtyWaiters = new Map<string, (() => void)[]>();
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
      vscode.workspace.onDidOpenTextDocument((d) => this.opened(d)),
      vscode.workspace.onDidCloseTextDocument((d) => {
        const uri = d.uri.toString();
        this.chat.closed(uri);
        this.dirty.delete(uri);
        this.pending.delete(uri);
        this.formattingUntil.delete(uri);
        this.chains.delete(uri);
      }),
      vscode.workspace.onDidChangeTextDocument((e) => {
        const uri = e.document.uri.toString();
        if (e.contentChanges.length === 0) {
          // a dirty-state change: the first edit after an open or a save is reported clean, then this
          this.dirty.set(uri, e.document.isDirty);
          for (const wake of this.dirtyWaiters.get(uri) ?? []) wake();
          this.dirtyWaiters.delete(uri);
        } else if (chatModelTarget(e.document.uri)) {
          // VS Code mirrors into the chat-editing model every edit of its document that is not the session's
          this.chat.mirrored(uri, e.contentChanges.map((c) => c.text).join(""));
        }
      }),
      vscode.window.onDidChangeTextEditorSelection((e) => {
        if (e.kind === vscode.TextEditorSelectionChangeKind.Keyboard) {
          this.chat.typed(e.textEditor.document.uri.path, e.selections.map((s) => s.active));
        }
      }),
      vscode.workspace.onDidSaveTextDocument((d) => this.dirty.set(d.uri.toString(), false)),
      vscode.workspace.onWillSaveTextDocument((e) => {
        const formatOnSave = vscode.workspace.getConfiguration("editor", e.document).get<boolean>("formatOnSave");
        if (formatOnSave) this.formattingUntil.set(e.document.uri.toString(), Date.now() + 1500);
      }),
    );
    for (const d of vscode.workspace.textDocuments) this.opened(d);
  }

  private opened(d: vscode.TextDocument): void {
    const target = chatModelTarget(d.uri);
    if (target) {
      this.chat.opened(d.uri.toString(), target, () => d.getText());
      this.log.debug(`chat session ${target.session ?? "?"} holds ${target.path}`);
    }
    this.dirty.set(d.uri.toString(), d.isDirty);
  }

  /**
   * Resolves once every event the window sent before this call has reached the extension host:
   * a command the window runs (setContext of a key of ownwise's own) answers over the same ordered
   * channel as the window's document, dirty-state and selection events, so its answer comes after
   * them. SETTLE_CAP_MS caps the wait.
   */
  private settle(): Promise<void> {
    const roundTrip = Promise.resolve(vscode.commands.executeCommand("setContext", "ownwise.settled", true)).then(
      () => undefined,
      () => undefined,
    );
    return Promise.race([roundTrip, new Promise<void>((resolve) => setTimeout(resolve, SETTLE_CAP_MS))]);
  }

  /** Resolves at the document's next dirty-state event, or once none can be on its way (settle). */
  private dirtySettled(uri: string): Promise<void> {
    return new Promise((resolve) => {
      const list = this.dirtyWaiters.get(uri) ?? [];
      list.push(resolve);
      this.dirtyWaiters.set(uri, list);
      void this.settle().then(() => {
        const waiting = this.dirtyWaiters.get(uri);
        const i = waiting ? waiting.indexOf(resolve) : -1;
        if (waiting && i >= 0) waiting.splice(i, 1);
        resolve();
      });
    });
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

  /**
   * languageclient middleware: decide the hint, send it, then let the didChange go.
   * What can only be seen at once (the version, the dirty flag, the marks, the chat verdict's
   * start) is read synchronously; the rest waits in the document's chain.
   */
  didChange = (event: vscode.TextDocumentChangeEvent, next: (e: vscode.TextDocumentChangeEvent) => Promise<void>) => {
    const doc = event.document;
    const uri = doc.uri.toString();
    const inserted = event.contentChanges.map((c) => c.text).join("");
    const facts: ChangeFacts = {
      reason: event.reason as number | undefined,
      inserted,
      pendingAccept: this.pending.get(uri),
      formattingUntil: this.formattingUntil.get(uri),
      wasDirty: this.dirty.get(uri) ?? true,
      isDirty: doc.isDirty,
      now: Date.now(),
    };
    this.dirty.set(uri, doc.isDirty);
    const version = doc.version;
    // both must start now: the events they wait for follow this change at once
    const verdict = wantsChatVerdict(facts, this.chat.held(doc.uri.path))
      ? this.chat.verdict(doc.uri.path, inserted, spansOf(event.contentChanges))
      : undefined;
    const dirtySettled = !facts.wasDirty && !facts.isDirty && inserted.length > 0 ? this.dirtySettled(uri) : undefined;
    const prev = this.chains.get(uri) ?? Promise.resolve();
    const run = prev.then(() => this.handle(event, next, facts, version, verdict, dirtySettled));
    const tail = run.catch(() => undefined);
    this.chains.set(uri, tail);
    return run;
  };

  private async handle(
    event: vscode.TextDocumentChangeEvent,
    next: (e: vscode.TextDocumentChangeEvent) => Promise<void>,
    facts: ChangeFacts,
    version: number,
    verdict: Promise<ChatVerdict> | undefined,
    dirtySettled: Promise<void> | undefined,
  ) {
    const uri = event.document.uri.toString();
    if (verdict) facts.chat = await verdict;
    if (dirtySettled && wantsDirtySettle(facts)) {
      await dirtySettled;
      facts.isDirty = this.dirty.get(uri) ?? event.document.isDirty;
    }
    let hint: Hint | "clipboard" | null = decide(facts);
    if (hint && hint !== "clipboard" && hint.kind.startsWith("inlineCompletion")) this.pending.delete(uri);
    if (hint === "clipboard") {
      let clip: string | undefined;
      try {
        clip = await vscode.env.clipboard.readText();
      } catch {
        clip = undefined;
      }
      hint = withClipboard(facts.inserted, clip);
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
