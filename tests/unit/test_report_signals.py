"""The paradox signal and the stage read-out at the edges of their documented rules (docs/report.md)."""

from __future__ import annotations

import pytest

from ownwise.report import signals as S


def week(total=100, ai=50, *, complete=True, rate=None, vel=None, recall=None, prompted=0, explained=0,
         debt=0, focus=90.0, goal=90, in_min=0, in_lines=0, out_min=0, out_lines=0, asked=0, ok=0):
    return {
        "weekStart": "2026-11-02", "complete": complete,
        "output": {"aiLines": ai, "totalLines": total},
        "capability": {"explanationRate": rate, "noAiVelocity": vel, "recallRate": recall, "prompted": prompted,
                       "explained": explained, "debtLines": debt, "focusMinutes": focus, "goalMinutes": goal,
                       "noAiTypingMinutes": in_min, "noAiTypedLines": in_lines, "regularTypingMinutes": out_min,
                       "regularTypedLines": out_lines, "recallAsked": asked, "recallOk": ok},
    }


NOW = {"debtLines": 40, "goalMinutes": 90}


# -- rises / falls ------------------------------------------------------------------------------

@pytest.mark.parametrize("values, up", [
    ([100, 105, 110], True),  # exactly +10 %
    ([100, 105, 109], False),  # +9 %
    ([100, 120, 115], False),  # a step down
    ([100, 100, 110], True),  # a flat step is fine
    ([0, 0, 1], True),
    ([0, 0, 0], False),
    ([100, None, 120], False),
])
def test_rises(values, up):
    assert S.rises(values) is up


@pytest.mark.parametrize("values, down", [
    ([1.0, 0.95, 0.9], True),  # exactly -10 %
    ([1.0, 0.95, 0.91], False),
    ([0.8, 0.9, 0.5], False),
    ([0.0, 0.0, 0.0], False),
    ([0.5, None, 0.2], False),
])
def test_falls(values, down):
    assert S.falls(values) is down


# -- paradox ------------------------------------------------------------------------------------

def test_paradox_needs_three_complete_weeks():
    weeks = [week(100, rate=0.8), week(200, rate=0.5), week(300, rate=0.1, complete=False)]
    p = S.paradox(weeks)
    assert p["holds"] is False and "needs 3 complete weeks" in p["text"] and "has 2" in p["text"]


def test_paradox_holds_when_output_rises_and_explanation_rate_falls():
    p = S.paradox([week(1000, rate=0.8), week(1100, rate=0.6), week(1300, rate=0.4), week(5, complete=False)])
    assert p["holds"] is True and p["weeks"] == 3
    assert p["output"] == {"from": 1000, "to": 1300}
    assert [f["metric"] for f in p["falling"]] == ["explanationRate"]
    assert "Output rose 30% over the last 3 weeks (1,000 → 1,300 lines)" in p["text"]
    assert "explanation rate fell from 80% to 40%" in p["text"]


def test_paradox_takes_the_longest_run_and_names_every_falling_figure():
    weeks = [week(900, rate=0.9, vel=3.0, recall=0.8), week(1000, rate=0.8, vel=2.5, recall=0.8),
             week(1100, rate=0.6, vel=2.0, recall=0.8), week(1300, rate=0.4, vel=1.5, recall=0.8)]
    p = S.paradox(weeks)
    assert p["weeks"] == 4
    assert [f["metric"] for f in p["falling"]] == ["explanationRate", "noAiVelocity"]  # recall stayed
    assert "no-AI velocity fell from 3.00 lines/min to 1.50 lines/min" in p["text"]


def test_paradox_recall_falling_counts():
    p = S.paradox([week(100, recall=1.0), week(110, recall=0.9), week(121, recall=0.5)])
    assert p["holds"] and p["falling"][0]["metric"] == "recallRate"


@pytest.mark.parametrize("weeks", [
    [week(1000, rate=0.8), week(1000, rate=0.6), week(1090, rate=0.4)],  # output +9 %: not up
    [week(1000, rate=0.8), week(1100, rate=0.8), week(1300, rate=0.75)],  # rate -6 %: not down
    [week(1000, rate=0.8), week(1100, rate=None), week(1300, rate=0.4)],  # a week without prompts
    [week(1000, rate=0.8), week(900, rate=0.6), week(1300, rate=0.4)],  # output dipped
])
def test_paradox_does_not_hold(weeks):
    p = S.paradox(weeks)
    assert p["holds"] is False and p["falling"] == [] and p["text"].startswith("No paradox signal")


