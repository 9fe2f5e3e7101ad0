"""ownwise.report.html: the self-contained HTML report, checked as text (no browser)."""

from __future__ import annotations

import math
import re
from datetime import date, timedelta
from html.parser import HTMLParser

import pytest

from ownwise.report.html import render_html

CHARTS = 5
EVIL = '<script>alert("x")</script> & <b>'


def _week(start: date, complete: bool = True, **over) -> dict:
    output = {"aiLines": 120, "inlineLines": 60, "chatLines": 20, "agentLines": 40,
              "suspectedLines": 5, "humanLines": 300, "totalLines": 420, "aiShare": 0.286,
              "present": 80, "rewritten": 10, "gone": 30}
    capability = {"prompted": 6, "explained": 3, "cannotExplain": 1, "skipped": 1,
                  "explanationRate": 0.5, "explanationRateCore": 0.667,
                  "recallAsked": 2, "recallOk": 1, "recallRate": 0.5,
                  "debtLines": 40, "debtLinesCore": 30, "debtLinesRepeatable": 10,
                  "focusMinutes": 95.0, "goalMinutes": 90, "goalMet": True,
                  "noAiVelocity": 2.1, "regularVelocity": 3.4, "estimateErrorPct": 12.5}
    cls = {"aiLines": 50, "humanLines": 100, "aiShare": 0.333, "present": 30, "rewritten": 5,
           "gone": 15, "prompted": 3, "explained": 2, "explanationRate": 0.667,
           "debtLines": 30, "noAiVelocity": 1.5, "regularVelocity": 2.0}
    output.update(over.pop("output", {}))
    capability.update(over.pop("capability", {}))
    by_class = {k: dict(cls, **over.pop(k, {})) for k in ("transient", "repeatable", "core")}
    return {"weekStart": start.isoformat(), "complete": complete, "output": output,
            "capability": capability, "byClass": by_class, **over}


def report(n: int = 4, week=None, **over) -> dict:
    start = date(2026, 11, 23) - timedelta(weeks=max(n - 1, 0))
    weeks = [(week or _week)(start + timedelta(weeks=i), i < n - 1) for i in range(n)]
    r = {
        "format": "ownwise-report/1",
        "generatedAt": "2026-11-24T10:00:00.000+00:00",
        "timezone": "UTC+01:00",
        "weekStartDay": "monday",
        "range": {"from": start.isoformat(), "to": "2026-11-29"},
        "classes": ["transient", "repeatable", "core"],
        "weeks": weeks,
        "now": {"debtLines": 40, "debtLinesCore": 30, "debtLinesRepeatable": 10,
                "pendingPrompts": 2, "focusMinutesThisWeek": 30.0, "goalMinutes": 90,
                "streakWeeks": 2},
        "paradox": {"holds": True, "weeks": 3, "text": "Output rose 30% over the last 3 weeks.",
                    "output": {"from": 1000, "to": 1300},
                    "falling": [{"metric": "explanationRate", "label": "explanation rate",
                                 "from": 0.8, "to": 0.4}]},
        "stage": {"id": "drift", "name": "Drift", "tagline": "fast but hollow", "weeks": 4,
                  "because": ["AI wrote 62% of your lines"],
                  "practice": "Explain the core code: run `ownwise explain`.",
                  "text": "Your last 4 weeks resemble Drift (fast but hollow).",
                  "note": "A reflection aid from your own figures, not a verdict."},
    }
    r.update(over)
    return r


def _null_week(start: date, complete: bool = True) -> dict:
    w = _week(start, complete)
    for section in ("output", "capability"):
        w[section] = {k: None for k in w[section]}
    w["byClass"] = {k: {f: None for f in v} for k, v in w["byClass"].items()}
    return w


def _zero_week(start: date, complete: bool = True) -> dict:
    w = _week(start, complete)
    for section in ("output", "capability"):
        w[section] = {k: 0 for k in w[section]}
    w["byClass"] = {k: {f: 0 for f in v} for k, v in w["byClass"].items()}
    return w


