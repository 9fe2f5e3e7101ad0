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

/** What the empty page says: when prompts appear (from the user's settings). */
export interface EmptyHints {
  idleMinutes: number;
  minLines: number;
}

export function emptyText(h: EmptyHints): string {
  const idle = `${h.idleMinutes} ${h.idleMinutes === 1 ? "minute" : "minutes"}`;
  const lines = `${h.minLines} ${h.minLines === 1 ? "line" : "lines"}`;
  return (
    "Nothing to explain right now. Prompts appear when a coding session ends (after " +
    `${idle} without edits, or with Ownwise: End Session and Explain) and it kept AI code in core or repeatable ` +
    `files, in blocks of at least ${lines} (ownwise.prompts.minLines).`
  );
}

export function renderPrompt(p: PromptItem, index: number, again = false): string {
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
  const skip = again ? "" : `<button class="secondary skip" data-id="${p.id}">Skip</button>`;
  return `<section class="prompt" id="s-${p.id}" data-id="${p.id}" aria-labelledby="h-${p.id}">
  <h2 id="h-${p.id}">${index}. <a href="#" class="loc" data-uri="${escapeHtml(p.uri)}" data-line="${p.range.startLine}">${escapeHtml(where)}</a>
    <span class="tag">${escapeHtml(p.ownershipClass)} · ${escapeHtml(p.kind)}</span>
    <span class="state" id="st-${p.id}"></span></h2>
  <details class="body" id="d-${p.id}" open><summary>Question, code and your answer</summary>
  <p class="question">${escapeHtml(p.question)}</p>
  ${code}
  <label for="a-${p.id}">Your answer</label>
  <textarea id="a-${p.id}" rows="6"></textarea>
  ${rating}
  <div class="buttons">
    <button class="submit" data-id="${p.id}">Save answer</button>
    <button class="secondary cannot" data-id="${p.id}">I ${again ? "still can't" : "can't"} explain this yet</button>
    ${skip}
  </div>
  </details>
  <p class="feedback" id="f-${p.id}" role="status" aria-live="polite"></p>
</section>`;
}

export function renderPage(
  prompts: PromptItem[],
  nonce: string,
  cspSource: string,
  cannotExplain: PromptItem[] = [],
  hints: EmptyHints = { idleMinutes: 20, minLines: 3 },
): string {
  const pending = prompts.length
    ? prompts.map((p, i) => renderPrompt(p, i + 1)).join("\n")
    : `<p class="empty">${escapeHtml(emptyText(hints))}</p>`;
  const again = cannotExplain.length
    ? `<h1 class="again">You could not explain these yet</h1>
<p>They still count as capability debt (AI code you have not explained). Answer again when you can: a saved answer clears it.</p>
${cannotExplain.map((p, i) => renderPrompt(p, i + 1, true)).join("\n")}`
    : "";
  const body = `${pending}\n${again}`;
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
button:disabled { opacity: 0.4; cursor: default; }
textarea[readonly] { opacity: 0.75; }
details.body > summary { cursor: pointer; opacity: 0.8; margin: 0.3em 0; }
.prompt:not(.done) details.body > summary { display: none; }
.state { font-size: 0.8em; margin-left: 0.5em; padding: 0.1em 0.5em; border-radius: 0.8em; }
.state.saved { color: var(--vscode-badge-foreground); background: var(--vscode-badge-background); }
.prompt.done h2 { opacity: 0.85; }
.empty { opacity: 0.9; max-width: 48em; }
h1.again { margin-top: 2em; font-size: 1.2em; }
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
const state = vscode.getState() || {};
vscode.setState(state);  // kept by VS Code: the panel comes back after a reload
window.addEventListener('message', (e) => {
  const m = e.data;
  const f = document.getElementById('f-' + m.id);
  if (!f) return;
  f.textContent = m.feedback;
  f.className = 'feedback ' + (m.accepted ? 'ok' : 'bad');
  if (m.accepted) {
    // saved: read-only and collapsed, marked as such; the code of a recall or review shows now
    const code = document.getElementById('code-' + m.id);
    if (code) code.classList.remove('hidden');
    const section = document.getElementById('s-' + m.id);
    section.classList.add('done');
    section.querySelectorAll('button').forEach((b) => { b.disabled = true; });
    section.querySelectorAll('input').forEach((i) => { i.disabled = true; });
    const box = document.getElementById('a-' + m.id);
    box.readOnly = true;
    box.setAttribute('aria-readonly', 'true');
    const st = document.getElementById('st-' + m.id);
    st.textContent = m.label || 'saved';
    st.className = 'state saved';
    const d = document.getElementById('d-' + m.id);
    d.open = false;
    d.querySelector('summary').textContent = 'Show the question, the code and your answer (read-only)';
  }
});
</script></body></html>`;
}
