"""The HTML weekly report (ownwise.report.html) opened in headless Chromium.

No VS Code is involved: the document must render on its own, with no script and no
network, exactly as the webview and `ownwise report --format html` will show it.
The screenshot goes to test-artifacts/report/report.png.
"""

from __future__ import annotations

import random
from datetime import date, timedelta
from pathlib import Path

from ownwise.report.html import render_html

ROOT = Path(__file__).resolve().parents[2]
ARTIFACTS = ROOT / "test-artifacts" / "report"

CHART_COUNT = 5


def sample_report(weeks: int = 8, *, seed: int = 7, last: date = date(2026, 11, 23)) -> dict:
    """A plausible report (docs/report.md): AI share creeping up, explanation falling,
    the last week incomplete. Deterministic for a given seed."""
    rng = random.Random(seed)
    starts = [last - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]
    out_weeks = []
    for i, start in enumerate(starts):
        complete = i < weeks - 1
        scale = 1.0 if complete else 0.35
        t = i / max(weeks - 1, 1)
        inline = int((50 + 40 * t + rng.randint(0, 20)) * scale)
        chat = int((15 + 10 * t + rng.randint(0, 10)) * scale)
        agent = int((30 + 120 * t + rng.randint(0, 30)) * scale)
        human = int((320 - 120 * t + rng.randint(-20, 20)) * scale)
        ai = inline + chat + agent
        total = ai + human
        prompted = rng.randint(4, 9) if complete else 2
        explained = max(0, round(prompted * (0.85 - 0.45 * t)))
        cannot = min(prompted - explained, 1)
        skipped = prompted - explained - cannot
        recall_asked = rng.randint(0, 3) if i % 3 else 0
        recall_ok = min(recall_asked, rng.randint(0, 2))
        debt_core = int(ai * 0.25 * t)
        debt_rep = int(ai * 0.1 * t)
        focus = round(rng.uniform(40, 130) * scale, 1)
        goal = 90
        classes = {}
        for name, share in (("transient", 0.2), ("repeatable", 0.3), ("core", 0.5)):
            c_ai, c_h = int(ai * share), int(human * share)
            c_pr = round(prompted * share)
            c_ex = round(explained * share)
            classes[name] = {
                "aiLines": c_ai, "humanLines": c_h,
                "aiShare": round(c_ai / (c_ai + c_h), 3) if c_ai + c_h else None,
                "present": int(c_ai * 0.7), "rewritten": int(c_ai * 0.1), "gone": int(c_ai * 0.2),
                "prompted": c_pr, "explained": c_ex,
                "explanationRate": round(c_ex / c_pr, 3) if c_pr else None,
                "debtLines": {"core": debt_core, "repeatable": debt_rep}.get(name, 0),
                "noAiVelocity": round(1.2 + share, 2) if name != "transient" else None,
                "regularVelocity": round(2.0 + share * 2, 2),
            }
        out_weeks.append({
            "weekStart": start.isoformat(),
            "complete": complete,
            "output": {
                "aiLines": ai, "inlineLines": inline, "chatLines": chat, "agentLines": agent,
                "suspectedLines": rng.randint(0, 8), "humanLines": human, "totalLines": total,
                "aiShare": round(ai / total, 3) if total else None,
                "present": int(ai * 0.7), "rewritten": int(ai * 0.1), "gone": int(ai * 0.2),
            },
            "capability": {
                "prompted": prompted, "explained": explained, "cannotExplain": cannot,
                "skipped": skipped,
                "explanationRate": round(explained / prompted, 3) if prompted else None,
                "explanationRateCore": round(min(1.0, explained / prompted + 0.1), 3) if prompted else None,
                "recallAsked": recall_asked, "recallOk": recall_ok,
                "recallRate": round(recall_ok / recall_asked, 3) if recall_asked else None,
                "debtLines": debt_core + debt_rep, "debtLinesCore": debt_core,
                "debtLinesRepeatable": debt_rep,
                "focusMinutes": focus, "goalMinutes": goal, "goalMet": focus >= goal,
                "noAiVelocity": round(rng.uniform(1.4, 2.4), 2) if i % 4 != 1 else None,
                "regularVelocity": round(rng.uniform(3.0, 4.0), 2),
                "estimateErrorPct": round(rng.uniform(-20, 30), 1),
            },
            "byClass": classes,
        })
    cur = out_weeks[-1]["capability"] if out_weeks else {}
    return {
        "format": "ownwise-report/1",
        "generatedAt": f"{(last + timedelta(days=1)).isoformat()}T10:00:00.000+01:00",
        "timezone": "UTC+01:00",
        "weekStartDay": "monday",
        "range": {"from": starts[0].isoformat() if starts else last.isoformat(),
                  "to": (last + timedelta(days=6)).isoformat()},
        "classes": ["transient", "repeatable", "core"],
        "weeks": out_weeks,
        "now": {
            "debtLines": cur.get("debtLines", 0), "debtLinesCore": cur.get("debtLinesCore", 0),
            "debtLinesRepeatable": cur.get("debtLinesRepeatable", 0),
            "pendingPrompts": 2, "focusMinutesThisWeek": cur.get("focusMinutes", 0.0),
            "goalMinutes": 90, "streakWeeks": 2,
        },
        "paradox": {
            "holds": True, "weeks": 3,
            "text": "Output rose 30% over the last 3 weeks (1,000 \u2192 1,300 lines) while your "
                    "explanation rate fell from 80% to 40%.",
            "output": {"from": 1000, "to": 1300},
            "falling": [{"metric": "explanationRate", "label": "explanation rate",
                         "from": 0.8, "to": 0.4}],
        },
        "stage": {
            "id": "drift", "name": "Drift", "tagline": "fast but hollow", "weeks": 4,
            "because": ["AI wrote 62% of your lines",
                        "you explained 35% of the AI code you were asked about"],
            "practice": "Explain the core code you have not explained yet (40 lines): "
                        "run `ownwise explain`.",
            "text": "Your last 4 weeks resemble Drift (fast but hollow) <& \"quoted\">.",
            "note": "A reflection aid from your own figures, not a verdict.",
        },
    }


