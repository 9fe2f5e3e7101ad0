"""The report's velocity (SQL totals per week) equals the calibration's (rows in Python) on random activity."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ownwise.focus.calibration import ActivityMinute, calibrate
from ownwise.report.build import plan_weeks
from ownwise.store import ActivityMinute as StoredMinute
from ownwise.store import Store

NOW = datetime(2026, 11, 25, 12, 0, tzinfo=timezone.utc)
BASE = datetime(2026, 11, 9, tzinfo=timezone.utc)

rows = st.lists(st.tuples(
    st.integers(0, 16 * 24 * 60 - 1),  # minute offset from BASE (weeks of Nov 9 and Nov 16... and 23)
    st.sampled_from(["core", "repeatable", "transient", ""]),
    st.sampled_from(["a:1:1", "b:2:2"]),
    st.sampled_from([None, "", "b1", "b2"]),
    st.integers(0, 20),
), max_size=60, unique_by=lambda r: (r[0], r[1], r[2]))


@settings(max_examples=60, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(rows=rows)
def test_sql_totals_equal_the_calibration(tmp_path_factory, rows):
    store, _ = Store.open(tmp_path_factory.mktemp("v") / "o.db")
    stored = [StoredMinute(minute=(BASE + timedelta(minutes=m)).isoformat(timespec="milliseconds"),
                           ownership_class=c, server=s, focus_id=f, human_lines=n, human_chars=n)
              for m, c, s, f, n in rows]
    store.save_activity(stored)
    plan = plan_weeks(NOW, 0, weeks=3)
    cal = calibrate([], [ActivityMinute(minute=datetime.fromisoformat(a.minute), ownership_class=a.ownership_class,
                                        focus_id=a.focus_id, human_lines=a.human_lines, human_chars=a.human_chars)
                         for a in stored], now=NOW, weeks=3)
    for w, c in zip(plan, cal.weeks):
        got = {(t.ownership_class, t.inside): (t.minutes, t.lines) for t in store.activity_totals(w.lo, w.hi)}
        assert got.get((None, True), (0, 0)) == (c.inside.active_minutes, c.inside.lines)
        assert got.get((None, False), (0, 0)) == (c.outside.active_minutes, c.outside.lines)
        assert {k[0] for k in got if k[0] is not None} == set(c.by_class)
        for cls, (inside, outside) in c.by_class.items():
            assert got.get((cls, True), (0, 0)) == (inside.active_minutes, inside.lines)
            assert got.get((cls, False), (0, 0)) == (outside.active_minutes, outside.lines)
    store.close()


def _naive_debt(fates, explained, at):
    out = {"repeatable": 0, "core": 0}
    for f in fates:
        if f.ai and f.ownership_class in out and (at is None or f.ts < at):
            when = explained.get(f.event)
            if when is None or (at is not None and when >= at):
                out[f.ownership_class] += f.present
    return out


stamps = st.integers(0, 30).map(lambda d: (BASE + timedelta(hours=d * 7)).isoformat(timespec="milliseconds"))


@settings(max_examples=200, deadline=None)
@given(fates=st.lists(st.tuples(st.sampled_from("abcdefgh"), stamps,
                                st.sampled_from(["core", "repeatable", "transient"]), st.booleans(),
                                st.integers(0, 9)), max_size=12, unique_by=lambda f: f[0]),
       explained=st.dictionaries(st.sampled_from("abcdefgh"), stamps, max_size=6),
       at=st.one_of(st.none(), stamps))
def test_debt_index_equals_the_definition(fates, explained, at):
    from ownwise.report.figures import DebtIndex, LineFate

    fs = [LineFate(e, ts, c, ai, n, 0) for e, ts, c, ai, n in fates]
    assert DebtIndex(fs, explained).at(at) == _naive_debt(fs, explained, at)
