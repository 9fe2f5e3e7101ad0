"""Identifiers in code, and the gentle answer checks built on them."""

from __future__ import annotations

import pytest

from ownwise.prompts.checks import (
    CANNOT_EXPLAIN,
    MIN_WORDS,
    Check,
    check_answer,
    count_words,
    is_cannot_explain,
)
from ownwise.prompts.identifiers import identifiers, is_callable_name, mentions, primary_name

PY_FUNCTION = '''def parse_header(line: str, sep=":") -> tuple[str, str]:
    """Split a header line into its name and its value."""
    key, value = line.split(sep, 1)  # only the first separator counts
    return key.strip().lower(), value.strip()
'''

JS_FUNCTION = """function retryWithBackoff(request, maxAttempts = 3) {
  // double the wait each time
  let delay = 100;
  for (let attempt = 0; attempt < maxAttempts; attempt++) {
    try { return request(); } catch (err) { delay *= 2; }
  }
  throw new Error(`gave up after ${maxAttempts} tries`);
}
"""

VARIABLE_ONLY = "retry_delay = base_delay * 2 ** attempt  # exponential backoff\n"

OK = "Saved. Thank you for explaining it in your own words."


# -- identifiers -------------------------------------------------------------


def test_identifiers_defined_names_first_then_by_frequency() -> None:
    assert identifiers(PY_FUNCTION) == [
        "parse_header",
        "line",
        "sep",
        "key",
        "value",
        "strip",
        "split",
        "lower",
    ]


def test_identifiers_javascript() -> None:
    names = identifiers(JS_FUNCTION)
    assert names[:5] == ["retryWithBackoff", "request", "maxAttempts", "delay", "attempt"]
    # Comment and template-literal words are not identifiers; keywords and noise are skipped.
    for absent in ("double", "wait", "gave", "tries", "function", "let", "return", "new"):
        assert absent not in names


def test_identifiers_skip_strings_comments_keywords_noise_and_short_names() -> None:
    code = (
        'greeting = "hello there friend"  # a comment about things\n'
        "other = 'single quoted words'\n"
        'doc = """triple\nquoted words"""\n'
        "ok = len(greeting) + self.counter + i\n"
    )
    names = identifiers(code)
    assert names == ["greeting", "other", "doc", "counter"]


def test_identifiers_python_floor_division_is_not_a_comment() -> None:
    code = "def middle(low, high):\n    return (low + high) // step_size\n"
    assert "step_size" in identifiers(code)


def test_identifiers_c_style_comments_in_braced_code() -> None:
    code = "int total = 0; // running_sum is not a name here\n/* hidden_name */ total += amount;\n"
    names = identifiers(code)
    assert names == ["total", "amount"]


def test_identifiers_dotted_access_gives_both_parts() -> None:
    names = identifiers("result = client.session.fetch(url)\n")
    assert names[0] == "result"
    assert {"client", "session", "fetch", "url"} <= set(names)


def test_identifiers_go_method_and_short_assignment() -> None:
    code = (
        "func (srv *Server) Handle(ctx context.Context, req *Request) error {\n"
        "\tresp, err := srv.backend.Do(ctx, req)\n"
        "\treturn use(resp, err)\n"
        "}\n"
    )
    names = identifiers(code)
    assert names[:5] == ["srv", "Handle", "ctx", "req", "resp"]
    assert primary_name(code) == "Handle"


def test_primary_name() -> None:
    assert primary_name(PY_FUNCTION) == "parse_header"
    assert primary_name(JS_FUNCTION) == "retryWithBackoff"
    assert primary_name("class RateLimiter:\n    pass\n") == "RateLimiter"
    assert primary_name("fn longest<'a>(first: &'a str, second: &'a str) -> &'a str { first }") == "longest"
    assert primary_name(VARIABLE_ONLY) == "retry_delay"
    assert primary_name("# only a comment\n") is None
    assert primary_name("") is None