# -- stage --------------------------------------------------------------------------------------

def test_stage_needs_enough_lines():
    s = S.stage([week(49, 40)], NOW)
    assert s["id"] is None and "needs 50 lines" in s["text"] and "there were 49" in s["text"]
    assert S.stage([week(50, 40)], NOW)["id"] is not None


def test_stage_none_below_twenty_percent_ai():
    s = S.stage([week(100, 19)], NOW)
    assert s["id"] is None and "none of the four stages" in s["text"]
    assert S.stage([week(100, 20)], NOW)["id"] == "honeymoon"


def test_stage_uses_only_the_last_four_complete_weeks():
    old_drift = [week(100, 90, prompted=10, explained=0)]
    recent = [week(100, 50, prompted=10, explained=9) for _ in range(4)]
    s = S.stage(old_drift + recent + [week(100, 100, complete=False, prompted=10)], NOW)
    assert s["id"] == "honeymoon" and s["weeks"] == 4


def test_honeymoon():
    s = S.stage([week(100, 50, prompted=4, explained=4)], NOW)
    assert (s["id"], s["name"], s["tagline"]) == ("honeymoon", "Honeymoon", "speed without friction")
    assert s["because"] == ["AI wrote 50% of your lines", "you explained 100% of the AI code you were asked about"]
    assert s["note"] == S.NOTE and "resembles Honeymoon" in s["text"]


@pytest.mark.parametrize("explained, sid", [(4, "drift"), (5, "honeymoon")])  # under 50 % explained: drift
def test_drift_on_explanation_rate_edge(explained, sid):
    assert S.stage([week(100, 40, prompted=10, explained=explained)], NOW)["id"] == sid


def test_drift_needs_forty_percent_ai():
    assert S.stage([week(100, 39, prompted=10, explained=0)], NOW)["id"] == "honeymoon"


def test_drift_on_growing_debt_and_failing_recall():
    s = S.stage([week(100, 50, debt=10), week(100, 50, debt=30)], NOW)
    assert s["id"] == "drift" and "grew from 10 to 30 lines" in s["because"][1]
    assert "40 lines unexplained now" in s["practice"]
    r = S.stage([week(100, 50, asked=10, ok=4)], NOW)
    assert r["id"] == "drift" and "you could recall 40%" in r["because"][1]
    assert S.stage([week(100, 50, asked=10, ok=5)], NOW)["id"] == "honeymoon"


@pytest.mark.parametrize("focus, sid", [(22.0, "dependency"), (22.5, "honeymoon")])  # under 25 % of 90
def test_dependency_on_focus_minutes_edge(focus, sid):
    assert S.stage([week(100, 50, focus=focus)], NOW)["id"] == sid


@pytest.mark.parametrize("in_lines, sid", [(59, "dependency"), (60, "honeymoon")])  # under 60 % of usual
def test_dependency_on_velocity_edge(in_lines, sid):
    w = week(100, 50, focus=90, in_min=100, in_lines=in_lines, out_min=100, out_lines=100)
    s = S.stage([w], NOW)
    assert s["id"] == sid
    if sid == "dependency":
        assert "without AI you typed 0.59 lines/min, 59% of your usual 1.00" in s["because"]
        assert "ownwise focus start --minutes 90" in s["practice"]


def test_no_goal_is_not_a_dependency_sign():
    assert S.stage([week(100, 50, focus=0, goal=0)], NOW)["id"] == "honeymoon"


@pytest.mark.parametrize("ai, sid", [(60, "fragility"), (59, "dependency")])
def test_fragility_needs_both_signs_at_sixty_percent(ai, sid):
    s = S.stage([week(100, ai, prompted=10, explained=1, focus=0)], NOW)
    assert s["id"] == sid
    if sid == "fragility":
        assert s["tagline"] == "high output, low agency" and len(s["because"]) == 3


def test_fragility_needs_a_dependency_sign_too():
    assert S.stage([week(100, 90, prompted=10, explained=1, focus=90)], NOW)["id"] == "drift"
