// Focus mode that speaks: Start (with a length), Stop (asked first when time is left), Extend, the menu
// behind the status item during a block, the start message with its end time and what was switched off,
// and the message when an AI setting is turned back on during a block.
import * as vscode from "vscode";
import type { LanguageClient } from "vscode-languageclient/node";
import type { FocusEvents, FocusMode } from "./focus";
import { lengthItems, minutesText, parseMinutes, startedMessage, stopQuestion, turnedBackOnMessage } from "./focusText";
import type { FocusChanged, FocusStatus } from "./protocol";
import { command } from "./rpc";
import { clockTime } from "./statusText";

const NOT_RUNNING = "ownwise: the server is not running. See Ownwise: Show Logs.";
export const EXTEND_MINUTES = 15;

/** The planned end of a block. */
export function blockEnd(b: { startedAt?: string | null; plannedMinutes?: number | null }): Date {
  return new Date(Date.parse(b.startedAt ?? "") + (b.plannedMinutes ?? 0) * 60_000);
}

export class FocusUi implements FocusEvents, vscode.Disposable {
  private readonly disposables: vscode.Disposable[];

  constructor(
    private readonly focus: FocusMode,
    private readonly getClient: () => LanguageClient | undefined,
    private readonly log: vscode.LogOutputChannel,
  ) {
    focus.events = this;
    this.disposables = [
      vscode.commands.registerCommand("ownwise.noAi.start", () => this.start()),
      vscode.commands.registerCommand("ownwise.noAi.stop", () => this.stop(true)),
      vscode.commands.registerCommand("ownwise.focus.toggle", () => this.toggle()),
      vscode.commands.registerCommand("ownwise.noAi.extend", (minutes?: unknown) =>
        this.extend(typeof minutes === "number" && minutes > 0 ? minutes : EXTEND_MINUTES)),
      vscode.commands.registerCommand("ownwise.noAi.menu", () => this.menu()),
    ];
  }

  private client(): LanguageClient | undefined {
    const client = this.getClient();
    if (!client) void vscode.window.showWarningMessage(NOT_RUNNING);
    return client;
  }

  private async status(): Promise<FocusStatus | undefined> {
    const client = this.client();
    return client ? command(client, "ownwise.focus.status") : undefined;
  }

  /** Ownwise: Start No-AI Block: a length, then the task (both optional; Escape starts nothing). */
  async start(): Promise<void> {
    const running = await this.status();
    if (!running) return;
    if (running.active) {
      const pick = await vscode.window.showInformationMessage(
        `A no-AI block is already running (until ${clockTime(blockEnd(running))}).`, "Stop", `${EXTEND_MINUTES} more minutes`);
      if (pick === "Stop") await this.stop(true);
      else if (pick) await this.extend(EXTEND_MINUTES);
      return;
    }
    const defaultMinutes = vscode.workspace.getConfiguration("ownwise").get<number>("focus.defaultMinutes") ?? 90;
    const minutes = await this.pickLength(defaultMinutes);
    if (minutes === undefined) return;
    const task = await vscode.window.showInputBox({
      title: `Start a no-AI block of ${minutesText(minutes)}`,
      prompt: "What will you work on? (optional)",
      placeHolder: "e.g. the retry logic in the HTTP client",
    });
    if (task === undefined) return;
    const client = this.client();
    if (client) await command(client, "ownwise.focus.start", task ? { minutes, task } : { minutes });
  }

