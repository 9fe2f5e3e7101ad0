// Runs the agent hook check when the server starts, and the repair when the user accepts it.
import { execFile } from "node:child_process";
import * as vscode from "vscode";
import { offerKey, offerMessage, repairedMessage, staleRows } from "./agentHooks";

const OFFERED = "ownwise.agentHooksOffered";
const REPAIR = "Repair agent hooks";

function ownwise(python: string, args: string[]): Promise<string> {
  return new Promise((resolve, reject) => {
    execFile(python, ["-m", "ownwise", ...args], { timeout: 60_000, maxBuffer: 4 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${(err as Error).message}${stderr ? `: ${stderr.trim()}` : ""}`));
      else resolve(stdout);
    });
  });
}

/** `ownwise hooks status --json` for the first workspace folder; one offer per set of stale entries. */
export async function checkAgentHooks(ctx: vscode.ExtensionContext, python: string, log: vscode.LogOutputChannel): Promise<void> {
  const folder = vscode.workspace.workspaceFolders?.[0]?.uri.fsPath;
  const project = folder ? ["--project", folder] : [];
  let stale;
  try {
    stale = staleRows(JSON.parse(await ownwise(python, ["hooks", "status", "--json", ...project])));
  } catch (e) {
    log.warn(`could not check the agents' hooks: ${(e as Error).message}`);
    return;
  }
  if (stale.length === 0) return;
  const message = offerMessage(stale);
  log.warn(message);
  const key = offerKey(stale);
  if (ctx.globalState.get<string>(OFFERED) === key) return; // offered once already
  await ctx.globalState.update(OFFERED, key);
  const pick = await vscode.window.showWarningMessage(message, REPAIR);
  if (pick !== REPAIR) return;
  try {
    const out = await ownwise(python, ["hooks", "repair", ...project]);
    log.info(out.trim());
    void vscode.window.showInformationMessage(repairedMessage(out));
  } catch (e) {
    log.error(`ownwise hooks repair failed: ${(e as Error).message}`);
    void vscode.window.showErrorMessage("ownwise: the agent hooks could not be repaired. See Ownwise: Show Logs.");
  }
}
