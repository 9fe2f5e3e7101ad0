// Generated from docs/protocol.schema.json by `python -m ownwise.lsp.contract --write`:
// do not edit. The server's models are in server/ownwise/lsp/protocol.py.

export interface AIRangeInfo {
  startLine: number;
  endLine: number;
  kind: string;
  source: string | null;
  humanModified: boolean;
}

/** ``ownwise/answerPrompt``'s result. */
export interface AnswerOutcome {
  accepted: boolean;
  feedback: string;
  reason: string;
  status: string;
  nextReview?: string | null;
  code?: string | null;
}

export interface AnswerPromptParams {
  id: string;
  text?: string;
  understanding?: number | null;
  cannotExplain?: boolean;
  rating?: "again" | "hard" | "good" | "easy" | "Again" | "Hard" | "Good" | "Easy" | null;
}

export interface AnswerReflectionParams {
  blockId: string;
  felt?: number | null;
  lookedUp?: string;
  tookLonger?: string;
  actualMinutes?: number | null;
  notes?: string;
}

/** AI lines of a document (0-based, inclusive): from the editor's own tags, or from the records of the commits that last changed them. */
export interface AttributedRange {
  startLine: number;
  endLine: number;
  type: "ai" | "mixed";
  kind: string | null;
  tool: string | null;
  explained: "explained" | "cannot" | "pending" | null;
  when: string | null;
  commit: string | null;
  source: "editor" | "ownwise" | "agent-trace" | "git-ai" | "none";
}

/** ``ownwise/calibration`` (docs/focus.md): weeks, estimates, trend, streak. */
export interface Calibration {
  weeks: Record<string, unknown>[];
  estimates: Record<string, unknown>[];
  estimateTrend: string | null;
  streakWeeks: number;
  [key: string]: unknown;
}

export interface CalibrationParams {
  weeks?: number;
}

export interface ClientState {
  key: string;
  value: unknown | null;
}

/** Get (no ``value`` key) or set a client's own state, kept in the database's kv table. */
export interface ClientStateParams {
  key: string;
  value?: unknown | null;
}

export interface EditHintParams {
  uri: string;
  kind: EditKind;
  source?: string | null;
  version?: number | null;
}

/** Where a change came from, as a client hint (``ownwise/editHint``) says. */
export type EditKind = "inlineCompletion" | "inlineCompletionPartial" | "chatEdit" | "agentEdit" | "paste" | "undo" | "redo" | "format" | "externalReload" | "human";

/** ``ownwise.prompt.explain``: a block of a file (the code action), or every pending prompt. */
export interface ExplainArgs {
  uri?: string | null;
  startLine?: number | null;
  endLine?: number | null;
}

export interface ExplainOpened {
  prompts: number;
  document?: string | null;
}

/** ``ownwise/fileInfo``: a file's class and, when it is open, its AI lines. */
export interface FileInfo {
  ownershipClass: "transient" | "repeatable" | "core";
  rule: string;
  open: boolean;
  aiLines: number;
  humanModifiedLines: number;
  suspectedLines: number;
  aiRanges: AIRangeInfo[];
  pendingPrompts: number;
  pendingPromptsTotal: number;
  unexplainedBlocks: UnexplainedBlock[];
  textHash?: string | null;
}

export interface FileInfoParams {
  uri: string;
  textHash?: boolean;
}

export interface FocusBlockInfo {
  id: string;
  startedAt: string;
  plannedMinutes: number;
  task: string | null;
  estimateMinutes: number | null;
  endedAt: string | null;
  endReason: string | null;
  minutes: number;
}

/** ``ownwise/focusChanged`` (server → client): a no-AI block began or ended. */
export interface FocusChanged {
  active: boolean;
  id: string;
  startedAt: string;
  plannedMinutes: number;
  task: string | null;
  endedAt?: string | null;
  endReason?: string | null;
  minutes?: number | null;
  violations?: number | null;
  suspected?: number | null;
}

export interface FocusExtendArgs {
  minutes: number;
}

export interface FocusStartArgs {
  minutes?: number | null;
  task?: string | null;
  estimateMinutes?: number | null;
}

export interface FocusState {
  active: boolean;
  remainingSeconds: number | null;
}

/** ``ownwise.focus.status`` (and ``start``, with ``started``). */
export interface FocusStatus {
  active: boolean;
  id?: string | null;
  startedAt?: string | null;
  plannedMinutes?: number | null;
  task?: string | null;
  estimateMinutes?: number | null;
  remainingSeconds?: number | null;
  started?: boolean | null;
}