def test_is_callable_name() -> None:
    assert is_callable_name(PY_FUNCTION, "parse_header")
    assert is_callable_name(PY_FUNCTION, "split")  # called
    assert not is_callable_name(PY_FUNCTION, "key")
    assert is_callable_name("class Cache:\n    pass\n", "Cache")
    assert not is_callable_name(VARIABLE_ONLY, "retry_delay")
    assert not is_callable_name('x = "retry_delay(3)"', "retry_delay")  # inside a string


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("the retry delay grows", "retry_delay"),
        ("the Retry-Delay grows", "retry_delay"),
        ("the retry_delay grows", "retry_delay"),
        ("the retrydelay grows", "retry_delay"),
        ("the retry delay grows", "retryDelay"),
        ("the retry delay grows", "RetryDelay"),
        ("uses `retryDelay`.", "retryDelay"),
        ("self.retry_delay is read", "retry_delay"),
        ("the HTTP server", "HTTPServer"),
        ("it can parse headers", "parse_header"),
    ],
)
def test_mentions(text: str, name: str) -> None:
    assert mentions(text, name)


@pytest.mark.parametrize(
    ("text", "name"),
    [
        ("the delay grows", "retry_delay"),
        ("retrying is fine", "retry"),
        ("the retry_delay_ms grows", "retry_delay"),
        ("", "retry_delay"),
        ("anything", ""),
    ],
)
def test_does_not_mention(text: str, name: str) -> None:
    assert not mentions(text, name)


# -- is_cannot_explain ---------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        CANNOT_EXPLAIN,
        "I can\u2019t explain this yet",
        "i CAN'T EXPLAIN this yet",
        "I can't explain this yet.",
        "I can't explain this yet!",
        "  I can't\n  explain   this yet  ",
        "- I can't explain this yet",
        "I cannot explain this yet",
        "`I can't explain this yet`",
    ],
)
def test_cannot_explain_variants(text: str) -> None:
    assert is_cannot_explain(text)
    check = check_answer(text, PY_FUNCTION)
    assert check == Check(
        accepted=True,
        cannot_explain=True,
        feedback='Stored as "can\'t explain yet". That\'s honest: this block stays on your list.',
        reason="cannotExplain",
    )


def test_cannot_explain_with_more_text_is_a_normal_answer() -> None:
    text = "I can't explain this yet, but it loops"
    assert not is_cannot_explain(text)
    check = check_answer(text, PY_FUNCTION)
    assert not check.cannot_explain
    assert check.reason == "tooShort"
    assert not is_cannot_explain("I can explain this yet")


# -- check_answer --------------------------------------------------------------


def test_empty_answer() -> None:
    for text in ("", "   \n\t  "):
        assert check_answer(text, PY_FUNCTION) == Check(
            False, False, 'Write your answer under "Your answer" first.', "empty"
        )


def test_too_short() -> None:
    check = check_answer("It splits the header line at the colon.", PY_FUNCTION)
    assert check == Check(
        False,
        False,
        "That's 8 words. Say what the code does and why it does it that way, in at least 15 words.",
        "tooShort",
    )
    one = check_answer("parse_header", PY_FUNCTION)
    assert one.feedback.startswith("That's 1 word. ")


def test_min_words_is_configurable() -> None:
    check = check_answer("parse_header splits one header line.", PY_FUNCTION, min_words=5)
    assert check.accepted and check.reason == "ok"
    short = check_answer("parse_header splits.", PY_FUNCTION, min_words=5)
    assert short.feedback.endswith("in at least 5 words.")


def test_count_words() -> None:
    assert count_words("Don't split retry_delay in self.retry_delay; 3.5 seconds!") == 7
    assert count_words("-- ... ___") == 0
    assert MIN_WORDS == 15


def test_copying_code_lines_is_refused() -> None:
    copied = "\n".join(PY_FUNCTION.splitlines()[2:4]) + "\nThis is what it does."
    check = check_answer(copied, PY_FUNCTION)
    assert check == Check(
        False, False, "It mostly repeats the code. Say in your own words what it does and why.", "copiesCode"
    )


