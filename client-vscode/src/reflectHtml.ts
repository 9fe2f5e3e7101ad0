// The reflection webview's HTML after a no-AI block: pure, unit-tested (test/reflectHtml.test.ts).
import { escapeHtml } from "./explainHtml";

/** What the page shows about the block (from its ownwise/focusChanged, when this window saw it end). */
export interface BlockSummary {
  id: string;
  task?: string | null;
  minutes?: number | null;
  plannedMinutes?: number | null;
  violations?: number | null;
}

export function summaryText(b: BlockSummary): string {
  const parts: string[] = [];
  if (b.task) parts.push(`Task: ${b.task}`);
  if (b.minutes != null && b.plannedMinutes != null) {
    const planned = Math.round(b.plannedMinutes);
    parts.push(`${Math.round(b.minutes)} of ${planned} ${planned === 1 ? "minute" : "minutes"}`);
  }
  if (b.violations) parts.push(`${b.violations} AI ${b.violations === 1 ? "edit" : "edits"} arrived during it`);
  return parts.join(" · ");
}

function area(id: string, label: string): string {
  return `<label for="${id}">${label}</label><textarea id="${id}" rows="3"></textarea>`;
}

export function renderReflection(b: BlockSummary, nonce: string, cspSource: string): string {
  const summary = summaryText(b);
  const felt = [1, 2, 3, 4, 5].map((n) => `<label><input type="radio" name="felt" value="${n}"> ${n}</label>`).join(" ");
  const minutes = b.minutes != null ? String(Math.round(b.minutes)) : "";
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style nonce="${nonce}">
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 1.5em 2em; max-width: 48em; }
label { display: block; margin-top: 1em; }
fieldset label { display: inline; margin: 0 0.6em 0 0; }
fieldset { border: none; padding: 0; margin-top: 1em; }
textarea, input[type=number] { width: 100%; box-sizing: border-box; color: var(--vscode-input-foreground); background: var(--vscode-input-background); border: 1px solid var(--vscode-input-border, transparent); font-family: var(--vscode-font-family); }
input[type=number] { width: 8em; }
button { color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: none; padding: 0.4em 1em; cursor: pointer; margin: 1.2em 0.4em 0 0; }
button.secondary { color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground); }
button:disabled { opacity: 0.4; cursor: default; }
textarea[readonly], input:disabled { opacity: 0.75; }
button:focus, textarea:focus, input:focus { outline: 1px solid var(--vscode-focusBorder); }
.muted { opacity: 0.8; }
.state { font-size: 0.8em; margin-left: 0.5em; padding: 0.1em 0.5em; border-radius: 0.8em; color: var(--vscode-badge-foreground); background: var(--vscode-badge-background); }
.feedback.ok { color: var(--vscode-testing-iconPassed, var(--vscode-foreground)); }
.feedback.bad { color: var(--vscode-editorWarning-foreground); }
</style></head><body>
<h1>How did the no-AI block go? <span class="state" id="state" hidden>saved</span></h1>
${summary ? `<p class="muted">${escapeHtml(summary)}</p>` : ""}
<p>A few words under each question are enough. They stay on this machine and help you compare your estimates and your speed without AI.</p>
<form id="form">
<fieldset><legend>How did it feel? (1 = a struggle, 5 = easy)</legend>${felt}</fieldset>
${area("lookedUp", "What did you have to look up?")}
${area("tookLonger", "What took longer than expected?")}
<label for="actual">How many minutes did the task actually take?</label><input type="number" id="actual" min="0" max="6000" value="${minutes}">
${area("notes", "Anything else?")}
<button type="submit" id="save">Save reflection</button><button type="button" class="secondary" id="later">Later</button>
</form>
<p class="feedback" id="feedback" role="status" aria-live="polite"></p>
<script nonce="${nonce}">
const vscode = acquireVsCodeApi();
vscode.setState({ blockId: ${JSON.stringify(b.id)} });  // the panel comes back after a reload
const form = document.getElementById('form');
form.addEventListener('submit', (e) => {
  e.preventDefault();
  const felt = document.querySelector('input[name="felt"]:checked');
  const actual = document.getElementById('actual').value;
  vscode.postMessage({ type: 'save', felt: felt ? Number(felt.value) : null,
    lookedUp: document.getElementById('lookedUp').value, tookLonger: document.getElementById('tookLonger').value,
    actualMinutes: actual === '' ? null : Number(actual), notes: document.getElementById('notes').value });
});
document.getElementById('later').addEventListener('click', () => vscode.postMessage({ type: 'later' }));
window.addEventListener('message', (e) => {
  const m = e.data;
  const f = document.getElementById('feedback');
  f.textContent = m.feedback;
  f.className = 'feedback ' + (m.saved ? 'ok' : 'bad');
  if (m.saved) {
    form.querySelectorAll('textarea').forEach((t) => { t.readOnly = true; t.setAttribute('aria-readonly', 'true'); });
    form.querySelectorAll('input, button').forEach((el) => { el.disabled = true; });
    document.getElementById('state').hidden = false;
  }
});
</script></body></html>`;
}
