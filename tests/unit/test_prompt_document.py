"""The explanation document: rendering, reading answers back, showing the code afterwards."""

from __future__ import annotations

import pytest

from ownwise.prompts.document import DocItem, ParsedAnswer, append_code, fence, parse, render

EXPLAIN_CODE = "def retry(call, attempts=3):\n    for n in range(attempts):\n        call()\n"
RECALL_CODE = "\n    def parse_header(line):\n        return line.split(':', 1)\n"
REVIEW_CODE = "const backoffMs = 2 ** attempt * 100;\nwait(backoffMs);\n"

ITEMS = [
    DocItem("p-1", "explain", "src/engine.py:3-6", "What does retry do?", EXPLAIN_CODE, "python", "core"),
    DocItem("p-2", "recall", "src/http.py:10-11", "What does it do?", RECALL_CODE, "python", "core"),
    DocItem("p-3", "review", "web/retry.js:1-2", "What was this for?", REVIEW_CODE, "javascript"),
]


def fill(doc: str, prompt_id: str, answer: str, understanding: str = "_", recall: str | None = None) -> str:
    """Write an answer into a rendered document the way a person would."""
    start = doc.index(f"<!-- ownwise:prompt {prompt_id} -->")
    end = doc.index(f"<!-- ownwise:end {prompt_id} -->")
    section = doc[start:end]
    below = "<!-- write your answer below this line -->\n"
    section = section.replace(below, below + answer + "\n", 1)
    section = section.replace("Understanding: _/5", f"Understanding: {understanding}", 1)
    if recall is not None:
        section = section.replace("Recall: _ (Again, Hard, Good or Easy)", f"Recall: {recall}", 1)
    return doc[:start] + section + doc[end:]


def by_id(answers: list[ParsedAnswer]) -> dict[str, ParsedAnswer]:
    return {a.prompt_id: a for a in answers}


# -- render ------------------------------------------------------------------


def test_render_layout_of_an_explain_item() -> None:
    doc = render(ITEMS[:1])
    assert doc.startswith("# Explain the AI code you kept\n\n")
    assert "Understanding: _/5" in doc.split("\n\n")[1]  # the instructions paragraph
    assert "I can't explain this yet" in doc.split("\n\n")[1]
    section = doc[doc.index("<!-- ownwise:prompt p-1 -->") :]
    assert section == (
        "<!-- ownwise:prompt p-1 -->\n"
        "## 1. src/engine.py:3-6 (core · explain)\n"
        "\n"
        "**Question:** What does retry do?\n"
        "\n"
        "```python\n"
        "def retry(call, attempts=3):\n"
        "    for n in range(attempts):\n"
        "        call()\n"
        "```\n"
        "\n"
        "### Your answer\n"
        "\n"
        "<!-- write your answer below this line -->\n"
        "\n"
        "\n"
        "Understanding: _/5\n"
        "\n"
        "<!-- ownwise:end p-1 -->\n"
    )


def test_recall_and_review_items_show_only_the_first_line() -> None:
    doc = render(ITEMS)
    assert "for n in range(attempts):" in doc  # explain: the whole code
    assert "Starts with: `def parse_header(line):`" in doc
    assert "return line.split" not in doc
    assert "Starts with: `const backoffMs = 2 ** attempt * 100;`" in doc
    assert "wait(backoffMs)" not in doc
    assert "## 2. src/http.py:10-11 (core · recall)" in doc
    assert "## 3. web/retry.js:1-2 (review)" in doc
    assert doc.count("Recall: _ (Again, Hard, Good or Easy)") == 1
    assert "Again, Hard, Good or Easy" in doc.split("\n\n")[1]  # instructions mention Recall


def test_render_title_and_intro() -> None:
    doc = render(ITEMS[:1], title="Today's blocks", intro="Answer what you can.")
    assert doc.startswith("# Today's blocks\n\nAnswer what you can.\n\n<!-- ownwise:prompt p-1 -->\n")
    assert render([]).startswith("# Explain the AI code you kept\n\n")


