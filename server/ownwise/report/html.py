"""The weekly report as one self-contained HTML5 document (docs/report.md).

`render_html(report, theme=...)` takes the report dict (the JSON contract in
docs/report.md) and returns a document that needs nothing from the network and
runs no script: all CSS sits in one <style> element, the charts are inline SVG
styled through CSS classes, so it also works in a VS Code webview under a strict
Content-Security-Policy. Standard library only.

Themes: "light" and "dark" use fixed palettes; "vscode" takes its colours and
font from VS Code's CSS variables (with fallbacks), so the webview follows the
editor's theme.
"""

from __future__ import annotations

import html
import math
import re
from collections.abc import Callable, Iterable, Sequence
from datetime import date, datetime
from typing import Any

from .words import TERMS, human_lines_note

__all__ = ["render_html", "THEMES"]

THEMES = ("light", "dark", "vscode")

DASH = "\u2014"  # "—": no data

_MONTHS = ("Jan", "Feb", "Mar", "Apr", "May", "Jun",
           "Jul", "Aug", "Sep", "Oct", "Nov", "Dec")

_CLASS_ORDER = ("transient", "repeatable", "core")

# ----------------------------------------------------------------------------- palettes

_PALETTES: dict[str, dict[str, str]] = {
    "light": {
        "scheme": "light",
        "bg": "#ffffff", "fg": "#1f2328", "muted": "#59636e", "border": "#d1d9e0",
        "grid": "#e8ecf0", "card": "#f6f8fa", "code-bg": "#eff2f5",
        "hl-bg": "#fff5e0", "hl-border": "#d4750f",
        "font": "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, 'Helvetica Neue', "
                "Arial, sans-serif",
        "inline": "#2f6fdb", "chat": "#8250df", "agent": "#d4750f", "human": "#2da44e",
        "expl": "#2f6fdb", "recall": "#8250df",
        "core": "#cf222e", "rep": "#d4a017",
        "focus": "#2da44e", "goal": "#1f2328",
        "noai": "#2da44e", "reg": "#2f6fdb",
        "bar-track": "#e8ecf0",
    },
    "dark": {
        "scheme": "dark",
        "bg": "#1b1d21", "fg": "#e4e6ea", "muted": "#9aa1ab", "border": "#3b3f46",
        "grid": "#2c2f35", "card": "#23262b", "code-bg": "#2e3238",
        "hl-bg": "#3a2d12", "hl-border": "#f0a040",
        "font": "-apple-system, BlinkMacSystemFont, 'Segoe UI', Roboto, 'Helvetica Neue', "
                "Arial, sans-serif",
        "inline": "#5b9dff", "chat": "#b58cf5", "agent": "#f0a040", "human": "#5cc47a",
        "expl": "#5b9dff", "recall": "#b58cf5",
        "core": "#f26b6b", "rep": "#eec54e",
        "focus": "#5cc47a", "goal": "#e4e6ea",
        "noai": "#5cc47a", "reg": "#5b9dff",
        "bar-track": "#2c2f35",
    },
    "vscode": {
        "scheme": "light dark",
        "bg": "var(--vscode-editor-background, #ffffff)",
        "fg": "var(--vscode-editor-foreground, #333333)",
        "muted": "var(--vscode-descriptionForeground, #717171)",
        "border": "var(--vscode-panel-border, var(--vscode-widget-border, rgba(128, 128, 128, 0.35)))",
        "grid": "var(--vscode-editorRuler-foreground, rgba(128, 128, 128, 0.2))",
        "card": "var(--vscode-textBlockQuote-background, rgba(128, 128, 128, 0.08))",
        "code-bg": "var(--vscode-textCodeBlock-background, rgba(128, 128, 128, 0.15))",
        "hl-bg": "var(--vscode-inputValidation-warningBackground, rgba(209, 134, 22, 0.15))",
        "hl-border": "var(--vscode-charts-orange, #d18616)",
        "font": "var(--vscode-font-family, -apple-system, BlinkMacSystemFont, 'Segoe UI', "
                "sans-serif)",
        "inline": "var(--vscode-charts-blue, #3794ff)",
        "chat": "var(--vscode-charts-purple, #b180d7)",
        "agent": "var(--vscode-charts-orange, #d18616)",
        "human": "var(--vscode-charts-green, #89d185)",
        "expl": "var(--vscode-charts-blue, #3794ff)",
        "recall": "var(--vscode-charts-purple, #b180d7)",
        "core": "var(--vscode-charts-red, #f14c4c)",
        "rep": "var(--vscode-charts-yellow, #cca700)",
        "focus": "var(--vscode-charts-green, #89d185)",
        "goal": "var(--vscode-editor-foreground, #333333)",
        "noai": "var(--vscode-charts-green, #89d185)",
        "reg": "var(--vscode-charts-blue, #3794ff)",
        "bar-track": "var(--vscode-editorRuler-foreground, rgba(128, 128, 128, 0.2))",
    },
}

