"""Ownwise: Show Report in a real VS Code (code-server 4.139.1): the weekly report in a webview.

One AI line is accepted with Tab from the stand-in AI, then the command runs from the palette.
The report is read back inside the webview (code-server nests it: `iframe.webview` holds
`iframe#active-frame`, which holds the server's document). Screenshot:
test-artifacts/vscode/report-webview.png.
"""

from __future__ import annotations

import re

from .harness import active_tab_label, focus_editor, run_command, screenshot
from .test_ownwise_vscode import accept_ai, accept_counted, export, open_engine, ownwise_vsix, start, status_text, until  # noqa: F401

WEBVIEW = "iframe.webview.ready"
DOCUMENT = "iframe#active-frame"

_TO_RGB = """(colour) => {
  // any CSS colour (#1f1f1f, rgb(...)) as the browser computes it
  const el = document.createElement('div');
  el.style.color = colour;
  document.body.appendChild(el);
  const rgb = getComputedStyle(el).color;
  el.remove();
  return rgb;
}"""

_PAGE_FACTS = """(_body) => {
  const visible = (el) => { const r = el.getBoundingClientRect(); return r.width > 0 && r.height > 0; };
  // the first element from body up with a background of its own (not transparent)
  let bg = 'rgba(0, 0, 0, 0)';
  for (const el of [document.body, document.documentElement]) {
    const c = getComputedStyle(el).backgroundColor;
    if (c && c !== 'transparent' && c !== 'rgba(0, 0, 0, 0)') { bg = c; break; }
  }
  return {
    text: document.body.innerText,
    svgs: [...document.querySelectorAll('svg')].filter((s) => !s.parentElement.closest('svg')).map((s) => {
      const r = s.getBoundingClientRect();
      return [Math.round(r.width), Math.round(r.height)];
    }),
    visibleSvgs: [...document.querySelectorAll('svg')].filter(visible).length,
    background: bg,
    themeBackground: getComputedStyle(document.documentElement).getPropertyValue('--vscode-editor-background').trim(),
    scripts: document.querySelectorAll('script').length,
  };
}"""

_WEEK_TABLE = """(_body) => {
  // the week-by-week table (first column "Week"): its rows, and the "AI lines" cell of the
  // last one (weeks are oldest first, so that is this week)
  for (const table of document.querySelectorAll('table')) {
    const heads = [...table.querySelectorAll('thead th')].map((th) => th.innerText.trim());
    const col = heads.findIndex((h) => /^AI lines$/i.test(h));
    if (heads[0] !== 'Week' || col < 0) continue;
    const rows = [...table.querySelectorAll('tbody tr')];
    return { weeks: rows.map((tr) => tr.children[0].innerText.trim()),
             aiLines: rows.length ? rows[rows.length - 1].children[col].innerText.trim() : null };
  }
  return null;
}"""


def ai_lines(table: dict | None) -> int:
    cell = (table or {}).get("aiLines") or ""
    return int(re.sub(r"[^\d]", "", cell) or 0)


def report_tabs(page) -> list[str]:
    return [t.strip() for t in page.locator(".tabs-container .tab .label-name").all_inner_texts()
            if "Ownwise Report" in t]


def test_show_report_in_a_webview(tmp_path, code_server, vscode_page, fixture_ai_vsix, ownwise_vsix):
    ws, db, settings, env = start(tmp_path, {"workbench.colorTheme": "Default Dark Modern",
                                             "ownwise.report.weeks": 4})
    with code_server(ws, [fixture_ai_vsix, ownwise_vsix], settings, env) as server:
        page = vscode_page(server)
        open_engine(page)
        accept_counted(page)
        until(lambda: export(db)["edits"], 15, "the accepted completion is stored")

        run_command(page, "Ownwise: Show Report")
        doc = page.frame_locator(WEBVIEW).frame_locator(DOCUMENT)
        doc.locator("body").get_by_text(re.compile("weekly report", re.I)).first.wait_for(timeout=30_000)
        page.wait_for_timeout(500)  # layout of the charts

        body = doc.locator("body")
        facts = body.evaluate(_PAGE_FACTS)
        assert "weekly report" in facts["text"].lower()
        sized = [s for s in facts["svgs"] if s[0] > 0 and s[1] > 0]
        assert len(sized) >= 3, f"charts with a size: {facts['svgs']}"
        assert facts["scripts"] == 0

        # ownwise.report.weeks = 4 weeks, and this week's output has the AI line
        table = body.evaluate(_WEEK_TABLE)
        assert table is not None, "a week-by-week table with an 'AI lines' column"
        assert len(table["weeks"]) == 4, table
        assert "so far" in table["weeks"][-1]
        assert ai_lines(table) >= 1, table

        # the page follows VS Code's theme: its background is the workbench's editor background
        workbench_bg = page.evaluate(
            "() => getComputedStyle(document.querySelector('.monaco-workbench'))"
            ".getPropertyValue('--vscode-editor-background').trim()")
        assert workbench_bg, "the workbench defines --vscode-editor-background"
        assert facts["themeBackground"], "VS Code gave the webview its theme variables"
        assert page.evaluate(_TO_RGB, workbench_bg) == page.evaluate(_TO_RGB, facts["themeBackground"])
        assert facts["background"] == page.evaluate(_TO_RGB, workbench_bg), (
            f"webview background {facts['background']} is not the editor background {workbench_bg}")
        assert facts["background"] not in ("rgb(255, 255, 255)",)  # dark theme: not a fixed white page
        screenshot(page, "report-webview", readme="report")

        # a second AI line, then the command again: the same panel, refreshed. Back to the file by
        # its tab: Quick Open's Ctrl+P does not reach the workbench while the webview has the focus
        def back_to_engine() -> bool:
            if "engine.py" not in active_tab_label(page):
                page.locator(".tabs-container .tab", has_text="engine.py").first.click()
            return "engine.py" in active_tab_label(page)

        until(back_to_engine, 30, "engine.py is the active tab again")
        focus_editor(page)
        accept_ai(page)
        until(lambda: "2 AI" in status_text(page), 15, "the second AI line is counted")
        run_command(page, "Ownwise: Show Report")
        until(lambda: ai_lines(body.evaluate(_WEEK_TABLE)) >= 2, 30, "the report is rebuilt in the panel")
        assert report_tabs(page) == ["Ownwise Report"]
        assert page.locator("iframe.webview").count() == 1
        # the progress notification goes away once the report is there
        page.locator(".notification-toast", has_text="building the report").wait_for(state="hidden", timeout=10_000)
        screenshot(page, "report-webview-refreshed")
