// Where the private environment lives: one path per VS Code user, whatever the extension's version.
import * as path from "node:path";

/**
 * The private environment's folder and executables under `storageDir`, the extension's
 * globalStorageUri (`<user data>/User/globalStorage/<publisher.name>`, the same for every
 * version of the extension). Agent hooks installed from it (`ownwise hooks install` or the
 * "Repair agent hooks" offer) name these paths, so they stay valid when the extension updates:
 * an update reinstalls the server into the same folder.
 */
export function privateEnvironmentPaths(storageDir: string, platform: string = process.platform) {
  const p = platform === "win32" ? path.win32 : path.posix;
  const venv = p.join(storageDir, "venv");
  const bin = platform === "win32" ? p.join(venv, "Scripts") : p.join(venv, "bin");
  return {
    venv,
    python: p.join(bin, platform === "win32" ? "python.exe" : "python"),
    ownwise: p.join(bin, platform === "win32" ? "ownwise.exe" : "ownwise"),
  };
}