# Series colours; each becomes `.s-NAME { fill; stroke }` and `.sw.s-NAME` (legend swatch).
_SERIES = ("inline", "chat", "agent", "human", "expl", "recall", "core", "rep",
           "focus", "noai", "reg")

_CSS = """
*{box-sizing:border-box}
html{color-scheme:%(scheme)s}
body{margin:0;background:var(--bg);color:var(--fg);font-family:%(font)s;
 font-size:var(--vscode-font-size,14px);line-height:1.45}
main{max-width:1040px;margin:0 auto;padding:20px 24px 40px}
h1{font-size:1.55em;margin:0 0 4px;font-weight:600}
h2{font-size:1.12em;margin:28px 0 10px;font-weight:600}
h3{font-size:1em;margin:0 0 6px;font-weight:600}
p{margin:4px 0}
code{font-family:var(--vscode-editor-font-family,ui-monospace,SFMono-Regular,Menlo,Consolas,monospace);
 font-size:.92em;background:var(--code-bg);padding:1px 4px;border-radius:3px}
.meta,.muted{color:var(--muted)}
.meta{font-size:.92em}
.meta span+span::before{content:" \\00b7  "}
.local{font-size:.9em;color:var(--muted);margin-top:2px}
.boxes{display:grid;align-items:start;grid-template-columns:repeat(auto-fit,minmax(320px,1fr));gap:14px;margin-top:18px}
.box{background:var(--card);border:1px solid var(--border);border-radius:6px;padding:12px 14px}
.box.holds{background:var(--hl-bg);border-color:var(--hl-border);border-left-width:4px}
.box .label{font-size:.78em;text-transform:uppercase;letter-spacing:.05em;color:var(--muted);margin-bottom:4px}
.box ul{margin:6px 0;padding-left:20px}
.box .note{font-size:.8em;color:var(--muted);margin-top:8px}
.stage-name{font-weight:600}
.figures{display:grid;grid-template-columns:repeat(auto-fit,minmax(200px,1fr));gap:12px}
.fig{border:1px solid var(--border);border-radius:6px;padding:10px 12px}
.fig .k{font-size:.8em;color:var(--muted)}
.fig .v{font-size:1.45em;font-weight:600;font-variant-numeric:tabular-nums}
.fig .v small{font-size:.6em;font-weight:400;color:var(--muted)}
.fig .d{font-size:.85em;color:var(--muted)}
.progress{height:6px;background:var(--bar-track);border-radius:3px;margin-top:6px;overflow:hidden}
.progress>div{height:100%%;background:var(--c-focus)}
.charts{display:grid;grid-template-columns:repeat(auto-fit,minmax(420px,1fr));gap:18px}
figure{margin:0;border:1px solid var(--border);border-radius:6px;padding:10px 12px 6px}
figcaption{font-weight:600;margin-bottom:2px}
figcaption .muted{font-weight:400;font-size:.88em}
.legend{display:flex;flex-wrap:wrap;gap:4px 14px;font-size:.85em;color:var(--muted);margin:2px 0 4px}
.legend span{display:inline-flex;align-items:center;gap:5px}
.sw{display:inline-block;width:11px;height:11px;border-radius:2px}
.sw.line{height:3px;border-radius:1px}
.sw.dash{height:0;width:16px;border-top:2px dashed var(--c-goal);border-radius:0}
.sw.partial{background-image:repeating-linear-gradient(45deg,var(--muted) 0 2px,transparent 2px 5px);
 opacity:.7;border:1px solid var(--border)}
svg.chart{display:block;width:100%%;height:auto;color:var(--fg);overflow:visible}
svg.chart text{fill:currentColor;font-size:10.5px;font-family:inherit}
svg.chart text.muted{fill:var(--muted)}
svg.chart text.empty{fill:var(--muted);font-size:13px}
svg.chart .grid{stroke:var(--grid);stroke-width:1}
svg.chart .axis{stroke:var(--border);stroke-width:1}
svg.chart .hatch{stroke:currentColor;stroke-opacity:.16;stroke-width:2}
svg.chart .partial-band{stroke:none}
svg.chart .partial{fill-opacity:.5}
svg.chart .line{fill:none;stroke-width:2.2;stroke-linecap:round;stroke-linejoin:round}
svg.chart .line.dashed{stroke-dasharray:4 4;stroke-opacity:.75}
svg.chart circle.dot{stroke:var(--bg);stroke-width:1.2}
svg.chart .goal{fill:none;stroke:var(--c-goal);stroke-width:1.6;stroke-dasharray:6 4}
svg.chart .hit{fill:transparent;stroke:none}
svg.chart .hit:hover{fill:currentColor;fill-opacity:.06}
svg.chart rect.bar{stroke:none}
.table-wrap{overflow-x:auto;border:1px solid var(--border);border-radius:6px}
table{border-collapse:collapse;width:100%%;font-size:.88em}
th,td{padding:5px 8px;border-bottom:1px solid var(--border);white-space:nowrap}
th{white-space:normal;vertical-align:bottom}
tr:last-child td{border-bottom:none}
th{text-align:left;font-weight:600;color:var(--muted);background:var(--card)}
th.num,td.num{text-align:right;font-variant-numeric:tabular-nums}
tr.partial td{color:var(--muted);font-style:italic}
.small{font-size:.8em}
footer{margin-top:26px;font-size:.8em;color:var(--muted)}
"""

