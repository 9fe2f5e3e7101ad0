// The first hour: a one-time welcome that opens the walkthrough (package.json contributes.walkthroughs),
// the command that opens it again, and the menu behind the status item.
import * as vscode from "vscode";

/** `<publisher>.<name>#<walkthrough id>` */
export const WALKTHROUGH = "ownwise.ownwise#start";
const WELCOMED = "ownwise.welcomed";

export const WELCOME =
  "Welcome to ownwise. It notes which code your AI tools write, asks you to explain the AI code you keep where " +
  "it matters, and runs no-AI focus blocks. Everything stays on this machine. The walkthrough shows the first steps.";

/** ``inactive``: as a tab behind the active editor (the user is already in a file: not taken away from it). */
export function openWalkthrough(inactive = false): Thenable<unknown> {
  return vscode.commands.executeCommand("workbench.action.openWalkthrough", WALKTHROUGH, { toSide: false, inactive });
}

/** Once per user (global state): the welcome message and the walkthrough. The walkthrough opens by itself
 * unless the user told VS Code not to open walkthroughs on install (then the message offers it). */
export async function welcomeOnce(ctx: vscode.ExtensionContext, log: vscode.LogOutputChannel): Promise<void> {
  if (ctx.globalState.get<boolean>(WELCOMED)) return;
  await ctx.globalState.update(WELCOMED, true);
  const auto = vscode.workspace.getConfiguration("workbench").get<boolean>("welcomePage.walkthroughs.openOnInstall") ?? true;
  if (auto) {
    try {
      await openWalkthrough(vscode.window.activeTextEditor !== undefined);
      log.info("first start: the walkthrough opened");
    } catch (e) {
      log.warn(`could not open the walkthrough: ${(e as Error).message}`);
    }
  } else {
    log.info("first start: the walkthrough is offered, not opened (workbench.welcomePage.walkthroughs.openOnInstall is off)");
  }
  const actions = auto ? ["Show Settings"] : ["Get Started", "Show Settings"];
  void vscode.window.showInformationMessage(WELCOME, ...actions).then((pick) => {
    if (pick === "Get Started") void openWalkthrough();
    else if (pick) void vscode.commands.executeCommand("workbench.action.openSettings", "@ext:ownwise.ownwise");
  });
}

/** A click on the status item outside a block: what ownwise can do from here. */
export async function statusMenu(pending: number): Promise<void> {
  const file = vscode.window.activeTextEditor?.document.uri.scheme === "file";
  const items: (vscode.QuickPickItem & { run: string })[] = [
    ...(file ? [{ label: "$(person) Set this file's class…", description: "core, repeatable or transient", run: "ownwise.ownership.pick" }] : []),
    ...(pending ? [{ label: "$(comment-discussion) Explain pending AI code", description: `${pending} waiting`, run: "ownwise.explain.pending" }] : []),
    { label: "$(eye-closed) Start a no-AI block…", description: "AI suggestions and Chat off for a while", run: "ownwise.noAi.start" },
    { label: "$(graph) Show Report", description: "this week and the last ones", run: "ownwise.report.show" },
    { label: "$(book) Get started", description: "the walkthrough", run: "ownwise.walkthrough" },
    { label: "$(output) Show Logs", description: "", run: "ownwise.showLogs" },
  ];
  const pick = await vscode.window.showQuickPick(items, { title: "ownwise" });
  if (pick) await vscode.commands.executeCommand(pick.run);
}