def _huge_week(start: date, complete: bool = True) -> dict:
    return _week(start, complete, output={"inlineLines": 1_234_567, "chatLines": 2_000_000,
                                          "agentLines": 3_500_000, "humanLines": 9_876_543,
                                          "aiLines": 6_734_567, "totalLines": 16_611_110},
                 capability={"debtLines": 1_500_000, "debtLinesCore": 1_000_000,
                             "debtLinesRepeatable": 500_000, "focusMinutes": 1_000_000.5,
                             "noAiVelocity": 12345.67})


EDGE_CASES = {
    "0 weeks": report(0),
    "1 week": report(1),
    "1 complete week": report(1, week=lambda s, c: _week(s, True)),
    "all null": report(5, week=_null_week),
    "all zero": report(5, week=_zero_week),
    "huge": report(3, week=_huge_week),
    "52 weeks": report(52),
    "empty dict": {},
    "no stage": report(2, stage={"id": None, "text": "Too little data to name a stage.",
                                 "because": []},
                       paradox={"holds": False, "text": "Fewer than 3 complete weeks.",
                                "falling": []}),
    "malformed": report(2, weeks=[{"weekStart": "not a date", "output": "x", "capability": None,
                                   "byClass": {"core": {"aiLines": float("nan")}}},
                                  {"weekStart": None, "complete": False,
                                   "capability": {"focusMinutes": float("inf"),
                                                  "goalMinutes": -5, "explanationRate": 7}}],
                        now={"debtLines": float("nan")}, classes=None),
}


class _Checker(HTMLParser):
    """Collects tags; asserts non-void elements are properly nested."""

    VOID = {"meta", "br", "hr", "img", "input", "link", "source", "wbr", "col", "area",
            "base", "embed", "param", "track",
            # SVG elements written self-closing (<rect .../>) reach handle_startendtag.
            }

    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.stack: list[str] = []
        self.tags: list[tuple[str, dict]] = []
        self.text: list[str] = []

    def handle_starttag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_startendtag(self, tag, attrs):
        self.tags.append((tag, dict(attrs)))

    def handle_endtag(self, tag):
        assert self.stack and self.stack[-1] == tag, (tag, self.stack[-5:])
        self.stack.pop()

    def handle_data(self, data):
        self.text.append(data)


def parse(doc: str) -> _Checker:
    p = _Checker()
    p.feed(doc)
    p.close()
    assert p.stack == [], p.stack
    return p


# --------------------------------------------------------------------------- document

def test_document_shape_and_csp():
    doc = render_html(report())
    assert doc.startswith("<!DOCTYPE html>")
    p = parse(doc)
    assert [t for t, _ in p.tags].count("style") == 1
    csp = [a for t, a in p.tags if t == "meta" and a.get("http-equiv") == "Content-Security-Policy"]
    assert csp and csp[0]["content"].startswith("default-src 'none'")
    assert doc.index("<style>") < doc.index("</head>")
    assert "ownwise \u2014 weekly report" in doc
    assert "Everything here was computed on this machine from your own database." in doc
    # Sections in the documented order.
    order = ["weekly report", "Output rose 30%", "Drift", "Now", "Lines written",
             "Explanation and recall", "Capability debt", "No-AI focus", "Velocity",
             "Week by week", "By class"]
    pos = doc.index("<body")
    for s in order:  # each found after the previous one
        pos = doc.index(s, pos)