# ----------------------------------------------------------------------------- values

def _esc(value: Any) -> str:
    return html.escape("" if value is None else str(value), quote=True)


def _rich(value: Any) -> str:
    """Escaped text where `code` spans become <code> (escaping happens first)."""
    return re.sub(r"`([^`\n]+)`", r"<code>\1</code>", _esc(value))


def _num(value: Any) -> float | None:
    """A finite number, or None ("no data") for null, missing, NaN, inf, bools or text."""
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        return None
    v = float(value)
    return v if math.isfinite(v) else None


def _dict(value: Any) -> dict:
    return value if isinstance(value, dict) else {}


def _list(value: Any) -> list:
    return value if isinstance(value, list) else []


def _fmt(value: Any, decimals: int = 0, *, strip: bool = True) -> str:
    """1234567 -> "1,234,567"; 95.0 -> "95" (strip) or "95.0"; None -> "—"."""
    v = _num(value)
    if v is None:
        return DASH
    s = f"{v:,.{decimals}f}"
    if strip and "." in s:
        s = s.rstrip("0").rstrip(".")
    if s.startswith("-") and not s.strip("-0.,"):
        s = s[1:]  # no "-0"
    return s


def _vel(value: Any) -> str:
    return _fmt(value, 2, strip=False)


def _mins(value: Any) -> str:
    return _fmt(value, 1, strip=False)


def _pct(value: Any) -> str:
    v = _num(value)
    return DASH if v is None else _fmt(v * 100, 1) + "%"


def _compact(v: float) -> str:
    """Axis labels: 1500 -> "1.5k", 2000000 -> "2M"."""
    a = abs(v)
    for limit, suffix in ((1e9, "G"), (1e6, "M"), (1e3, "k")):
        if a >= limit:
            return _fmt(v / limit, 1) + suffix
    return _fmt(v, 2)


def _parse_date(value: Any) -> date | None:
    if not isinstance(value, str):
        return None
    try:
        return date.fromisoformat(value[:10])
    except ValueError:
        return None


def _short_date(value: Any) -> str:
    d = _parse_date(value)
    return f"{_MONTHS[d.month - 1]} {d.day}" if d else str(value if value is not None else "?")


def _long_date(value: Any) -> str:
    d = _parse_date(value)
    return f"{_MONTHS[d.month - 1]} {d.day}, {d.year}" if d else str(value if value is not None else "?")


def _generated(value: Any) -> str:
    if not isinstance(value, str):
        return DASH
    try:
        dt = datetime.fromisoformat(value)
    except ValueError:
        return value
    return dt.strftime("%Y-%m-%d %H:%M")


def _plural(n: float | None, word: str) -> str:
    if n is None:
        return DASH
    return f"{_fmt(n)} {word}{'' if n == 1 else 's'}"


# ----------------------------------------------------------------------------- charts

_W, _H = 500, 215
_ML, _MR, _MT, _MB = 42, 8, 10, 38
_PW, _PH = _W - _ML - _MR, _H - _MT - _MB


def _c(v: float) -> str:
    """A coordinate for SVG: finite, short."""
    if not math.isfinite(v):
        v = 0.0
    s = f"{v:.1f}"
    return s[:-2] if s.endswith(".0") else s


def _nice_scale(maxv: float, floor_max: float, ticks: int = 4) -> tuple[float, list[float]]:
    """(ymax, tick values) covering maxv with `ticks` equal round steps."""
    m = max(maxv if math.isfinite(maxv) else 0.0, floor_max, 1e-9)
    raw = m / ticks
    mag = 10 ** math.floor(math.log10(raw))
    step = mag * 10
    for mult in (1, 2, 2.5, 5, 10):
        if mult * mag * ticks >= m * (1 - 1e-9):
            step = mult * mag
            break
    return step * ticks, [step * i for i in range(ticks + 1)]


