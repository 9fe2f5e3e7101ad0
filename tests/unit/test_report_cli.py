"""``ownwise report``, ``ownwise export --team`` and ``ownwise team-report``, run as a user runs them."""

from __future__ import annotations

import csv
import io
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

from tests import report_fixture as RF

ROOT = Path(__file__).resolve().parents[2]
# the fixture's weeks of Nov 9 and Nov 16 2026, complete by any real "now" these tests run at
SPAN = ["--since", "2026-11-09", "--weeks", "2"]


def run(args, db):
    env = dict(os.environ, OWNWISE_DB=str(db), PYTHONPATH=str(ROOT / "server"), TZ="UTC", COLUMNS="160")
    return subprocess.run([sys.executable, "-m", "ownwise", *args], env=env, capture_output=True, text=True,
                          timeout=60)


@pytest.fixture(scope="module")
def db(tmp_path_factory):
    return RF.build(tmp_path_factory.mktemp("report") / "o.db")


def test_json_has_the_hand_computed_figures(db):
    r = run(["report", "--format", "json", *SPAN], db)
    assert r.returncode == 0, r.stderr
    data = json.loads(r.stdout)
    assert [w["weekStart"] for w in data["weeks"]] == ["2026-11-09", "2026-11-16"]
    w9, w16 = data["weeks"]
    for part in ("output", "capability"):
        assert {k: w9[part][k] for k in RF.WEEK_NOV9[part]} == RF.WEEK_NOV9[part]
        assert {k: w16[part][k] for k in RF.WEEK_NOV16[part]} == RF.WEEK_NOV16[part]


def test_csv_and_out_file(db, tmp_path):
    out = tmp_path / "r.csv"
    r = run(["report", "--format", "csv", *SPAN, "--out", str(out)], db)
    assert r.returncode == 0 and r.stdout == ""
    rows = list(csv.DictReader(io.StringIO(out.read_text())))
    assert [(x["weekStart"], x["scope"]) for x in rows[:4]] == [
        ("2026-11-09", "all"), ("2026-11-09", "transient"), ("2026-11-09", "repeatable"), ("2026-11-09", "core")]
    assert rows[0]["debtLines"] == "110" and rows[4]["debtLines"] == "114"


def test_text_shows_the_figures_and_the_stage(db):
    r = run(["report", *SPAN], db)
    assert r.returncode == 0, r.stderr
    assert "ownwise — weekly report" in r.stdout
    row = next(line for line in r.stdout.splitlines() if line.startswith("AI lines "))
    assert "23" in row and "10" in row
    debt = next(line for line in r.stdout.splitlines() if line.startswith("Capability debt"))
    assert "110" in debt and "114" in debt
    assert "Paradox signal" in r.stdout and "not a verdict" in r.stdout


def test_html_is_one_self_contained_file(db, tmp_path):
    out = tmp_path / "r.html"
    r = run(["report", "--format", "html", *SPAN, "--out", str(out)], db)
    assert r.returncode == 0, r.stderr
    text = out.read_text()
    assert text.lstrip().lower().startswith("<!doctype html") and "<svg" in text
    assert "<script" not in text and "http://" not in text.replace("http://www.w3.org/2000/svg", "")


def test_progress_names_each_step_on_stderr(db):
    r = run(["report", "--format", "json", *SPAN, "--progress"], db)
    assert r.returncode == 0
    steps = [line.split(": ", 1)[1] for line in r.stderr.splitlines() if line.startswith("report: ")]
    assert steps == ["edits", "attribution", "explanations", "focus", "figures"]
    assert json.loads(r.stdout)["weeks"]  # stdout stays clean JSON
    assert "report:" not in run(["report", "--format", "json", *SPAN], db).stderr  # not a terminal: quiet


@pytest.mark.parametrize("args, message", [
    (["report", "--weeks", "0"], "must be from 1"),
    (["report", "--since", "24/11/2026"], "not a date"),
    (["report", "--since", "2099-01-01"], "after this week"),
])
def test_bad_arguments(db, args, message):
    r = run(args, db)
    assert r.returncode == 2 and message in r.stderr