def _open(browser, path: Path, width: int = 1200):
    ctx = browser.new_context(viewport={"width": width, "height": 900})
    page = ctx.new_page()
    messages, errors, requests = [], [], []
    page.on("console", lambda m: messages.append((m.type, m.text)))
    page.on("pageerror", lambda e: errors.append(str(e)))
    page.on("request", lambda r: requests.append(r.url))
    page.goto(path.as_uri())
    page.wait_for_load_state("load")
    return ctx, page, messages, errors, requests


def test_report_renders_in_chromium(tmp_path, vscode_browser):
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    report = sample_report(weeks=8)
    light = tmp_path / "report.html"
    light.write_text(render_html(report), encoding="utf-8")

    ctx, page, messages, errors, requests = _open(vscode_browser, light)
    try:
        assert errors == []
        assert [m for m in messages if m[0] == "error"] == []
        assert requests == [light.as_uri()], requests

        assert page.title() == "ownwise \u2014 weekly report"
        charts = page.locator("svg.chart")
        assert charts.count() == CHART_COUNT
        for i in range(CHART_COUNT):
            box = charts.nth(i).bounding_box()
            assert box and box["width"] > 200 and box["height"] > 60, (i, box)
            assert charts.nth(i).get_attribute("role") == "img"
        # Bars and lines are really drawn (not all zero-size).
        assert page.locator("svg.chart rect.bar").count() > 8 * 3
        assert page.locator("svg.chart path.line").count() >= 3
        assert page.locator("svg.chart path.goal").count() == 1
        assert page.get_by_text("(so far)").first.is_visible()

        # The stage text's markup came through as text, not as elements.
        stage = page.locator(".stage")
        assert "<& \"quoted\">" in stage.inner_text()
        assert stage.locator("code").inner_text() == "ownwise explain"

        rows = page.locator("table.weeks tbody tr")
        assert rows.count() == 8
        assert page.locator("table.classes tbody tr").count() == 3
        light_bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
        page.screenshot(path=str(ARTIFACTS / "report.png"), full_page=True)
    finally:
        ctx.close()

    dark = tmp_path / "report-dark.html"
    dark.write_text(render_html(report, theme="dark"), encoding="utf-8")
    ctx, page, messages, errors, requests = _open(vscode_browser, dark)
    try:
        assert errors == [] and [m for m in messages if m[0] == "error"] == []
        assert requests == [dark.as_uri()], requests
        dark_bg = page.evaluate("getComputedStyle(document.body).backgroundColor")
        assert dark_bg != light_bg, (dark_bg, light_bg)
        page.screenshot(path=str(ARTIFACTS / "report-dark.png"), full_page=True)
    finally:
        ctx.close()


def test_report_edge_cases_render_in_chromium(tmp_path, vscode_browser):
    """0 weeks, a year of weeks, and the vscode theme outside VS Code (its fallbacks)."""
    ARTIFACTS.mkdir(parents=True, exist_ok=True)
    cases = {
        "empty": (render_html(sample_report(weeks=0)), 0),
        "year": (render_html(sample_report(weeks=52)), 52),
        "vscode": (render_html(sample_report(weeks=3), theme="vscode"), 3),
    }
    for name, (doc, n) in cases.items():
        path = tmp_path / f"report-{name}.html"
        path.write_text(doc, encoding="utf-8")
        ctx, page, messages, errors, requests = _open(vscode_browser, path)
        try:
            assert errors == [] and [m for m in messages if m[0] == "error"] == [], name
            assert requests == [path.as_uri()], (name, requests)
            charts = page.locator("svg.chart")
            assert charts.count() == CHART_COUNT, name
            for i in range(CHART_COUNT):
                box = charts.nth(i).bounding_box()
                assert box and box["width"] > 200 and box["height"] > 60, (name, i, box)
            assert page.locator("table.weeks tbody tr").count() == n, name
            if name == "year":
                # Thinned week labels do not overlap.
                boxes = page.evaluate("""() => Array.from(document.querySelector('svg.chart')
                    .querySelectorAll('text[text-anchor=middle]:not(.muted):not(.empty)'))
                    .map(t => t.getBoundingClientRect()).map(r => [r.left, r.right])""")
                assert len(boxes) >= 6
                for (_l1, r1), (l2, _r2) in zip(boxes, boxes[1:]):
                    assert r1 < l2, boxes
            page.screenshot(path=str(ARTIFACTS / f"report-{name}.png"), full_page=True)
        finally:
            ctx.close()
