// The AI lines of the open file, per line: a hover (kind, tool, when, explained or not) and, when
// ownwise.trace.gutter is on, a mark in the gutter. From ownwise/lineAttribution: the editor's own
// tags, and the Agent Trace records of the commits that last changed the other lines (docs/git.md).
import * as vscode from "vscode";
import { State, type LanguageClient } from "vscode-languageclient/node";
import { hoverMarkdown, rangeAt } from "./attributionText";
import type { LineAttribution } from "./protocol";
import { request } from "./rpc";

const MAX_AGE_MS = 5000;
const GUTTER_SVG =
  '<svg xmlns="http://www.w3.org/2000/svg" width="16" height="16"><rect x="6" y="0" width="3" height="16" ' +
  'fill="#b180d7"/></svg>';

export class Attribution implements vscode.Disposable {
  private readonly cache = new Map<string, { version: number; at: number; result: Promise<LineAttribution | undefined> }>();
  private readonly gutter = vscode.window.createTextEditorDecorationType({
    gutterIconPath: vscode.Uri.parse(`data:image/svg+xml;utf8,${encodeURIComponent(GUTTER_SVG)}`),
    gutterIconSize: "contain",
  });
  private readonly disposables: vscode.Disposable[] = [];
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly getClient: () => LanguageClient | undefined,
    private readonly log: vscode.LogOutputChannel,
  ) {
    this.disposables.push(
      this.gutter,
      vscode.languages.registerHoverProvider([{ scheme: "file" }, { scheme: "untitled" }], {
        provideHover: (doc, pos) => this.hover(doc, pos),
      }),
      vscode.window.onDidChangeActiveTextEditor(() => this.schedule(0)),
      vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document === vscode.window.activeTextEditor?.document) this.schedule(600);
      }),
      vscode.workspace.onDidCloseTextDocument((d) => this.cache.delete(d.uri.toString())),
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration("ownwise.trace.gutter")) this.schedule(0);
      }),
    );
  }

  private gutterOn(): boolean {
    return vscode.workspace.getConfiguration("ownwise").get<boolean>("trace.gutter", false);
  }

  /** ownwise/lineAttribution for this version of the document (asked once per version). */
  private lookup(doc: vscode.TextDocument): Promise<LineAttribution | undefined> {
    const client = this.getClient();
    if (!client || client.state !== State.Running) return Promise.resolve(undefined);
    const key = doc.uri.toString();
    const hit = this.cache.get(key);
    // per version, and not for long: an explanation or a commit changes what a line's hover says
    if (hit && hit.version === doc.version && Date.now() - hit.at < MAX_AGE_MS) return hit.result;
    const result = request(client, "ownwise/lineAttribution", { uri: key }).catch((e: unknown) => {
      this.log.warn(`lineAttribution: ${(e as Error)?.message ?? String(e)}`);
      this.cache.delete(key);
      return undefined;
    });
    this.cache.set(key, { version: doc.version, at: Date.now(), result });
    return result;
  }

  private async hover(doc: vscode.TextDocument, pos: vscode.Position): Promise<vscode.Hover | undefined> {
    const got = await this.lookup(doc);
    const r = got ? rangeAt(got.ranges, pos.line) : undefined;
    if (!r) return undefined;
    const md = new vscode.MarkdownString(hoverMarkdown(r));
    const end = doc.lineAt(Math.min(r.endLine, doc.lineCount - 1));
    return new vscode.Hover(md, new vscode.Range(r.startLine, 0, end.lineNumber, end.text.length));
  }

  private schedule(ms: number): void {
    if (this.timer) clearTimeout(this.timer);
    this.timer = setTimeout(() => void this.paint(), ms);
  }

  /** The gutter marks of the active editor (cleared when the setting is off). */
  async paint(): Promise<void> {
    const editor = vscode.window.activeTextEditor;
    if (!editor) return;
    if (!this.gutterOn()) {
      editor.setDecorations(this.gutter, []);
      return;
    }
    const got = await this.lookup(editor.document);
    if (editor !== vscode.window.activeTextEditor) return;
    editor.setDecorations(this.gutter, (got?.ranges ?? []).map((r) => new vscode.Range(r.startLine, 0, r.endLine, 0)));
  }

  /** The server (re)started: what it said before may be stale. */
  reset(): void {
    this.cache.clear();
    this.schedule(0);
  }

  dispose(): void {
    if (this.timer) clearTimeout(this.timer);
    for (const d of this.disposables) d.dispose();
  }
}