def test_copying_code_inside_a_fence_is_refused() -> None:
    copied = "```python\n" + PY_FUNCTION + "```\n"
    assert check_answer(copied, PY_FUNCTION).reason == "copiesCode"


def test_copying_code_words_without_punctuation_is_refused() -> None:
    words = "key, value: line split sep 1 -- only the first separator counts; return key strip lower value"
    assert check_answer(words, PY_FUNCTION).reason == "copiesCode"


def test_quoting_one_line_among_own_words_is_fine() -> None:
    text = (
        "parse_header cuts a raw header into its name and its value at the first separator only,\n"
        "because values such as URLs can contain more colons:\n"
        "key, value = line.split(sep, 1)  # only the first separator counts\n"
        "Then it lowercases the name so lookups do not depend on how the sender wrote it."
    )
    assert check_answer(text, PY_FUNCTION).reason == "ok"


def test_no_identifier_python_function() -> None:
    text = (
        "This takes one row of text and cuts it in two parts at the first colon, "
        "then tidies both halves and lowercases the first."
    )
    assert check_answer(text, PY_FUNCTION) == Check(
        False, False, "It doesn't mention `parse_header`: what does it do?", "noIdentifier"
    )


def test_no_identifier_js_function() -> None:
    text = (
        "It calls the server again and again, waiting twice as long each round, "
        "and finally gives up with a failure message."
    )
    check = check_answer(text, JS_FUNCTION)
    assert check.feedback == "It doesn't mention `retryWithBackoff`: what does it do?"
    assert check.reason == "noIdentifier"


def test_no_identifier_variable_only_snippet() -> None:
    text = (
        "The wait before trying again doubles every time so that a struggling server "
        "gets more and more room to recover."
    )
    check = check_answer(text, VARIABLE_ONLY)
    assert check.feedback == "It doesn't mention `retry_delay`: what does it control?"
    assert not check.accepted


def test_snake_and_camel_names_written_as_words_are_accepted() -> None:
    text = (
        "The retry delay doubles every time so that a struggling server "
        "gets more and more room to recover before we try again."
    )
    assert check_answer(text, VARIABLE_ONLY).reason == "ok"
    camel = "const retryDelay = baseDelay * 2 ** attempt;\n"
    assert check_answer(text, camel).reason == "ok"


def test_genuine_explanation_is_accepted() -> None:
    text = (
        "parse_header splits a raw header at the first colon only, because values such as URLs "
        "may contain colons themselves."
    )
    assert count_words(text) >= 15
    assert check_answer(text, PY_FUNCTION) == Check(True, False, OK, "ok")


@pytest.mark.parametrize("kind", ["recall", "review"])
def test_recall_and_review_look_only_at_the_first_line(kind: str) -> None:
    # ``key`` is in the code but not on its first line, which is all the person saw.
    text = (
        "It cuts the text at the first colon into a key and a value, trims both "
        "and lowercases the key so that lookups work."
    )
    assert check_answer(text, PY_FUNCTION, "explain").reason == "ok"
    check = check_answer(text, PY_FUNCTION, kind)
    assert check.feedback == "It doesn't mention `parse_header`: what does it do?"
    named = text.replace("It cuts", "parse_header cuts")
    assert check_answer(named, PY_FUNCTION, kind).accepted


def test_no_identifier_check_is_skipped_without_identifiers() -> None:
    text = "It sets a counter to one so that the first pass through the loop counts as the first attempt."
    assert check_answer(text, "x = 1\n").reason == "ok"


def test_class_name_hint_asks_what_it_does() -> None:
    code = "class RateLimiter:\n    capacity = 10\n"
    text = "It keeps track of how many calls were made recently and refuses new ones once too many arrive."
    assert check_answer(text, code).feedback == "It doesn't mention `RateLimiter`: what does it do?"