@pytest.mark.parametrize(
    "items",
    [
        [DocItem("a b", "explain", "x.py:1", "?", "x = 1")],
        [DocItem("", "explain", "x.py:1", "?", "x = 1")],
        [DocItem("a--b", "explain", "x.py:1", "?", "x = 1")],
        [DocItem("a", "quiz", "x.py:1", "?", "x = 1")],
    ],
)
def test_render_rejects_bad_items(items: list[DocItem]) -> None:
    with pytest.raises(ValueError):
        render(items)


def test_render_shows_a_repeated_prompt_id_once() -> None:
    doc = render([ITEMS[0], ITEMS[1], ITEMS[0]])
    assert doc.count("<!-- ownwise:prompt p-1 -->") == 1
    assert "## 2. src/http.py:10-11" in doc
    assert "## 3." not in doc


def test_fence() -> None:
    assert fence("x = 1", "python") == "```python\nx = 1\n```"
    assert fence("x = 1\n") == "```\nx = 1\n```"
    assert fence("a ``` b\n") == "````\na ``` b\n````"
    assert fence("s = '`````'\n", "py") == "``````py\ns = '`````'\n``````"
    assert fence("a\r\nb\r\n") == "```\na\nb\n```"


# -- parse -------------------------------------------------------------------


def test_placeholders_parse_as_unanswered_without_errors() -> None:
    answers = parse(render(ITEMS))
    assert answers == [
        ParsedAnswer("p-1", "", None, None, None, None),
        ParsedAnswer("p-2", "", None, None, None, None),
        ParsedAnswer("p-3", "", None, None, None, None),
    ]


def test_round_trip_all_three_kinds() -> None:
    doc = render(ITEMS)
    doc = fill(doc, "p-1", "retry calls `call` up to attempts times.\nIt ignores failures.", "4/5")
    doc = fill(doc, "p-2", "parse_header splits at the first colon.", "2")
    doc = fill(doc, "p-3", "I can't explain this yet", "**3**/5", recall="Good (Again, Hard, Good or Easy)")
    answers = parse(doc)
    assert [a.prompt_id for a in answers] == ["p-1", "p-2", "p-3"]
    got = by_id(answers)
    assert got["p-1"] == ParsedAnswer(
        "p-1", "retry calls `call` up to attempts times.\nIt ignores failures.", 4, None, None, None
    )
    assert got["p-2"] == ParsedAnswer("p-2", "parse_header splits at the first colon.", 2, None, None, None)
    assert got["p-3"] == ParsedAnswer("p-3", "I can't explain this yet", 3, None, "good", None)


@pytest.mark.parametrize(
    ("written", "expected"),
    [("4/5", 4), ("4 / 5", 4), ("4", 4), ("**4**/5", 4), ("**4/5**", 4), (" 1/5 ", 1), ("5", 5)],
)
def test_understanding_forms(written: str, expected: int) -> None:
    doc = fill(render(ITEMS[:1]), "p-1", "An answer.", written)
    answer = parse(doc)[0]
    assert (answer.understanding, answer.understanding_error) == (expected, None)


@pytest.mark.parametrize("written", ["_/5", "_", "", "_ / 5"])
def test_understanding_placeholders(written: str) -> None:
    doc = fill(render(ITEMS[:1]), "p-1", "An answer.", written)
    answer = parse(doc)[0]
    assert (answer.understanding, answer.understanding_error) == (None, None)


@pytest.mark.parametrize(
    ("written", "error"),
    [
        ("7", "Understanding must be a number from 1 to 5, not 7"),
        ("0/5", "Understanding must be a number from 1 to 5, not 0"),
        ("four", "Understanding must be a number from 1 to 5, not 'four'"),
        ("3.5/5", "Understanding must be a number from 1 to 5, not '3.5/5'"),
        ("4/10", "Understanding must be a number from 1 to 5, not '4/10'"),
    ],
)
def test_understanding_errors(written: str, error: str) -> None:
    doc = fill(render(ITEMS[:1]), "p-1", "An answer.", written)
    answer = parse(doc)[0]
    assert (answer.understanding, answer.understanding_error) == (None, error)
    assert answer.text == "An answer."