class _Chart:
    """Geometry and the shared frame (grid, axes, week labels, current-week band)."""

    def __init__(self, key: str, weeks: list[dict], ymax: float):
        self.key = key
        self.weeks = weeks
        self.n = len(weeks)
        self.ymax = ymax if ymax > 0 else 1.0
        self.band = _PW / self.n if self.n else _PW

    def x0(self, i: int) -> float:
        return _ML + i * self.band

    def xc(self, i: int) -> float:
        return _ML + (i + 0.5) * self.band

    def y(self, v: float) -> float:
        v = min(max(v, 0.0), self.ymax)
        return _MT + _PH - v / self.ymax * _PH

    def partial(self, i: int) -> bool:
        return self.weeks[i].get("complete") is False

    def label(self, i: int) -> str:
        w = self.weeks[i]
        text = f"Week of {_long_date(w.get('weekStart'))}"
        return text + " (so far)" if self.partial(i) else text

    def open(self, title: str, summary: str) -> list[str]:
        pid = f"ow-hatch-{self.key}"
        return [
            f'<svg class="chart" viewBox="0 0 {_W} {_H}" role="img" '
            f'aria-label="{_esc(title + ". " + summary)}">',
            f"<title>{_esc(title)}</title>",
            f'<defs><pattern id="{pid}" width="6" height="6" patternUnits="userSpaceOnUse" '
            f'patternTransform="rotate(45)"><line class="hatch" x1="0" y1="0" x2="0" y2="6"/>'
            f"</pattern></defs>",
        ]

    def frame(self, ticks: Sequence[float], tick_fmt: Callable[[float], str]) -> list[str]:
        out: list[str] = []
        pid = f"ow-hatch-{self.key}"
        for i in range(self.n):
            if self.partial(i):
                out.append(f'<rect class="partial-band" x="{_c(self.x0(i))}" y="{_MT}" '
                           f'width="{_c(self.band)}" height="{_PH}" fill="url(#{pid})"/>')
        for t in ticks:
            y = _c(self.y(t))
            out.append(f'<line class="grid" x1="{_ML}" x2="{_W - _MR}" y1="{y}" y2="{y}"/>')
            out.append(f'<text x="{_ML - 6}" y="{_c(self.y(t) + 4)}" text-anchor="end" '
                       f'class="muted">{_esc(tick_fmt(t))}</text>')
        return out

    def axis(self) -> list[str]:
        base = _c(self.y(0))
        out = [f'<line class="axis" x1="{_ML}" x2="{_W - _MR}" y1="{base}" y2="{base}"/>']
        if not self.n:
            return out
        # Thin the labels to one per ~48 units, always keeping the last (current) week.
        step = max(1, math.ceil(48 / self.band))
        ly = _MT + _PH + 15
        for i in range(self.n):
            if (self.n - 1 - i) % step:
                continue
            x = _c(self.xc(i))
            out.append(f'<text x="{x}" y="{ly}" text-anchor="middle">'
                       f'{_esc(_short_date(self.weeks[i].get("weekStart")))}</text>')
            if self.partial(i):
                out.append(f'<text x="{x}" y="{ly + 13}" text-anchor="middle" class="muted">'
                           f"(so far)</text>")
        return out

    def empty(self, message: str) -> str:
        return (f'<text class="empty" x="{_c(_ML + _PW / 2)}" y="{_c(_MT + _PH / 2)}" '
                f'text-anchor="middle">{_esc(message)}</text>')

    def hits(self, tooltips: list[str]) -> list[str]:
        return [f'<rect class="hit" x="{_c(self.x0(i))}" y="{_MT}" width="{_c(self.band)}" '
                f'height="{_PH}"><title>{_esc(tip)}</title></rect>'
                for i, tip in enumerate(tooltips)]


def _series_max(series: Iterable[list[float | None]], stacked: bool) -> float:
    cols = list(zip(*series))
    if not cols:
        return 0.0
    if stacked:
        return max(sum(max(v or 0.0, 0.0) for v in col) for col in cols)
    return max((v for col in cols for v in col if v is not None), default=0.0)


