"""The end-of-block reflection document: rendering and reading it back."""

from __future__ import annotations

import pytest

from ownwise.focus.reflection import ParsedReflection, ReflectionItem, parse, render

ITEM = ReflectionItem("fb-1", "Tue 24 Nov 14:00", 90, 75, 60, "Port the retry loop to asyncio")

EXPECTED = """\
<!-- ownwise:reflection fb-1 -->
# How did the no-AI block go?

Block: Port the retry loop to asyncio — started Tue 24 Nov 14:00, planned 90 min, took 75 min, \
you estimated 60 min.

Answer in a few words under each heading, then save the file.

## How did it feel?

Felt: _/5   (1 = a struggle, 5 = easy)

## What did you have to look up?

<!-- write below -->


## What took longer than expected?

<!-- write below -->


## Actual time

Actual minutes: 75

## Anything else?

<!-- write below -->


<!-- ownwise:end fb-1 -->
"""


def write_under(doc: str, heading: str, text: str) -> str:
    """Type ``text`` below the "write below" comment of the section under ``heading``."""
    at = doc.index(heading)
    below = "<!-- write below -->\n"
    cut = doc.index(below, at) + len(below)
    return doc[:cut] + text + "\n" + doc[cut:]


def filled(felt: str = "4/5", actual: str = "80") -> str:
    doc = render(ITEM)
    doc = doc.replace("Felt: _/5", f"Felt: {felt}", 1)
    doc = doc.replace("Actual minutes: 75", f"Actual minutes: {actual}", 1)
    doc = write_under(doc, "## What did you have to look up?", "asyncio.wait_for signature\nTaskGroup")
    doc = write_under(doc, "## What took longer than expected?", "Cancelling cleanly.")
    doc = write_under(doc, "## Anything else?", "Good session.")
    return doc


# -- render ------------------------------------------------------------------


def test_render_layout() -> None:
    assert render(ITEM) == EXPECTED


def test_render_without_task_or_estimate() -> None:
    doc = render(ReflectionItem("fb-2", "Wed 25 Nov 09:30", 45, 50, None, None))
    assert "Block: (no task given) — started Wed 25 Nov 09:30, planned 45 min, took 50 min.\n" in doc
    assert "Actual minutes: 50\n" in doc
    blank = render(ReflectionItem("fb-3", "Wed", 45, 50, None, "  \n "))
    assert "Block: (no task given) —" in blank
    multi = render(ReflectionItem("fb-4", "Wed", 45, 50, 30, "line one\nline two"))
    assert "Block: line one line two — started Wed, planned 45 min, took 50 min, you estimated 30 min." in (
        multi
    )


@pytest.mark.parametrize("bad", ["", "a b", "a-->b", "a<b", "x--y"])
def test_render_rejects_a_bad_block_id(bad: str) -> None:
    with pytest.raises(ValueError):
        render(ReflectionItem(bad, "Tue", 90, 75, None, None))


# -- parse -------------------------------------------------------------------


def test_untouched_document_is_not_started_and_has_no_errors() -> None:
    parsed = parse(render(ITEM))
    assert parsed == ParsedReflection("fb-1", None, "", "", 75, "", [])
    assert not parsed.started


def test_round_trip() -> None:
    parsed = parse(filled())
    assert parsed is not None
    assert parsed.block_id == "fb-1"
    assert parsed.felt == 4
    assert parsed.looked_up == "asyncio.wait_for signature\nTaskGroup"
    assert parsed.took_longer == "Cancelling cleanly."
    assert parsed.actual_minutes == 80
    assert parsed.notes == "Good session."
    assert parsed.errors == []
    assert parsed.started


@pytest.mark.parametrize(
    "written, felt",
    [("4", 4), ("4/5", 4), ("4 / 5", 4), ("**4**/5", 4), ("**4/5**", 4), ("1", 1), ("5/5", 5),
     ("4/5   (1 = a struggle, 5 = easy)", 4), ("_/5", None), ("_", None), ("", None),
     ("3 <!-- meh -->", 3)],
)
def test_felt_forms(written: str, felt: int | None) -> None:
    parsed = parse(render(ITEM).replace("Felt: _/5", f"Felt: {written}", 1))
    assert parsed is not None
    assert (parsed.felt, parsed.errors) == (felt, [])
    assert parsed.started == (felt is not None)