  private async pickLength(defaultMinutes: number): Promise<number | undefined> {
    const items: (vscode.QuickPickItem & { minutes?: number })[] = lengthItems(defaultMinutes, new Date());
    items.push({ label: "Another length…", description: "type the minutes" });
    const active = items.find((i) => i.minutes === Math.round(defaultMinutes));
    const pick = await new Promise<(typeof items)[number] | undefined>((resolve) => {
      const qp = vscode.window.createQuickPick<(typeof items)[number]>();
      qp.title = "Start a no-AI block: how long?";
      qp.placeholder = "AI suggestions and Chat are switched off until it ends";
      qp.items = items;
      if (active) qp.activeItems = [active];
      qp.onDidAccept(() => { resolve(qp.selectedItems[0]); qp.hide(); });
      qp.onDidHide(() => { resolve(undefined); qp.dispose(); });
      qp.show();
    });
    if (!pick) return undefined;
    if (pick.minutes !== undefined) return pick.minutes;
    const typed = await vscode.window.showInputBox({
      title: "Start a no-AI block: how long?",
      prompt: "Minutes (1 to 600), or e.g. 1h or 1:30",
      value: String(Math.round(defaultMinutes)),
      validateInput: (v) => (parseMinutes(v) === undefined ? "A length from 1 to 600 minutes, e.g. 50, 1h or 1:30" : null),
    });
    return typed === undefined ? undefined : parseMinutes(typed);
  }

  /** Ownwise: Stop No-AI Block; ``ask``: confirm first when the block has time left. */
  async stop(ask: boolean): Promise<void> {
    const status = await this.status();
    if (!status) return;
    if (!status.active) {
      void vscode.window.showInformationMessage("ownwise: no no-AI block is running.");
      return;
    }
    const left = status.remainingSeconds ?? 0;
    if (ask && left > 0) {
      const pick = await vscode.window.showWarningMessage(stopQuestion(left, blockEnd(status)), { modal: true }, "End the block");
      if (pick !== "End the block") return;
    }
    const client = this.client();
    if (client) await command(client, "ownwise.focus.stop");
  }

  /** Ownwise: Toggle No-AI Block: start one, or stop the running one (asked first). */
  async toggle(): Promise<void> {
    const status = await this.status();
    if (status?.active) await this.stop(true);
    else if (status) await this.start();
  }

  async extend(minutes: number): Promise<void> {
    const client = this.client();
    if (!client) return;
    try {
      const status = await command(client, "ownwise.focus.extend", { minutes });
      void vscode.window.showInformationMessage(`The no-AI block now runs until ${clockTime(blockEnd(status))}.`);
    } catch (e) {
      void vscode.window.showInformationMessage("ownwise: no no-AI block is running.");
      this.log.info(`extend: ${(e as Error).message}`);
    }
  }

  /** A click on the status item during a block: stop it or give it more time. */
  async menu(): Promise<void> {
    const status = await this.status();
    if (!status?.active) {
      await vscode.commands.executeCommand("ownwise.status.menu");
      return;
    }
    const end = blockEnd(status);
    const left = Math.ceil((status.remainingSeconds ?? 0) / 60);
    const later = (m: number) => clockTime(new Date(end.getTime() + m * 60_000));
    const items = [
      { label: "$(debug-stop) Stop the block now", description: `${left} min left, until ${clockTime(end)}`, act: "stop" },
      { label: `$(add) ${EXTEND_MINUTES} more minutes`, description: `until ${later(EXTEND_MINUTES)}`, act: "15" },
      { label: "$(add) 30 more minutes", description: `until ${later(30)}`, act: "30" },
      { label: "$(check) Keep going", description: "", act: "" },
    ];
    const pick = await vscode.window.showQuickPick(items, {
      title: `No-AI block${status.task ? ` on "${status.task}"` : ""} until ${clockTime(end)}`,
    });
    if (!pick?.act) return;
    if (pick.act === "stop") await this.stop(false);
    else await this.extend(Number(pick.act));
  }

  // ------------------------------------------------------------ FocusEvents
  started(block: FocusChanged, switchedOff: string[]): void {
    void vscode.window.showInformationMessage(startedMessage(block.task, blockEnd(block), switchedOff), "Stop").then((pick) => {
      if (pick === "Stop") void this.stop(false);
    });
  }

  turnedBackOn(keys: string[]): void {
    const end = this.focus.active ? blockEnd(this.focus.active) : new Date();
    void vscode.window.showWarningMessage(turnedBackOnMessage(keys, end), "End the block", "Keep the block").then((pick) => {
      if (pick === "End the block") void this.stop(false);
    });
  }

  dispose(): void {
    for (const d of this.disposables) d.dispose();
  }
}
