"""Human lines stored before they were counted per line cannot be recounted: the report leaves them out
and says so, rather than mix the two counts (docs/report.md#human-lines)."""

from __future__ import annotations

import sqlite3

from ownwise.report.build import build_report
from ownwise.report.html import render_html
from ownwise.report.words import human_lines_note
from ownwise.store import ActivityMinute, Store
from ownwise.store.repo import HUMAN_LINES_SINCE
from tests import report_fixture as RF


def test_a_new_database_counts_per_line_from_the_start(tmp_path):
    store, _ = Store.open(tmp_path / "o.db", now=lambda: RF.NOW)
    assert store.get(HUMAN_LINES_SINCE) == "" and store.human_lines_since() is None
    store.close()


def test_an_old_database_notes_when_the_per_line_count_began(tmp_path):
    db = tmp_path / "o.db"
    store, _ = Store.open(db)
    store.save_activity([ActivityMinute(minute=RF.ts(10, 10), ownership_class="core", server="a:1:1",
                                        human_lines=32, human_chars=30)])
    store.close()
    con = sqlite3.connect(db)  # as an older ownwise left it: rows, no mark
    con.execute("delete from kv where key = ?", [HUMAN_LINES_SINCE])
    con.commit()
    con.close()
    store, _ = Store.open(db, now=lambda: RF.NOW)
    assert store.human_lines_since() == "2026-11-25T12:00:00.000+00:00"
    store.close()


def test_weeks_before_are_not_shown_and_the_week_it_began_counts_from_then(tmp_path):
    store, _ = Store.open(RF.build(tmp_path / "o.db"))
    since = RF.ts(17, 12)  # Tuesday of the week of Nov 16, after e7 (Nov 16 0:00) and e5 (Nov 17 10:00)
    store.put(HUMAN_LINES_SINCE, since)
    r = build_report(store, now=RF.NOW, weeks=3)
    store.close()
    nov9, nov16, nov23 = r["weeks"]
    assert r["humanLinesSince"] == since
    # counted per keystroke: every figure resting on human lines is unknown, the AI lines stay
    assert nov9["humanLinesFrom"] is None and nov9["output"]["aiLines"] == 23
    assert [nov9["output"][k] for k in ("humanLines", "totalLines", "aiShare")] == [None, None, None]
    assert [nov9["capability"][k] for k in ("noAiVelocity", "regularVelocity", "regularTypedLines")] == [None] * 3
    assert nov9["byClass"]["core"]["humanLines"] is None and nov9["byClass"]["core"]["aiLines"] == 16
    # the week it began: from then on, with the AI lines of that part only in the share and the total
    assert nov16["humanLinesFrom"] == since and nov16["output"]["aiLines"] == 10
    assert (nov16["output"]["humanLines"], nov16["output"]["totalLines"], nov16["output"]["aiShare"]) == (0, 0, None)
    assert nov23["humanLinesFrom"] is None and nov23["output"]["totalLines"] == 5
    assert r["paradox"]["holds"] is False and r["stage"]["id"] is None
    note = human_lines_note(r)
    assert note is not None and "counted every keystroke" in note and "17 Nov 2026" in note
    assert "counted every keystroke" in render_html(r)


def test_no_note_when_every_week_is_counted_per_line(tmp_path):
    store, _ = Store.open(RF.build(tmp_path / "o.db"))
    r = build_report(store, now=RF.NOW, weeks=3)
    store.close()
    assert r["humanLinesSince"] is None and human_lines_note(r) is None
    assert r["weeks"][0]["output"]["humanLines"] == 12