def _bar_chart(key: str, weeks: list[dict], title: str, unit: str,
               series: list[tuple[str, str, list[float | None]]], *,
               floor_max: float = 4, tick_fmt: Callable[[float], str] = _compact,
               value_fmt: Callable[[Any], str] = _fmt,
               goal: list[float | None] | None = None, goal_label: str = "goal") -> str:
    """Stacked bars; series = [(label, css series name, values)], bottom first."""
    top = _series_max([s[2] for s in series], stacked=True)
    if goal:
        top = max(top, max((g for g in goal if g is not None), default=0.0))
    ymax, ticks = _nice_scale(top, floor_max)
    ch = _Chart(key, weeks, ymax)
    summary = f"{ch.n} weeks" if ch.n != 1 else "1 week"
    out = ch.open(title, f"{summary}; values in {unit}")
    out += ch.frame(ticks, tick_fmt)
    has_data = any(v for _, _, vals in series for v in vals if v)
    bw = min(ch.band * 0.68, 34)
    tips: list[str] = []
    for i in range(ch.n):
        x = _c(ch.xc(i) - bw / 2)
        acc = 0.0
        cls = " partial" if ch.partial(i) else ""
        lines = [ch.label(i)]
        for label, css, vals in series:
            v = vals[i]
            lines.append(f"{label}: {value_fmt(v)}" + (f" {unit}" if v is not None else ""))
            if v is None or v <= 0:
                continue
            y1, y2 = ch.y(acc + v), ch.y(acc)
            acc += v
            out.append(f'<rect class="bar s-{css}{cls}" x="{x}" y="{_c(y1)}" width="{_c(bw)}" '
                       f'height="{_c(max(y2 - y1, 0.0))}"/>')
        if len(series) > 1:
            total = [vals[i] for _, _, vals in series if vals[i] is not None]
            lines.append(f"Total: {value_fmt(sum(total)) if total else DASH}"
                         + (f" {unit}" if total else ""))
        if goal is not None:
            lines.append(f"{goal_label.capitalize()}: {value_fmt(goal[i])}"
                         + (f" {unit}" if goal[i] is not None else ""))
        tips.append("\n".join(lines))
    if goal is not None:
        d: list[str] = []
        prev = None
        for i, g in enumerate(goal):
            if g is None:
                prev = None
                continue
            y = _c(ch.y(g))
            d.append(f"{'M' if prev is None else 'L'}{_c(ch.x0(i))} {y}L{_c(ch.x0(i) + ch.band)} {y}")
            prev = g
        if d:
            out.append(f'<path class="goal" d="{"".join(d)}"/>')
    out += ch.axis()
    if not ch.n:
        out.append(ch.empty("No weeks in this range"))
    elif not has_data:
        out.append(ch.empty("No data yet"))
    out += ch.hits(tips)
    out.append("</svg>")
    return "".join(out)


def _line_chart(key: str, weeks: list[dict], title: str, unit: str,
                series: list[tuple[str, str, list[float | None]]], *,
                fixed_max: float | None = None, floor_max: float = 1,
                tick_fmt: Callable[[float], str] = _compact,
                value_fmt: Callable[[Any], str] = _fmt) -> str:
    """Lines with a gap where a value is null; a segment into an incomplete week is dashed."""
    if fixed_max is not None:
        ymax, ticks = _nice_scale(fixed_max, fixed_max)
    else:
        ymax, ticks = _nice_scale(_series_max([s[2] for s in series], stacked=False), floor_max)
    ch = _Chart(key, weeks, ymax)
    summary = f"{ch.n} weeks" if ch.n != 1 else "1 week"
    out = ch.open(title, f"{summary}; values in {unit}")
    out += ch.frame(ticks, tick_fmt)
    has_data = False
    for _label, css, vals in series:
        solid: list[str] = []
        dashed: list[str] = []
        for i in range(ch.n - 1):
            a, b = vals[i], vals[i + 1]
            if a is None or b is None:
                continue
            seg = f"M{_c(ch.xc(i))} {_c(ch.y(a))}L{_c(ch.xc(i + 1))} {_c(ch.y(b))}"
            (dashed if ch.partial(i) or ch.partial(i + 1) else solid).append(seg)
        if solid:
            out.append(f'<path class="line s-{css}" d="{"".join(solid)}"/>')
        if dashed:
            out.append(f'<path class="line dashed s-{css}" d="{"".join(dashed)}"/>')
        r = 3.2 if ch.n <= 26 else 2.2
        for i, v in enumerate(vals):
            if v is None:
                continue
            has_data = True
            cls = " partial" if ch.partial(i) else ""
            out.append(f'<circle class="dot s-{css}{cls}" cx="{_c(ch.xc(i))}" cy="{_c(ch.y(v))}" '
                       f'r="{r}"/>')
    tips = []
    for i in range(ch.n):
        lines = [ch.label(i)]
        for label, _css, vals in series:
            v = vals[i]
            lines.append(f"{label}: {value_fmt(v)}" + (f" {unit}" if v is not None and unit != "%" else ""))
        tips.append("\n".join(lines))
    out += ch.axis()
    if not ch.n:
        out.append(ch.empty("No weeks in this range"))
    elif not has_data:
        out.append(ch.empty("No data yet"))
    out += ch.hits(tips)
    out.append("</svg>")
    return "".join(out)


def _legend(items: list[tuple[str, str]], partial: bool) -> str:
    """items = [(label, swatch classes)]."""
    parts = [f'<span><i class="sw {cls}"></i>{_esc(label)}</span>' for label, cls in items]
    if partial:
        parts.append('<span><i class="sw partial"></i>current week (so far)</span>')
    return f'<div class="legend">{"".join(parts)}</div>'