@pytest.mark.parametrize(
    "written, minutes", [("75", 75), ("75 min", 75), ("75m", 75), ("75 minutes", 75), ("0", 0),
                         ("**90**", 90), ("", None), ("_", None)]
)
def test_actual_minutes_forms(written: str, minutes: int | None) -> None:
    parsed = parse(render(ITEM).replace("Actual minutes: 75", f"Actual minutes: {written}".rstrip(), 1))
    assert parsed is not None
    assert (parsed.actual_minutes, parsed.errors) == (minutes, [])
    assert not parsed.started  # the figure is prefilled: changing it alone is not a reflection


def test_errors_for_unreadable_answers() -> None:
    assert parse(filled(felt="7/5")).errors == ["Felt must be a number from 1 to 5, not 7"]
    assert parse(filled(felt="0")).errors == ["Felt must be a number from 1 to 5, not 0"]
    parsed = parse(filled(felt="x", actual="soon"))
    assert parsed is not None
    assert (parsed.felt, parsed.actual_minutes) == (None, None)
    assert parsed.errors == [
        "Felt must be a number from 1 to 5, not 'x'",
        "Actual minutes must be a whole number of minutes, not 'soon'",
    ]
    assert parse(filled(actual="1.5h")).errors == [
        "Actual minutes must be a whole number of minutes, not '1.5h'"
    ]
    only_error = parse(render(ITEM).replace("Felt: _/5", "Felt: 9", 1))
    assert only_error is not None and only_error.felt is None and only_error.started


def test_crlf() -> None:
    parsed = parse(filled().replace("\n", "\r\n"))
    assert parsed == parse(filled())
    assert parsed is not None and parsed.looked_up == "asyncio.wait_for signature\nTaskGroup"
    untouched = parse(render(ITEM).replace("\n", "\r\n"))
    assert untouched is not None and not untouched.started and untouched.errors == []


def test_sub_headings_and_fences_stay_in_their_section() -> None:
    doc = write_under(
        render(ITEM),
        "## What did you have to look up?",
        "### asyncio\n\nwait_for\n\n#### details\n\n```python\n## not a heading\nFelt: 1\n```",
    )
    parsed = parse(doc)
    assert parsed is not None
    assert parsed.looked_up == (
        "### asyncio\n\nwait_for\n\n#### details\n\n```python\n## not a heading\nFelt: 1\n```"
    )
    assert parsed.took_longer == "" and parsed.felt is None and parsed.errors == []


def test_the_persons_own_level_two_heading_stays_in_the_section() -> None:
    doc = write_under(render(ITEM), "## What took longer than expected?", "## Tests\nMocking the clock.")
    parsed = parse(doc)
    assert parsed is not None
    assert parsed.took_longer == "## Tests\nMocking the clock."
    assert parsed.looked_up == ""


def test_text_beside_the_felt_and_actual_lines_goes_to_notes() -> None:
    doc = filled()
    doc = doc.replace("easy)\n", "easy)\n\nSlow start, then fine.\n", 1)
    doc = doc.replace("Actual minutes: 80", "Actual minutes: 80\nIncluding a coffee.", 1)
    parsed = parse(doc)
    assert parsed is not None
    assert parsed.felt == 4 and parsed.actual_minutes == 80
    assert parsed.notes == "Slow start, then fine.\n\nIncluding a coffee.\n\nGood session."


def test_missing_marker_gives_none() -> None:
    assert parse("") is None
    assert parse(filled().replace("<!-- ownwise:reflection fb-1 -->\n", "")) is None
    assert parse("# Notes\n\nFelt: 4/5\n") is None


def test_missing_end_marker_reads_to_the_end() -> None:
    parsed = parse(filled().replace("<!-- ownwise:end fb-1 -->\n", ""))
    assert parsed is not None
    assert parsed.notes == "Good session." and parsed.felt == 4


def test_text_after_the_end_marker_is_ignored() -> None:
    parsed = parse(filled() + "\n## Anything else?\nscratch\n")
    assert parsed is not None and parsed.notes == "Good session."


def test_missing_headings_still_find_the_felt_and_actual_lines() -> None:
    doc = filled().replace("## How did it feel?\n", "").replace("## Actual time\n", "")
    parsed = parse(doc)
    assert parsed is not None
    assert (parsed.felt, parsed.actual_minutes, parsed.errors) == (4, 80, [])
    assert parsed.took_longer == "Cancelling cleanly."