def test_team_export_gives_nothing_away(db, tmp_path):
    out = tmp_path / "me.json"
    r = run(["export", "--team", "--alias", "ada", *SPAN, "--out", str(out)], db)
    assert r.returncode == 0, r.stderr
    text = out.read_text()
    data = json.loads(text)
    assert data["format"] == "ownwise-team/1" and data["alias"] == "ada"
    # no path, uri, workspace, code, snippet, question or explanation text; no host or time zone
    for needle in ("src/", "core.py", "crud.py", "file://", "/home/dev", "secret_sauce", "42", RF.ANSWER_TEXT,
                   "running total", "refactor the parser", "timezone", "UTC", "a:1:1", "b1", "e1", "p1"):
        assert needle not in text, needle

    def strings(x):
        if isinstance(x, dict):
            for k, v in x.items():
                yield k
                yield from strings(v)
        elif isinstance(x, list):
            for v in x:
                yield from strings(v)
        elif isinstance(x, str):
            yield x

    values = {s for s in strings(data)}
    allowed_values = {"ownwise-team/1", "ada", "monday", "2026-11-09", "2026-11-16"}
    assert {v for v in values if not v.isidentifier()} <= allowed_values  # keys are identifiers
    assert data["weeks"][0]["debtLines"] == 110 and data["weeks"][0]["noAiVelocity"] == 4.0


def test_team_export_refuses_a_bad_alias(db):
    r = run(["export", "--team", "--alias", "ada/../x"], db)
    assert r.returncode == 2 and "alias" in r.stderr


def test_team_report_merges_and_pools(db, tmp_path):
    a, b = tmp_path / "a.json", tmp_path / "b.json"
    assert run(["export", "--team", "--alias", "ada", *SPAN, "--out", str(a)], db).returncode == 0
    assert run(["export", "--team", "--alias", "ada", "--since", "2026-11-16", "--weeks", "1", "--out", str(b)],
               db).returncode == 0
    r = run(["team-report", str(a), str(b), "--format", "json"], db)
    assert r.returncode == 0, r.stderr
    team = json.loads(r.stdout)
    assert team["members"] == ["ada", "ada #2"] and "same alias" in team["notes"][0]
    w9, w16 = team["weeks"]
    assert w9["weekStart"] == "2026-11-09" and w9["team"]["members"] == 1
    assert w16["team"]["members"] == 2
    # pooled: the same week twice (10 AI of 10 total lines each; 0 of 2 prompts explained each)
    assert (w16["team"]["aiLines"], w16["team"]["totalLines"], w16["team"]["aiShare"]) == (20, 20, 1.0)
    assert (w16["team"]["prompted"], w16["team"]["explained"], w16["team"]["explanationRate"]) == (4, 0, 0.0)
    # overall for ada: weeks 9 and 16 together: 33 AI of 45 lines, 1 of 4 explained, 90 focus minutes
    ada = team["overall"]["members"][0]
    assert (ada["aiLines"], ada["totalLines"], ada["aiShare"], ada["explanationRate"], ada["focusMinutes"]) == (
        33, 45, 0.733, 0.25, 90.0)
    assert ada["noAiVelocity"] == 4.0 and ada["regularVelocity"] == 8.0
    text = run(["team-report", str(a), str(b)], db)
    assert text.returncode == 0 and "ada #2" in text.stdout and "team" in text.stdout
    html = run(["team-report", str(a), "--format", "html"], db)
    assert html.returncode == 0 and "<table>" in html.stdout and "<script" not in html.stdout


def test_team_report_refuses_other_files(db, tmp_path):
    full = tmp_path / "full.json"
    assert run(["export", "--out", str(full)], db).returncode == 0
    r = run(["team-report", str(full)], db)
    assert r.returncode == 1 and "not an ownwise team export" in r.stderr
    broken = tmp_path / "broken.json"
    broken.write_text("{")
    assert run(["team-report", str(broken)], db).returncode == 1
