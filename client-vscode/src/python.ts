// Finding a Python 3.11+ for the server: the setting, the Python extension's
// interpreter, or a private environment created in the extension's storage.
import { execFile } from "node:child_process";
import { existsSync, readdirSync, statSync } from "node:fs";
import * as path from "node:path";
import * as vscode from "vscode";
import { privateEnvironmentPaths } from "./privateEnv";

export class PythonError extends Error {}

function run(cmd: string, args: string[], timeoutMs = 600_000): Promise<{ stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    execFile(cmd, args, { timeout: timeoutMs, maxBuffer: 16 * 1024 * 1024 }, (err, stdout, stderr) => {
      if (err) reject(Object.assign(err, { stdout, stderr }));
      else resolve({ stdout, stderr });
    });
  });
}

/** "3.12" for a usable interpreter; throws PythonError saying what to do otherwise. */
export async function pythonVersion(python: string): Promise<string> {
  let out: string;
  try {
    out = (await run(python, ["-c", "import sys; print('%d.%d' % sys.version_info[:2])"], 20_000)).stdout.trim();
  } catch (e) {
    throw new PythonError(`ownwise could not run Python at "${python}" (${(e as Error).message}).`);
  }
  const [major, minor] = out.split(".").map(Number);
  if (major < 3 || (major === 3 && minor < 11)) {
    throw new PythonError(`ownwise needs Python 3.11 or newer; "${python}" is ${out}.`);
  }
  return out;
}

async function pythonExtensionInterpreter(): Promise<string | undefined> {
  const ext = vscode.extensions.getExtension("ms-python.python");
  if (!ext) return undefined;
  try {
    const api: any = ext.isActive ? ext.exports : await ext.activate();
    const env = api?.environments?.getActiveEnvironmentPath?.();
    const resolved = env ? await api.environments.resolveEnvironment(env) : undefined;
    return resolved?.executable?.uri?.fsPath ?? env?.path;
  } catch {
    return undefined;
  }
}

async function systemPython(): Promise<string> {
  for (const candidate of ["python3", "python"]) {
    try {
      await pythonVersion(candidate);
      return candidate;
    } catch {
      // try the next one
    }
  }
  throw new PythonError(
    "ownwise needs Python 3.11 or newer and found none. Install it (python.org, or your package manager), " +
      'or set "ownwise.server.pythonPath" to its path.',
  );
}

/** The private environment: created once, the server installed from the wheel shipped in the extension. */
async function privateEnvironment(ctx: vscode.ExtensionContext, log: vscode.LogOutputChannel): Promise<string> {
  const { venv, python } = privateEnvironmentPaths(ctx.globalStorageUri.fsPath);
  const wheelDir = path.join(ctx.extensionPath, "dist", "server");
  const wheels = existsSync(wheelDir) ? readdirSync(wheelDir).filter((f) => f.endsWith(".whl")) : [];
  const stamp = `${ctx.extension.packageJSON.version}:${wheels
    .map((w) => {
      const st = statSync(path.join(wheelDir, w));
      return `${w}@${st.size}@${st.mtimeMs}`;
    })
    .join(",")}`;
  if (existsSync(python) && ctx.globalState.get<string>("ownwise.venvStamp") === stamp) return python;
  if (wheels.length === 0) {
    throw new PythonError('This ownwise build ships no server wheel; set "ownwise.server.pythonPath" to a Python with ownwise installed.');
  }
  const base = await systemPython();
  await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: "ownwise: setting up its Python environment" },
    async (progress) => {
      progress.report({ message: "creating the environment" });
      // in place: hooks installed from this environment name its path. A venv whose Python is
      // gone (its base interpreter removed) keeps a dangling bin/python unless cleared.
      const clear = existsSync(venv) && !existsSync(python) ? ["--clear"] : [];
      log.info(`creating ${venv} with ${base}${clear.length ? " (its Python was gone)" : ""}`);
      await run(base, ["-m", "venv", ...clear, venv]);
      progress.report({ message: "installing the server (first start only)" });
      // its dependencies come from the package index (first start only); the server itself
      // is reinstalled from the shipped wheel whenever the extension changes
      const wheelPaths = wheels.map((w) => path.join(wheelDir, w));
      const r = await run(python, ["-m", "pip", "install", "--disable-pip-version-check", "-q", ...wheelPaths]);
      if (r.stderr) log.info(r.stderr);
      await run(python, ["-m", "pip", "install", "--disable-pip-version-check", "-q", "--force-reinstall",
        "--no-deps", ...wheelPaths]);
    },
  );
  await ctx.globalState.update("ownwise.venvStamp", stamp);
  return python;
}

export async function resolvePython(ctx: vscode.ExtensionContext, log: vscode.LogOutputChannel): Promise<string> {
  const configured = vscode.workspace.getConfiguration("ownwise").get<string>("server.pythonPath")?.trim();
  if (configured) {
    await pythonVersion(configured);
    return configured;
  }
  const fromExtension = await pythonExtensionInterpreter();
  if (fromExtension) {
    try {
      await pythonVersion(fromExtension);
      await run(fromExtension, ["-c", "import ownwise"], 20_000);
      return fromExtension;
    } catch {
      log.info(`the Python extension's interpreter ${fromExtension} has no ownwise server; using a private environment`);
    }
  }
  return privateEnvironment(ctx, log);
}
