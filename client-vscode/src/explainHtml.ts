// The explain webview's HTML: pure, unit-tested (test/explainHtml.test.ts).

import type { PromptItem as Pending } from "./protocol";

/** What the page shows of a pending prompt (ownwise/pendingPrompts). */
export type PromptItem = Pick<
  Pending,
  "id" | "kind" | "path" | "uri" | "range" | "lines" | "ownershipClass" | "question" | "code" | "showCodeAfterAnswer"
>;

export function escapeHtml(s: string): string {
  return s.replace(/&/g, "&amp;").replace(/</g, "&lt;").replace(/>/g, "&gt;").replace(/"/g, "&quot;").replace(/'/g, "&#39;");
}

function firstLine(code: string): string {
  return code.split(/\r?\n/).find((l) => l.trim() !== "")?.trim() ?? "";
}

export function renderPrompt(p: PromptItem, index: number): string {
  const { startLine, endLine } = p.range;
  const where = `${p.path}:${startLine + 1}${endLine > startLine ? `-${endLine + 1}` : ""}`;
  const code = p.showCodeAfterAnswer
    ? `<p>Starts with: <code>${escapeHtml(firstLine(p.code))}</code></p><pre class="code hidden" id="code-${p.id}">${escapeHtml(p.code)}</pre>`
    : `<pre class="code">${escapeHtml(p.code)}</pre>`;
  const rating =
    p.kind === "review"
      ? `<fieldset><legend>Recall</legend>${["again", "hard", "good", "easy"]
          .map((r) => `<label><input type="radio" name="rating-${p.id}" value="${r}"> ${r[0].toUpperCase() + r.slice(1)}</label>`)
          .join(" ")}</fieldset>`
      : `<fieldset><legend>Understanding (1 = not at all, 5 = could rewrite it myself)</legend>${[1, 2, 3, 4, 5]
          .map((n) => `<label><input type="radio" name="u-${p.id}" value="${n}"> ${n}</label>`)
          .join(" ")}</fieldset>`;
  return `<section class="prompt" data-id="${p.id}" aria-labelledby="h-${p.id}">
  <h2 id="h-${p.id}">${index}. <a href="#" class="loc" data-uri="${escapeHtml(p.uri)}" data-line="${p.range.startLine}">${escapeHtml(where)}</a>
    <span class="tag">${escapeHtml(p.ownershipClass)} · ${escapeHtml(p.kind)}</span></h2>
  <p class="question">${escapeHtml(p.question)}</p>
  ${code}
  <label for="a-${p.id}">Your answer</label>
  <textarea id="a-${p.id}" rows="6"></textarea>
  ${rating}
  <div class="buttons">
    <button class="submit" data-id="${p.id}">Save answer</button>
    <button class="secondary cannot" data-id="${p.id}">I can't explain this yet</button>
    <button class="secondary skip" data-id="${p.id}">Skip</button>
  </div>
  <p class="feedback" id="f-${p.id}" role="status" aria-live="polite"></p>
</section>`;
}

export function renderPage(prompts: PromptItem[], nonce: string, cspSource: string): string {
  const body = prompts.length
    ? prompts.map((p, i) => renderPrompt(p, i + 1)).join("\n")
    : `<p>Nothing to explain right now.</p>`;
  return `<!DOCTYPE html><html lang="en"><head><meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src ${cspSource} 'nonce-${nonce}'; script-src 'nonce-${nonce}';">
<meta name="viewport" content="width=device-width, initial-scale=1">
<style nonce="${nonce}">
body { font-family: var(--vscode-font-family); color: var(--vscode-foreground); background: var(--vscode-editor-background); padding: 0 1.5em 2em; }
.prompt { border-bottom: 1px solid var(--vscode-panel-border); padding: 1em 0; }
.tag { font-size: 0.8em; opacity: 0.8; margin-left: 0.5em; }
pre.code { background: var(--vscode-textCodeBlock-background); padding: 0.6em; overflow-x: auto; font-family: var(--vscode-editor-font-family); }
.hidden { display: none; }
textarea { width: 100%; box-sizing: border-box; color: var(--vscode-input-foreground); background: var(--vscode-input-background); border: 1px solid var(--vscode-input-border, transparent); font-family: var(--vscode-font-family); }
fieldset { border: none; padding: 0.4em 0; }
button { color: var(--vscode-button-foreground); background: var(--vscode-button-background); border: none; padding: 0.4em 1em; cursor: pointer; margin-right: 0.4em; }
button.secondary { color: var(--vscode-button-secondaryForeground); background: var(--vscode-button-secondaryBackground); }
button:focus, textarea:focus, a:focus { outline: 1px solid var(--vscode-focusBorder); }
.feedback.ok { color: var(--vscode-testing-iconPassed, var(--vscode-foreground)); }
.feedback.bad { color: var(--vscode-editorWarning-foreground); }
a { color: var(--vscode-textLink-foreground); }
</style></head><body>
<h1>Explain the AI code you kept</h1>
<p>In your own words: what the code does, and why it does it that way.</p>
${body}
<script nonce="${nonce}">
const vscode = acquireVsCodeApi();
function value(name) { const el = document.querySelector('input[name="' + name + '"]:checked'); return el ? el.value : null; }
document.addEventListener('click', (e) => {
  const t = e.target.closest('button, a.loc');
  if (!t) return;
  e.preventDefault();
  const id = t.dataset.id;
  if (t.classList.contains('loc')) { vscode.postMessage({ type: 'open', uri: t.dataset.uri, line: Number(t.dataset.line) }); return; }
  if (t.classList.contains('skip')) { vscode.postMessage({ type: 'skip', id }); return; }
  const text = document.getElementById('a-' + id).value;
  const u = value('u-' + id);
  vscode.postMessage({ type: 'answer', id, text, understanding: u ? Number(u) : null, rating: value('rating-' + id),
    cannotExplain: t.classList.contains('cannot') });
});
window.addEventListener('message', (e) => {
  const m = e.data;
  const f = document.getElementById('f-' + m.id);
  if (!f) return;
  f.textContent = m.feedback;
  f.className = 'feedback ' + (m.accepted ? 'ok' : 'bad');
  if (m.accepted) {
    const code = document.getElementById('code-' + m.id);
    if (code) code.classList.remove('hidden');
    document.querySelectorAll('[data-id="' + m.id + '"]').forEach((b) => { if (b.tagName === 'BUTTON') b.disabled = true; });
  }
});
</script></body></html>`;
}