def _figure(title: str, note: str, legend: str, svg: str) -> str:
    note_html = f' <span class="muted">{_esc(note)}</span>' if note else ""
    return f"<figure><figcaption>{_esc(title)}{note_html}</figcaption>{legend}{svg}</figure>"


def _charts(weeks: list[dict]) -> str:
    def col(section: str, key: str) -> list[float | None]:
        return [_num(_dict(w.get(section)).get(key)) for w in weeks]

    partial = any(w.get("complete") is False for w in weeks)

    def rate(v: Any) -> str:
        return _pct(v)

    figs = []
    figs.append(_figure(
        "Lines written", "per week",
        _legend([("inline", "s-inline"), ("chat", "s-chat"), ("agent", "s-agent"),
                 ("human", "s-human")], partial),
        _bar_chart("output", weeks, "Lines written per week: AI by kind and human", "lines", [
            ("AI inline", "inline", col("output", "inlineLines")),
            ("AI chat", "chat", col("output", "chatLines")),
            ("AI agent", "agent", col("output", "agentLines")),
            ("Human", "human", col("output", "humanLines")),
        ])))
    figs.append(_figure(
        "Explanation and recall", "rate of AI code you could explain / recall",
        _legend([("explanation rate", "line s-expl"), ("recall rate", "line s-recall")], partial),
        _line_chart("rates", weeks, "Explanation rate and recall rate per week", "%", [
            ("Explanation rate", "expl", col("capability", "explanationRate")),
            ("Recall rate", "recall", col("capability", "recallRate")),
        ], fixed_max=1.0, tick_fmt=lambda t: _fmt(t * 100) + "%", value_fmt=rate)))
    figs.append(_figure(
        "Capability debt", "AI lines not yet explained",
        _legend([("core", "s-core"), ("repeatable", "s-rep")], partial),
        _bar_chart("debt", weeks, "Capability debt lines per week: core and repeatable", "lines", [
            ("Core", "core", col("capability", "debtLinesCore")),
            ("Repeatable", "rep", col("capability", "debtLinesRepeatable")),
        ])))
    figs.append(_figure(
        "No-AI focus", "minutes per week",
        _legend([("focus minutes", "s-focus"), ("goal", "dash")], partial),
        _bar_chart("focus", weeks, "No-AI focus minutes per week against the goal", "min", [
            ("Focus", "focus", col("capability", "focusMinutes")),
        ], floor_max=60, value_fmt=_mins,
            goal=col("capability", "goalMinutes"))))
    figs.append(_figure(
        "Velocity", "human-typed lines per active minute",
        _legend([("no-AI", "line s-noai"), ("regular", "line s-reg")], partial),
        _line_chart("velocity", weeks, "No-AI velocity against regular velocity", "lines/min", [
            ("No-AI velocity", "noai", col("capability", "noAiVelocity")),
            ("Regular velocity", "reg", col("capability", "regularVelocity")),
        ], floor_max=1, value_fmt=_vel)))
    return f'<div class="charts">{"".join(figs)}</div>'


# ----------------------------------------------------------------------------- sections

def _header(report: dict) -> str:
    rng = _dict(report.get("range"))
    meta = [
        f"<span>{_esc(rng.get('from') or DASH)} \u2026 {_esc(rng.get('to') or DASH)}</span>",
        f"<span>generated {_esc(_generated(report.get('generatedAt')))}</span>",
        f"<span>timezone {_esc(report.get('timezone') or DASH)}</span>",
    ]
    return (
        "<header><h1>ownwise \u2014 weekly report</h1>"
        f'<div class="meta">{"".join(meta)}</div>'
        '<p class="local">Everything here was computed on this machine from your own database.</p>'
        "</header>"
    )


def _boxes(report: dict) -> str:
    paradox = _dict(report.get("paradox"))
    holds = paradox.get("holds") is True
    p_html = (f'<section class="box paradox{" holds" if holds else ""}">'
              f'<div class="label">Output vs. capability: the paradox signal</div>'
              f"<p>{_rich(paradox.get('text') or 'No paradox computed.')}</p>"
              f'<p class="note">{_esc(TERMS["paradox signal"])}</p></section>')

    stage = _dict(report.get("stage"))
    parts = ['<section class="box stage"><div class="label">Stage</div>',
             f'<p class="note">{_esc(TERMS["stage"])}</p>']
    if stage.get("id") is None:
        parts.append(f"<p>{_rich(stage.get('text') or 'No stage applies yet.')}</p>")
    else:
        name = _esc(stage.get("name") or stage.get("id"))
        tagline = stage.get("tagline")
        parts.append(f'<h3><span class="stage-name">{name}</span>'
                     + (f" \u2014 {_esc(tagline)}" if tagline else "") + "</h3>")
        if stage.get("text"):
            parts.append(f"<p>{_rich(stage.get('text'))}</p>")
        because = [b for b in _list(stage.get("because")) if b is not None]
        if because:
            parts.append("<p class=\"muted\">Because:</p><ul>"
                         + "".join(f"<li>{_rich(b)}</li>" for b in because) + "</ul>")
        if stage.get("practice"):
            parts.append(f"<p><strong>Practice:</strong> {_rich(stage.get('practice'))}</p>")
        if stage.get("note"):
            parts.append(f'<p class="note">{_rich(stage.get("note"))}</p>')
    parts.append("</section>")
    return f'<div class="boxes">{p_html}{"".join(parts)}</div>'