@pytest.mark.parametrize(
    ("written", "rating", "error"),
    [
        ("EASY", "easy", None),
        ("again", "again", None),
        ("**Hard**", "hard", None),
        ("(Good)", "good", None),
        ("_ (Again, Hard, Good or Easy)", None, None),
        ("", None, None),
        ("maybe", None, "Recall must be Again, Hard, Good or Easy, not 'maybe'"),
        ("maybe (Again, Hard, Good or Easy)", None, "Recall must be Again, Hard, Good or Easy, not 'maybe'"),
    ],
)
def test_recall_values(written: str, rating: str | None, error: str | None) -> None:
    doc = fill(render(ITEMS[2:]), "p-3", "An answer.", "3", recall=written)
    answer = parse(doc)[0]
    assert (answer.rating, answer.rating_error) == (rating, error)
    assert answer.understanding == 3


def test_crlf_line_endings() -> None:
    doc = fill(render(ITEMS), "p-1", "First line.\nSecond line.", "5")
    doc = fill(doc, "p-3", "Backoff.", "2", recall="Hard")
    got = by_id(parse(doc.replace("\n", "\r\n")))
    assert got["p-1"].text == "First line.\nSecond line."
    assert got["p-1"].understanding == 5
    assert (got["p-3"].understanding, got["p-3"].rating) == (2, "hard")


def test_code_with_fences_gets_a_longer_fence_and_still_parses() -> None:
    code = 'DOC = """\n```python\n### Your answer\nUnderstanding: 1/5\n```\n"""\n'
    doc = render([DocItem("f", "explain", "doc.py:1-6", "Why?", code, "python")])
    assert "````python\n" + code + "````\n" in doc
    answer = parse(fill(doc, "f", "It keeps an example document.", "3/5"))[0]
    assert (answer.text, answer.understanding, answer.understanding_error) == (
        "It keeps an example document.",
        3,
        None,
    )


def test_user_text_with_headings_fences_and_understanding_words() -> None:
    text = (
        "# My notes\n"
        "\n"
        "## Why\n"
        "Understanding is key here: it retries.\n"
        "\n"
        "```python\n"
        "Understanding: 1/5\n"
        "# a comment in code\n"
        "```\n"
        "\n"
        "~~~\n"
        "### Your answer\n"
        "~~~"
    )
    doc = fill(render(ITEMS), "p-1", text, "4/5")
    got = by_id(parse(doc))
    assert got["p-1"].text == text
    assert got["p-1"].understanding == 4
    assert [a.prompt_id for a in parse(doc)] == ["p-1", "p-2", "p-3"]


def test_html_comments_are_removed_from_the_answer() -> None:
    answer_text = "It retries. <!-- note to self -->\n<!--\nhidden\n-->"
    doc = fill(render(ITEMS[:1]), "p-1", answer_text, "4/5 <!-- ok -->")
    answer = parse(doc)[0]
    assert (answer.text, answer.understanding) == ("It retries.", 4)


def test_unclosed_fence_in_an_answer_stays_in_its_section() -> None:
    doc = fill(render(ITEMS), "p-1", "It retries:\n```python\ncall()", "4")
    doc = fill(doc, "p-2", "Splits a header.", "3")
    got = by_id(parse(doc))
    assert got["p-1"].text == "It retries:\n```python\ncall()"
    assert got["p-1"].understanding == 4
    assert (got["p-2"].text, got["p-2"].understanding) == ("Splits a header.", 3)