export interface FocusStopped {
  active: boolean;
  stopped: boolean;
  block?: FocusBlockInfo | null;
}

export interface LineAttribution {
  uri: string;
  ranges: AttributedRange[];
}

/** ``ownwise/lineAttribution``: the AI lines of an open document (docs/git.md), for a hover or a gutter. */
export interface LineAttributionParams {
  uri: string;
}

/** A request without params (``{}``). */
export interface NoParams {
}

export interface OwnershipDecision {
  ownershipClass: "transient" | "repeatable" | "core";
  rule: string;
}

export interface OwnershipSetArgs {
  uri: string;
  class: "transient" | "repeatable" | "core" | null;
}

export interface PendingPrompts {
  prompts: PromptItem[];
  cannotExplain?: PromptItem[];
}

export interface PromptItem {
  id: string;
  kind: "explain" | "recall" | "review";
  status: string;
  path: string;
  uri: string;
  range: PromptRange;
  lines: number;
  ownershipClass: string;
  question: string;
  code: string;
  languageId: string;
  created: string;
  sessionId: number | null;
  showCodeAfterAnswer: boolean;
}

export interface PromptRange {
  startLine: number;
  endLine: number;
}

export interface ReflectOpened {
  blockId: string | null;
  document?: string | null;
}

export interface Report {
  format: "html" | "json";
  report: Record<string, unknown>;
  html?: string | null;
}

/** ``ownwise/report``: the weekly report (docs/report.md) as HTML and/or JSON. */
export interface ReportParams {
  weeks?: number | null;
  since?: string | null;
  format?: "html" | "json";
  theme?: "vscode" | "light" | "dark";
}

export interface Saved {
  saved: boolean;
}

export interface ServerInfo {
  version: string;
  databasePath: string;
  dataDir: string;
  databaseAvailable: boolean;
}

export interface SessionEnded {
  ended: boolean;
  sessionId?: number | null;
  prompts: number;
  smallLines?: number | null;
  minLines?: number | null;
}

export interface SkipPromptParams {
  id: string;
}

export interface Skipped {
  skipped: boolean;
  status: string;
}

/** ``ownwise/status`` (server → client): what the status bar shows for a document. */
export interface Status {
  uri: string;
  ownershipClass: "transient" | "repeatable" | "core";
  rule: string;
  aiLines: number;
  pendingPrompts: number;
  session: boolean;
  focus: FocusState;
}

export interface UnexplainedBlock {
  startLine: number;
  endLine: number;
  cannotExplain: boolean;
}

/** ownwise/* requests (client → server): params and result. */
export interface Requests {
  "ownwise/answerPrompt": { params: AnswerPromptParams; result: AnswerOutcome };
  "ownwise/answerReflection": { params: AnswerReflectionParams; result: Saved };
  "ownwise/calibration": { params: CalibrationParams; result: Calibration };
  "ownwise/clientState": { params: ClientStateParams; result: ClientState };
  "ownwise/fileInfo": { params: FileInfoParams; result: FileInfo };
  "ownwise/lineAttribution": { params: LineAttributionParams; result: LineAttribution };
  "ownwise/pendingPrompts": { params: NoParams; result: PendingPrompts };
  "ownwise/report": { params: ReportParams; result: Report };
  "ownwise/serverInfo": { params: NoParams; result: ServerInfo };
  "ownwise/skipPrompt": { params: SkipPromptParams; result: Skipped };
}

/** ownwise/* notifications the client sends. */
export interface ClientNotifications {
  "ownwise/editHint": EditHintParams;
}

/** ownwise/* notifications the server sends. */
export interface ServerNotifications {
  "ownwise/focusChanged": FocusChanged;
  "ownwise/status": Status;
}

/** workspace/executeCommand commands: their arguments and result. */
export interface Commands {
  "ownwise.focus.extend": { arguments: [FocusExtendArgs?]; result: FocusStatus };
  "ownwise.focus.reflect": { arguments: []; result: ReflectOpened };
  "ownwise.focus.start": { arguments: [FocusStartArgs?]; result: FocusStatus };
  "ownwise.focus.status": { arguments: []; result: FocusStatus };
  "ownwise.focus.stop": { arguments: []; result: FocusStopped };
  "ownwise.ownership.set": { arguments: [OwnershipSetArgs?]; result: OwnershipDecision };
  "ownwise.prompt.explain": { arguments: [ExplainArgs?]; result: ExplainOpened };
  "ownwise.session.end": { arguments: []; result: SessionEnded };
}