@pytest.mark.parametrize("theme", ["light", "dark", "vscode"])
@pytest.mark.parametrize("case", list(EDGE_CASES))
def test_no_script_no_network_no_nan(case, theme):
    doc = render_html(EDGE_CASES[case], theme=theme)
    low = doc.lower()
    assert "<script" not in low
    for bad in ("http://", "https://", "src=", "@import", "<link", "<img", "<iframe", "//"):
        if bad == "//":
            # No protocol-relative URLs anywhere (comments are not used either).
            assert not re.search(r"url\(\s*['\"]?//", low)
            continue
        assert bad not in low, bad
    assert all(u.startswith("url(#") for u in re.findall(r"url\([^)]*\)", low))
    body = doc[doc.index("<body"):]
    assert not re.search(r"\b(nan|inf|infinity|undefined)\b", body, re.I), case
    assert not re.search(r"\b(None|null|True|False)\b", body), case
    assert doc.count("<svg") == CHARTS
    p = parse(doc)
    # Every numeric SVG attribute is a finite number.
    for tag, attrs in p.tags:
        for k in ("x", "y", "x1", "x2", "y1", "y2", "cx", "cy", "r", "width", "height"):
            if tag in ("rect", "line", "circle", "text") and k in attrs:
                v = float(attrs[k])
                assert math.isfinite(v) and -1 <= v <= 1000, (case, tag, k, v)
            if tag == "rect" and k in ("width", "height") and k in attrs:
                assert float(attrs[k]) >= 0
        if tag == "path":
            nums = re.findall(r"-?\d+(?:\.\d+)?", attrs["d"])
            assert nums and all(-1 <= float(n) <= 1000 for n in nums), (case, attrs["d"])


def test_every_chart_is_an_accessible_image():
    p = parse(render_html(report(6)))
    svgs = [a for t, a in p.tags if t == "svg"]
    assert len(svgs) == CHARTS
    for a in svgs:
        assert a.get("role") == "img" and a.get("aria-label")
        assert a.get("viewbox")
    doc = render_html(report(6))
    # One chart title per svg, plus tooltips for each week in each chart.
    assert doc.count("<title>") >= 1 + CHARTS + CHARTS * 6
    assert "Week of Nov 23, 2026 (so far)" in doc


# --------------------------------------------------------------------------- escaping

def test_report_strings_are_escaped():
    r = report(3)
    r["stage"].update(text=EVIL, name=EVIL, tagline=EVIL, because=[EVIL], practice=EVIL, note=EVIL)
    r["paradox"]["text"] = EVIL
    r["timezone"] = EVIL
    r["range"] = {"from": EVIL, "to": EVIL}
    r["classes"] = ["core", EVIL]
    r["weeks"][0]["weekStart"] = EVIL
    r["weeks"][-1]["byClass"][EVIL] = r["weeks"][-1]["byClass"]["core"]
    doc = render_html(r)
    assert "<script" not in doc.lower()
    assert "<b>" not in doc
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;b&gt;" in doc
    # As text, the browser shows exactly the original string.
    text = "".join(parse(doc).text)
    assert text.count(EVIL) >= 8


def test_backticks_become_code_after_escaping():
    r = report(2)
    r["stage"]["practice"] = "run `ownwise <explain> & go` now"
    doc = render_html(r)
    assert "<code>ownwise &lt;explain&gt; &amp; go</code>" in doc


# --------------------------------------------------------------------------- values

def _table(doc: str, cls: str) -> list[list[str]]:
    body = doc[doc.index(f'<table class="{cls}"'):]
    body = body[:body.index("</table>")]
    rows = re.findall(r"<tr[^>]*>(.*?)</tr>", body.split("<tbody>")[1], re.S)
    return [[re.sub(r"<[^>]+>", "", c) for c in re.findall(r"<td[^>]*>(.*?)</td>", row, re.S)]
            for row in rows]


def test_nulls_show_as_dash_and_rates_as_percent():
    r = report(3)
    r["weeks"][1]["capability"].update(recallRate=None, explanationRate=None, noAiVelocity=None)
    r["weeks"][2]["byClass"]["core"]["explanationRate"] = None
    doc = render_html(r)
    weeks = _table(doc, "weeks")
    assert len(weeks) == 3
    assert weeks[0][6:8] == ["50%", "50%"]
    assert weeks[1][6:8] == ["\u2014", "\u2014"]
    assert weeks[1][11] == "\u2014"
    assert weeks[0][3] == "28.6%"
    assert "(so far)" in weeks[2][0] and "(so far)" not in weeks[0][0]
    classes = _table(doc, "classes")
    assert [row[0] for row in classes] == ["transient", "repeatable", "core"]
    assert classes[2][9] == "\u2014" and classes[1][9] == "66.7%"


