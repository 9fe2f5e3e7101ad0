"""The report's figures against a small database worked out by hand (tests/unit/report_fixture.py)."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone

import pytest

from ownwise.report.build import build_report, plan_weeks
from ownwise.report.figures import LineFate, debt_lines, fates_from_ranges
from ownwise.report.text import render_csv, sparkline
from ownwise.store import Store
from tests import report_fixture as RF


@pytest.fixture
def report(tmp_path):
    store, _ = Store.open(RF.build(tmp_path / "o.db"))
    try:
        yield build_report(store, now=RF.NOW, weeks=3)
    finally:
        store.close()


def _subset(actual: dict, expected: dict) -> dict:
    return {k: actual[k] for k in expected}


def test_the_weeks_and_the_range(report):
    assert [w["weekStart"] for w in report["weeks"]] == ["2026-11-09", "2026-11-16", "2026-11-23"]
    assert [w["complete"] for w in report["weeks"]] == [True, True, False]
    assert report["range"] == {"from": "2026-11-09", "to": "2026-11-30"}
    assert report["timezone"] == "UTC+00:00" and report["format"] == "ownwise-report/1"


@pytest.mark.parametrize("part", ["output", "capability"])
def test_week_of_nov_9(report, part):
    w = report["weeks"][0]
    assert _subset(w[part], RF.WEEK_NOV9[part]) == RF.WEEK_NOV9[part]


def test_week_of_nov_9_core(report):
    core = report["weeks"][0]["byClass"]["core"]
    assert _subset(core, RF.WEEK_NOV9["core"]) == RF.WEEK_NOV9["core"]
    rep = report["weeks"][0]["byClass"]["repeatable"]
    assert (rep["aiLines"], rep["present"], rep["debtLines"], rep["prompted"], rep["explained"],
            rep["explanationRate"]) == (4, 4, 4, 1, 0, 0.0)
    tr = report["weeks"][0]["byClass"]["transient"]
    assert (tr["aiLines"], tr["present"], tr["debtLines"], tr["aiShare"]) == (3, 3, 0, 1.0)


@pytest.mark.parametrize("part", ["output", "capability"])
def test_week_of_nov_16_and_the_boundary_edit(report, part):
    # e7 was made at exactly 2026-11-16T00:00:00.000Z: it belongs to the week that starts then
    assert _subset(report["weeks"][1][part], RF.WEEK_NOV16[part]) == RF.WEEK_NOV16[part]


@pytest.mark.parametrize("part", ["output", "capability"])
def test_current_week(report, part):
    assert _subset(report["weeks"][2][part], RF.WEEK_NOV23[part]) == RF.WEEK_NOV23[part]


def test_now_figures(report):
    assert _subset(report["now"], RF.NOW_FIGURES) == RF.NOW_FIGURES


def test_debt_edges():
    fates = [LineFate("a", "2026-11-10T00:00:00.000+00:00", "core", True, 5, 1),
             LineFate("b", "2026-11-10T00:00:00.000+00:00", "repeatable", True, 3, 0),
             LineFate("c", "2026-11-10T00:00:00.000+00:00", "transient", True, 7, 0),  # transient: never debt
             LineFate("d", "2026-11-10T00:00:00.000+00:00", "core", False, 9, 0)]  # not AI: never debt
    explained = {"a": "2026-11-12T00:00:00.000+00:00"}
    # made at exactly `at`: not yet there
    assert debt_lines(fates, explained, "2026-11-10T00:00:00.000+00:00") == {"repeatable": 0, "core": 0}
    # explained at exactly `at`: still debt at that instant (explained *before* at removes it)
    assert debt_lines(fates, explained, "2026-11-12T00:00:00.000+00:00") == {"repeatable": 3, "core": 5}
    assert debt_lines(fates, explained, "2026-11-12T00:00:00.001+00:00") == {"repeatable": 3, "core": 0}
    assert debt_lines(fates, explained, None) == {"repeatable": 3, "core": 0}
    # rewritten lines (human-modified) are not debt: only the 5 untouched ones counted above


def test_fates_group_ranges_per_event_and_drop_unknown_events():
    ranges = [("a", 3, False), ("a", 2, True), ("a", 1, False), ("zz", 4, False)]
    fates = fates_from_ranges(ranges, {"a": ("2026-11-10T00:00:00.000+00:00", "core", True)})
    assert fates == [LineFate("a", "2026-11-10T00:00:00.000+00:00", "core", True, 4, 2)]


def test_weeks_start_on_the_configured_day_in_the_local_zone():
    zone = timezone(timedelta(hours=2))
    now = datetime(2026, 11, 25, 1, 0, tzinfo=zone)  # Wednesday 01:00 local = Tuesday 23:00 UTC
    plan = plan_weeks(now, 6, weeks=2)  # Sunday weeks
    assert [w.start for w in plan] == [date(2026, 11, 15), date(2026, 11, 22)]
    assert plan[1].lo == "2026-11-21T22:00:00.000+00:00" and plan[1].hi == "2026-11-28T22:00:00.000+00:00"
    assert [w.complete for w in plan] == [True, False]


def test_since_starts_with_its_week_and_weeks_caps_it():
    plan = plan_weeks(RF.NOW, 0, since=date(2026, 11, 4))
    assert [w.start.isoformat() for w in plan] == ["2026-11-02", "2026-11-09", "2026-11-16", "2026-11-23"]
    assert len(plan_weeks(RF.NOW, 0, weeks=2, since=date(2026, 11, 4))) == 2
    with pytest.raises(ValueError, match="after this week"):
        plan_weeks(RF.NOW, 0, since=date(2026, 12, 7))
    with pytest.raises(ValueError, match="weeks must be 1 to 260"):
        plan_weeks(RF.NOW, 0, weeks=0)


def test_an_empty_database_has_no_data_not_zeros(tmp_path):
    store, _ = Store.open(tmp_path / "empty.db")
    r = build_report(store, now=RF.NOW, weeks=2)
    store.close()
    w = r["weeks"][-1]
    assert w["output"]["aiShare"] is None and w["capability"]["explanationRate"] is None
    assert w["capability"]["noAiVelocity"] is None and w["output"]["totalLines"] == 0
    assert r["paradox"]["holds"] is False and r["stage"]["id"] is None


def test_csv_has_one_row_per_week_and_scope(report):
    lines = render_csv(report).splitlines()
    assert len(lines) == 1 + 3 * 4
    head = lines[0].split(",")
    first = dict(zip(head, lines[1].split(",")))
    assert first["weekStart"] == "2026-11-09" and first["scope"] == "all" and first["complete"] == "true"
    assert first["aiLines"] == "23" and first["recallRate"] == "" and first["aiShare"] == "0.657"
    core = dict(zip(head, lines[4].split(",")))
    assert core["scope"] == "core" and core["debtLines"] == "106" and core["focusMinutes"] == ""


def test_sparkline():
    assert sparkline([0, 4, 8]) == "▁▅█"
    assert sparkline([None, 0, 0]) == " ▁▁"
    assert sparkline([]) == ""
