// Chat and agent edits, per document: pure, unit-tested (test/chatEditing.test.ts).
//
// What VS Code 1.139 shows an extension (docs/vscode.md, "Chat and agent edits"):
//  - when a chat or agent session first edits a file, VS Code's chat editing service
//    opens a `chat-editing-text-model` document: the file's text before the session's
//    edits, whose uri path is the edited file's path and whose query names the session;
//    it stays open while the session holds the file;
//  - the session's edits reach the file itself as ordinary changes (no reason);
//  - every other edit of a held file (the user's typing, another extension's edit) is
//    mirrored into that model at once, unless it overlaps the session's own changes;
//  - the user's typing moves the cursor of the editor typed in to the end of what was
//    typed (a keyboard selection change, right after the change).
// So a change of a held document that no mirror and no keyboard cursor follows is the
// session's; one whose text the model already holds is the session putting back the
// file's text (its Undo), not new code.
//
// "Follows" is exact, not a guess at timing: the window sends the change, the mirror and
// the cursor to the extension host in one task, in that order, over one ordered channel.
// So once a request the extension host sends after the change has been answered by the
// window (a settle: see Sensor.settle), every sign that belongs to the change has arrived.

export const CHAT_MODEL_SCHEME = "chat-editing-text-model";

/** How long a change waits at most for the window's answer (ms): a cap, not the rule. */
export const SETTLE_CAP_MS = 1000;

export interface UriParts {
  scheme: string;
  path: string;
  query: string;
}

export interface ChatModelTarget {
  /** The path of the document the chat-editing model belongs to. */
  path: string;
  /** The chat session, when the query names it (a session id, or its resource path). */
  session?: string;
}

/** The document a `chat-editing-text-model` uri belongs to; undefined for any other uri. */
export function chatModelTarget(uri: UriParts): ChatModelTarget | undefined {
  if (uri.scheme !== CHAT_MODEL_SCHEME || !uri.path) return undefined;
  let session: string | undefined;
  try {
    const q = JSON.parse(uri.query) as Record<string, unknown>;
    if (typeof q.chatSessionId === "string") session = q.chatSessionId;
    const res = q.chatSessionResource as Record<string, unknown> | undefined;
    if (!session && res && typeof res.path === "string") session = res.path.replace(/^\//, "");
  } catch {
    // a query that is not JSON: the path alone ties the model to its document
  }
  return session ? { path: uri.path, session } : { path: uri.path };
}

export interface Position {
  line: number;
  character: number;
}

export interface ContentChange {
  range: { start: Position };
  text: string;
}

/** Where the cursor ends after typing each content change (the start plus the text). */
export function endsOf(changes: readonly ContentChange[]): Position[] {
  return changes.map((c) => {
    const lines = c.text.split(/\r\n|\r|\n/);
    const last = lines[lines.length - 1];
    return lines.length === 1
      ? { line: c.range.start.line, character: c.range.start.character + last.length }
      : { line: c.range.start.line + lines.length - 1, character: last.length };
  });
}

export interface Span {
  start: Position;
  end: Position;
}

/** Each content change's start, and where the cursor ends after typing it (the start plus the text). */
export function spansOf(changes: readonly ContentChange[]): Span[] {
  const ends = endsOf(changes);
  return changes.map((c, i) => ({ start: c.range.start, end: ends[i] }));
}

function within(p: Position, s: Span): boolean {
  const after = p.line > s.start.line || (p.line === s.start.line && p.character >= s.start.character);
  const before = p.line < s.end.line || (p.line === s.end.line && p.character <= s.end.character);
  return after && before;
}

/** What a change of a held document turned out to be. */
export type ChatVerdict = "chat" | "user" | "restore";

interface Ticket {
  path: string;
  inserted: string;
  /** Where each content change starts and where the cursor ends after typing it. */
  spans: Span[];
  done: boolean;
  resolve: (v: "user" | "timeout") => void;
}

interface Model {
  path: string;
  session?: string;
  text: () => string;
}

/**
 * The chat-editing models open now, by the path of the document they hold, and the
 * changes of held documents waiting for their verdict.
 */
export class ChatEdits {
  private readonly models = new Map<string, Model>(); // by the model's uri
  private readonly tickets: Ticket[] = [];

  /** `settle` resolves once every event the window sent before it was called has arrived. */
  constructor(private readonly settle: () => Promise<unknown>) {}

  /** A chat-editing model was opened (`text` reads its current text). */
  opened(modelUri: string, target: ChatModelTarget, text: () => string): void {
    this.models.set(modelUri, { ...target, text });
  }

  closed(modelUri: string): void {
    this.models.delete(modelUri);
  }

  /** The sessions holding the document at `path` (empty: none). */
  holders(path: string): Model[] {
    return [...this.models.values()].filter((m) => m.path === path);
  }

  held(path: string): boolean {
    return this.holders(path).length > 0;
  }

  /**
   * A change of a held document inserting `inserted` arrived: wait for the verdict.
   * Call it synchronously when the change arrives, before any later event is seen.
   */
  verdict(path: string, inserted: string, spans: Span[]): Promise<ChatVerdict> {
    let resolve!: (v: "user" | "timeout") => void;
    const settled = new Promise<"user" | "timeout">((r) => (resolve = r));
    const ticket: Ticket = { path, inserted, spans, done: false, resolve };
    this.tickets.push(ticket);
    this.settle().then(
      () => this.finish(ticket, "timeout"),
      () => this.finish(ticket, "timeout"),
    );
    return settled.then((how) => {
      if (how === "user") return "user";
      // the session putting back the file's own text (Undo, a hunk rejected) is no new code
      const restoring = inserted.trim() !== "" && this.holders(path).some((m) => m.text().includes(inserted));
      return restoring ? "restore" : "chat";
    });
  }

  /** A chat-editing model changed: VS Code mirrored an edit that was not the session's. */
  mirrored(modelUri: string, inserted: string): void {
    const model = this.models.get(modelUri);
    if (!model) return;
    const t = this.tickets.find((x) => !x.done && x.path === model.path && x.inserted === inserted);
    if (t) this.finish(t, "user");
  }

  /**
   * The cursor of an editor of the document at `path` moved by the keyboard: typing leaves it
   * in or at the end of what was typed (inside it after an auto-closed pair).
   */
  typed(path: string, cursors: Position[]): void {
    for (let i = this.tickets.length - 1; i >= 0; i--) {
      const t = this.tickets[i];
      if (t.done || t.path !== path) continue;
      if (t.spans.some((s) => cursors.some((c) => within(c, s)))) {
        this.finish(t, "user");
        return;
      }
    }
  }

  /** Changes still waiting (for tests and logs). */
  get waiting(): number {
    return this.tickets.length;
  }

  private finish(t: Ticket, how: "user" | "timeout"): void {
    if (t.done) return;
    t.done = true;
    const i = this.tickets.indexOf(t);
    if (i >= 0) this.tickets.splice(i, 1);
    t.resolve(how);
  }
}