def test_thousands_separators_and_compact_axis():
    doc = render_html(report(3, week=_huge_week))
    weeks = _table(doc, "weeks")
    assert weeks[0][1] == "16,611,110" and weeks[0][2] == "6,734,567"
    assert weeks[0][9] == "1,000,000.5"
    assert "9,876,543" in doc
    assert re.search(r">\d+(\.\d)?M</text>", doc)  # y axis of the output chart


def test_fifty_two_weeks_thins_the_labels():
    doc = render_html(report(52))
    first = doc[doc.index("<svg"):doc.index("</svg>")]
    labels = re.findall(r'<text [^>]*text-anchor="middle">([^<]+)</text>', first)
    assert 6 <= len(labels) <= 14
    assert labels[-1] == "Nov 23"  # the current week keeps its label
    assert len(_table(doc, "weeks")) == 52


def test_stage_without_id_shows_text_only():
    r = report(2, stage={"id": None, "name": None, "text": "AI writes under 20% of your lines.",
                         "because": [], "practice": None, "note": "small print"})
    doc = render_html(r)
    stage = doc[doc.index('class="box stage"'):]
    stage = stage[:stage.index("</section>")]
    assert "AI writes under 20% of your lines." in stage
    assert "Practice" not in stage and "Because" not in stage


def test_paradox_highlight_only_when_it_holds():
    assert 'class="box paradox holds"' in render_html(report(4))
    r = report(4, paradox={"holds": False, "text": "Nothing to say.", "falling": []})
    doc = render_html(r)
    assert 'class="box paradox"' in doc and "holds" not in doc.split("<body", 1)[1]


def test_now_figures():
    doc = render_html(report(2))
    now = doc[doc.index("<h2>Now</h2>"):doc.index("<h2>Trends</h2>")]
    text = re.sub(r"<[^>]+>", " ", now)
    assert re.search(r"40\s+lines", text) and "core 30" in text and "repeatable 10" in text
    assert re.search(r"30\s+/ 90 min", text) and "60 min to go" in text
    assert "2 weeks" in text and re.search(r">2</div>", now)
    assert 'style="width:33.3%"' in now


def test_incomplete_week_is_marked_in_charts():
    doc = render_html(report(4))
    assert doc.count('class="partial-band"') == CHARTS
    assert doc.count("(so far)</text>") == CHARTS
    assert "line dashed" in doc
    full = render_html(report(4, week=lambda s, c: _week(s, True)))
    assert 'class="partial-band"' not in full and "(so far)" not in full


def test_themes():
    light, dark, vs = (render_html(report(3), theme=t) for t in ("light", "dark", "vscode"))
    for var in ("--vscode-editor-foreground", "--vscode-editor-background", "--vscode-charts-blue",
                "--vscode-charts-orange", "--vscode-charts-green", "--vscode-charts-red",
                "--vscode-charts-yellow", "--vscode-charts-purple", "--vscode-font-family"):
        assert f"var({var}," in vs, var
    assert "--vscode-charts" not in light and "--vscode-charts" not in dark
    bg = re.compile(r"--bg:([^;]+);")
    assert bg.search(light).group(1) != bg.search(dark).group(1)
    # Colours come from CSS classes, never from fill/stroke attributes.
    for doc in (light, dark, vs):
        assert not re.search(r'\s(fill|stroke)="(?!url\(#)', doc)
        assert "currentColor" in doc


def test_unknown_theme_is_refused():
    with pytest.raises(ValueError):
        render_html(report(1), theme="neon")