def _now(report: dict) -> str:
    now = _dict(report.get("now"))
    debt = _num(now.get("debtLines"))
    core = _num(now.get("debtLinesCore"))
    rep = _num(now.get("debtLinesRepeatable"))
    pending = _num(now.get("pendingPrompts"))
    focus = _num(now.get("focusMinutesThisWeek"))
    goal = _num(now.get("goalMinutes"))
    streak = _num(now.get("streakWeeks"))

    def fig(key: str, value: str, detail: str = "", extra: str = "") -> str:
        d = f'<div class="d">{detail}</div>' if detail else ""
        return f'<div class="fig"><div class="k">{key}</div><div class="v">{value}</div>{d}{extra}</div>'

    debt_v = f"{_fmt(debt)} <small>lines</small>" if debt is not None else DASH
    focus_v = _fmt(focus, 1)
    if goal is not None:
        focus_v += f" <small>/ {_fmt(goal, 1)} min</small>"
    elif focus is not None:
        focus_v += " <small>min</small>"
    bar = ""
    if focus is not None and goal is not None and goal > 0:
        width = max(0.0, min(focus / goal, 1.0)) * 100
        bar = f'<div class="progress" role="presentation"><div style="width:{width:.1f}%"></div></div>'
    if focus is not None and goal is not None:
        left = goal - focus
        focus_d = "goal met" if left <= 0 else f"{_fmt(left, 1)} min to go"
    else:
        focus_d = "no goal set" if goal is None else ""
    note = human_lines_note(report)
    note_html = f'<p class="small muted">{_esc(note)}</p>' if note else ""
    figs = [
        fig("Capability debt", debt_v,
            f"core {_fmt(core)} \u00b7 repeatable {_fmt(rep)}",
            f'<div class="d muted">{_esc(TERMS["capability debt"])}</div>'),
        fig("Pending prompts", _fmt(pending), "explanations waiting for you"),
        fig("No-AI focus this week", focus_v, focus_d, bar),
        fig("Goal streak", _plural(streak, "week") if streak is not None else DASH,
            "weeks in a row with the focus goal met"),
    ]
    return f'<h2>Now</h2><div class="figures">{"".join(figs)}</div>{note_html}'


def _thead(heads: list[tuple[str, bool]]) -> str:
    return "".join(f'<th class="num" scope="col">{_esc(h)}</th>' if n else f'<th scope="col">{_esc(h)}</th>'
                   for h, n in heads)


def _td(text: str, num: bool = True) -> str:
    return f'<td class="num">{text}</td>' if num else f"<td>{text}</td>"


def _weeks_table(weeks: list[dict]) -> str:
    if not weeks:
        return '<h2>Week by week</h2><p class="muted">No weeks in this range.</p>'
    heads = [("Week", False), ("Total lines", True), ("AI lines", True), ("AI share", True),
             ("Human lines", True), ("Explained", True), ("Explanation rate", True),
             ("Recall rate", True), ("Debt lines", True), ("Focus min", True),
             ("Goal min", True), ("No-AI vel.", True), ("Regular vel.", True)]
    rows = []
    for w in weeks:
        o, c = _dict(w.get("output")), _dict(w.get("capability"))
        partial = w.get("complete") is False
        week = _esc(w.get("weekStart") or DASH) + (' <span class="muted">(so far)</span>' if partial else "")
        explained = _num(c.get("explained"))
        prompted = _num(c.get("prompted"))
        expl = DASH if explained is None and prompted is None else f"{_fmt(explained)} / {_fmt(prompted)}"
        met = c.get("goalMet")
        goal = _fmt(c.get("goalMinutes"), 1) + (" \u2713" if met is True else "")
        cells = [
            _td(week, False), _td(_fmt(o.get("totalLines"))), _td(_fmt(o.get("aiLines"))),
            _td(_pct(o.get("aiShare"))), _td(_fmt(o.get("humanLines"))), _td(expl),
            _td(_pct(c.get("explanationRate"))), _td(_pct(c.get("recallRate"))),
            _td(_fmt(c.get("debtLines"))), _td(_mins(c.get("focusMinutes"))), _td(goal),
            _td(_vel(c.get("noAiVelocity"))), _td(_vel(c.get("regularVelocity"))),
        ]
        tr = '<tr class="partial">' if partial else "<tr>"
        rows.append(f"{tr}{''.join(cells)}</tr>")
    head = _thead(heads)
    return ('<h2>Week by week</h2><div class="table-wrap"><table class="weeks">'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>"
            f'<p class="small muted">Human lines: {_esc(TERMS["human lines"])} Velocities: '
            f'{_esc(TERMS["velocity"])} \u2713 marks a week that met the focus goal.</p>')


