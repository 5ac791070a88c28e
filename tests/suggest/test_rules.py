"""YAML rules: validation (file and line) and matching (FORMAT section 9)."""

from __future__ import annotations

import re

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from suggest_helpers import schema

from labeltui.core.suggest.rules import parse_rules, phrase_keys, phrase_pattern
from labeltui.errors import LabeltuiError


def one(body: str):
    return parse_rules("rules:\n" + body, schema(), "rules.yaml")[0]


REFUND = "  - {name: r, task: team, label: billing, any: [refund, charged twice]}\n"


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Please refund me", "billing"),
        ("REFUND now", "billing"),  # case-insensitive
        ("Refund.", "billing"),  # punctuation is not a word character
        ("refunded already", None),  # followed by a word character
        ("prerefund", None),  # preceded by a word character
        ("refund_x", None),  # underscore is a word character
        ("I was Charged  Twice!", "billing"),  # a phrase with spaces, any whitespace
        ("charged\ntwice", "billing"),
        ("chargedtwice", None),
        ("é refund é", "billing"),  # non-ASCII around the match
        ("érefund", None),  # é is a word character
        ("", None),
    ],
)
def test_any_matches_whole_phrases_in_any_case(text, expected):
    rule = one(REFUND)
    lowered = text.lower() if text.isascii() else None
    assert rule.vote(text, lowered) == expected
    assert rule.vote(text) == expected  # the quick test changes nothing


def test_regex_is_case_sensitive_unless_it_says_so():
    rule = one('  - {name: r, task: team, label: shipping, regex: "order\\\\s+#?\\\\d{5,}"}\n')
    assert rule.vote("my order #12345 is late") == "shipping"
    assert rule.vote("my ORDER #12345 is late") is None
    rule = one('  - {name: r, task: team, label: shipping, regex: "(?i)order\\\\s+#?\\\\d{5,}"}\n')
    assert rule.vote("my ORDER #12345 is late") == "shipping"


def test_spans_rule_gives_every_match_at_code_point_offsets():
    rule = one("  - {name: p, task: entities, label: PRODUCT, any: [Acme Router X2, Acme Hub]}\n")
    text = "🎉👍🏽 my acme hub and my Acme Router X2, café Acme Hub!"
    spans = rule.vote(text)
    assert [(s["start"], s["end"], s["text"]) for s in spans] == [
        (7, 15, "acme hub"),
        (23, 37, "Acme Router X2"),
        (44, 52, "Acme Hub"),
    ]
    for span in spans:
        assert text[span["start"] : span["end"]] == span["text"]
        assert span["label"] == "PRODUCT"
    # the longest phrase wins where two start at one place
    assert rule.vote("Acme Router X2")[0]["text"] == "Acme Router X2"


def test_spans_offsets_after_combining_marks_and_wide_characters():
    rule = one('  - {name: p, task: entities, label: PLACE, regex: "東京|Zürich"}\n')
    text = "e\u0301e\u0301 東京 and Zu\u0308rich and Zürich"
    spans = rule.vote(text)
    assert [(s["start"], s["text"]) for s in spans] == [(5, "東京"), (24, "Zürich")]
    assert all(text[s["start"] : s["end"]] == s["text"] for s in spans)


ODD = "aAbBsSkK ſıİ\u212a\u0130éÉ_-.\n"


@settings(max_examples=300, deadline=None)
@given(
    phrases=st.lists(st.text(alphabet="abskKS ", min_size=1, max_size=4), min_size=1, max_size=3),
    text=st.text(alphabet=ODD, max_size=30),
)
def test_quick_test_never_changes_a_vote(phrases, text):
    """The lower-case substring test before the regex (ASCII only) agrees with the regex alone,
    also for characters that IGNORECASE folds specially (ſ, K, ı)."""
    phrases = [p for p in phrases if p.strip()]
    if not phrases:
        return
    pattern = phrase_pattern(phrases)
    keys = phrase_keys(phrases)
    expected = pattern.search(text) is not None
    if keys is not None and text.isascii():
        quick = any(k in text.lower() for k in keys)
        assert quick or not expected


@pytest.mark.parametrize(
    ("body", "line", "words"),
    [
        ("  - {name: a, task: nope, label: billing, any: [x]}\n", 2, "unknown task 'nope'"),
        ("  - {name: a, task: team, label: nope, any: [x]}\n", 2, "unknown label 'nope'"),
        ('  - {name: a, task: team, label: bug, regex: "(unclosed"}\n', 2, "bad regex"),
        ("  - {name: a, task: team, label: bug, any: [x], regex: x}\n", 2, "both 'any' and"),
        ("  - {name: a, task: team, label: bug}\n", 2, "neither 'any' nor 'regex'"),
        (
            "  - {name: a, task: team, label: bug, any: [x]}\n"
            "  - {name: a, task: team, label: bug, any: [y]}\n",
            3,
            "duplicate rule name 'a' (first at line 2)",
        ),
        ("  - {name: a, task: team, label: bug, any: []}\n", 2, "non-empty list of phrases"),
        ("  - {name: a, task: team, label: bug, anyy: [x]}\n", 2, "unknown key 'anyy'"),
        ("  - {name: a, task: team, label: bug, any: [x]\n", 3, "invalid YAML"),
        ("  - !!python/object {name: a}\n", 2, "not allowed"),
    ],
)
def test_bad_rules_name_the_line(body, line, words):
    with pytest.raises(LabeltuiError) as caught:
        parse_rules("rules:\n" + body, schema(), "rules.yaml")
    assert caught.value.path == "rules.yaml"
    assert caught.value.line == line
    assert words in caught.value.message


def test_regex_rule_patterns_are_plain_re():
    rule = one('  - {name: r, task: team, label: bug, regex: "^crash"}\n')
    assert isinstance(rule.pattern, re.Pattern)
    assert rule.vote("crash here") == "bug"
    assert rule.vote("a crash") is None