def test_answer_written_above_the_comment_counts_too() -> None:
    doc = render(ITEMS[:1]).replace("### Your answer\n", "### Your answer\nIt retries.\n")
    assert parse(doc)[0].text == "It retries."


def test_deleted_end_marker() -> None:
    doc = fill(render(ITEMS), "p-1", "Retries the call.", "4")
    doc = fill(doc, "p-2", "Splits a header.", "2")
    doc = doc.replace("<!-- ownwise:end p-1 -->\n", "").replace("<!-- ownwise:end p-3 -->\n", "")
    got = by_id(parse(doc))
    assert (got["p-1"].text, got["p-1"].understanding) == ("Retries the call.", 4)
    assert (got["p-2"].text, got["p-2"].understanding) == ("Splits a header.", 2)
    assert got["p-3"] == ParsedAnswer("p-3", "", None, None, None, None)


def test_deleted_understanding_line() -> None:
    doc = fill(render(ITEMS), "p-1", "Retries the call.").replace("Understanding: _/5\n", "")
    got = by_id(parse(doc))
    assert got["p-1"] == ParsedAnswer("p-1", "Retries the call.", None, None, None, None)
    assert got["p-3"].rating is None and got["p-3"].rating_error is None
    assert got["p-3"].text == ""


def test_repeated_id_first_section_wins() -> None:
    first = fill(render(ITEMS[:1]), "p-1", "First.", "2")
    second = fill(render(ITEMS[:1]), "p-1", "Second.", "5")
    answers = parse(first + "\n" + second)
    assert answers == [ParsedAnswer("p-1", "First.", 2, None, None, None)]


def test_parse_of_unrelated_text() -> None:
    assert parse("") == []
    assert parse("# Notes\n\nUnderstanding: 4/5\n") == []


# -- append_code ----------------------------------------------------------------


def test_append_code_is_idempotent_and_stays_out_of_the_answer() -> None:
    doc = fill(render(ITEMS), "p-2", "parse_header splits at the first colon.", "3")
    shown = append_code(doc, "p-2", RECALL_CODE, "python")
    assert append_code(shown, "p-2", RECALL_CODE, "python") == shown
    block = "**The code, to compare:**\n\n```python\n" + RECALL_CODE + "```\n\n<!-- ownwise:end p-2 -->"
    assert block in shown
    assert shown.count("**The code, to compare:**") == 1
    assert parse(shown) == parse(doc)
    # Another prompt's section is not touched.
    assert shown.split("<!-- ownwise:prompt p-3 -->")[1] == doc.split("<!-- ownwise:prompt p-3 -->")[1]


def test_append_code_without_understanding_line_still_keeps_code_out_of_the_answer() -> None:
    doc = fill(render(ITEMS), "p-2", "Splits a header.")
    doc = doc.replace("Understanding: _/5\n\n<!-- ownwise:end p-2", "<!-- ownwise:end p-2")
    shown = append_code(doc, "p-2", "Understanding: 5/5\nreturn line\n")
    assert by_id(parse(shown))["p-2"] == ParsedAnswer("p-2", "Splits a header.", None, None, None, None)


def test_append_code_unknown_id_and_crlf_and_missing_end_marker() -> None:
    doc = render(ITEMS)
    assert append_code(doc, "nope", "x = 1") == doc
    crlf = doc.replace("\n", "\r\n")
    shown = append_code(crlf, "p-1", EXPLAIN_CODE, "python")
    assert "\n" not in shown.replace("\r\n", "")
    assert "**The code, to compare:**\r\n\r\n```python\r\n" in shown
    cut = doc.replace("<!-- ownwise:end p-3 -->\n", "").rstrip("\n")
    tail = append_code(cut, "p-3", REVIEW_CODE, "javascript")
    assert tail.startswith(cut + "\n\n**The code, to compare:**\n\n```javascript\n")
    assert append_code(tail, "p-3", REVIEW_CODE, "javascript") == tail
    assert by_id(parse(tail))["p-3"].text == ""