def _class_table(report: dict, weeks: list[dict]) -> str:
    if not weeks:
        return ""
    last = weeks[-1]
    by_class = _dict(last.get("byClass"))
    classes = [c for c in _list(report.get("classes")) if isinstance(c, str)]
    if not classes:
        classes = [c for c in _CLASS_ORDER if c in by_class] + \
                  [c for c in by_class if c not in _CLASS_ORDER]
    title = f"By class, week of {_esc(_long_date(last.get('weekStart')))}"
    if last.get("complete") is False:
        title += ' <span class="muted">(so far)</span>'
    if not classes:
        return f'<h2>{title}</h2><p class="muted">No per-class figures.</p>'
    heads = [("Class", False), ("AI lines", True), ("Human lines", True), ("AI share", True),
             ("Present", True), ("Rewritten", True), ("Gone", True), ("Prompted", True),
             ("Explained", True), ("Explanation rate", True), ("Debt lines", True),
             ("No-AI vel.", True), ("Regular vel.", True)]
    rows = []
    for cls in classes:
        f = _dict(by_class.get(cls))
        cells = [
            _td(_esc(cls), False), _td(_fmt(f.get("aiLines"))), _td(_fmt(f.get("humanLines"))),
            _td(_pct(f.get("aiShare"))), _td(_fmt(f.get("present"))), _td(_fmt(f.get("rewritten"))),
            _td(_fmt(f.get("gone"))), _td(_fmt(f.get("prompted"))), _td(_fmt(f.get("explained"))),
            _td(_pct(f.get("explanationRate"))), _td(_fmt(f.get("debtLines"))),
            _td(_vel(f.get("noAiVelocity"))), _td(_vel(f.get("regularVelocity"))),
        ]
        rows.append(f"<tr>{''.join(cells)}</tr>")
    head = _thead(heads)
    return (f'<h2>{title}</h2><div class="table-wrap"><table class="classes">'
            f"<thead><tr>{head}</tr></thead><tbody>{''.join(rows)}</tbody></table></div>")


# ----------------------------------------------------------------------------- document

def _style(theme: str) -> str:
    pal = _PALETTES[theme]
    props = [f"--{k}:{pal[k]}" for k in ("bg", "fg", "muted", "border", "grid", "card",
                                          "code-bg", "hl-bg", "hl-border", "bar-track")]
    props += [f"--c-{s}:{pal[s]}" for s in (*_SERIES, "goal")]
    series_css = "".join(
        f"svg.chart .s-{s}{{fill:var(--c-{s});stroke:var(--c-{s})}}"
        f"svg.chart .line.s-{s}{{fill:none}}"
        f"svg.chart circle.dot.partial.s-{s}{{fill:var(--bg);fill-opacity:1;stroke:var(--c-{s});stroke-width:1.8}}"
        f".sw.s-{s}{{background:var(--c-{s})}}"
        for s in _SERIES
    )
    return (":root{" + ";".join(props) + "}"
            + _CSS % {"scheme": pal["scheme"], "font": pal["font"]}
            + series_css)


def render_html(report: dict, *, theme: str = "light") -> str:
    """The report (docs/report.md) as one self-contained HTML5 document (no script, no network)."""
    if theme not in _PALETTES:
        raise ValueError(f"unknown theme {theme!r}; expected one of {', '.join(THEMES)}")
    report = _dict(report)
    weeks = [w for w in _list(report.get("weeks")) if isinstance(w, dict)]
    body = "".join([
        _header(report),
        _boxes(report),
        _now(report),
        '<h2>Trends</h2>',
        _charts(weeks),
        _weeks_table(weeks),
        _class_table(report, weeks),
        f'<footer>{_esc(report.get("format") or "ownwise-report")} \u00b7 rates are shares of '
        "the AI code you were asked about; \u201c\u2014\u201d means no data.</footer>",
    ])
    return (
        "<!DOCTYPE html>\n"
        '<html lang="en"><head><meta charset="utf-8">'
        '<meta http-equiv="Content-Security-Policy" content="default-src \'none\'; '
        "style-src 'unsafe-inline'; img-src data:\">"
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        "<title>ownwise \u2014 weekly report</title>"
        f"<style>{_style(theme)}</style></head>"
        f'<body class="theme-{theme}"><main>{body}</main></body></html>\n'
    )
