"""The span editing state machine (core.span_edit): rules by example, invariants by hypothesis."""

from __future__ import annotations

import itertools
import json

from hypothesis import given, settings
from hypothesis import strategies as st
from unicode_strategies import texts

from labeltui.core.offsets import Wrapped, grapheme_bounds, shown_text
from labeltui.core.span_edit import Span, SpanEdit, make_units, parse_spans
from labeltui.core.tokens import tokenize

TEXT = "Barack Obama met Angela Merkel in Berlin."


def words(edit: SpanEdit) -> list[str]:
    return [edit.text[a:b] for a, b in edit.units]


def at(edit: SpanEdit, word: str) -> SpanEdit:
    edit.goto(words(edit).index(word))
    return edit


def test_units_are_tokens_made_whole():
    assert words(SpanEdit("Hi, there!")) == ["Hi", ",", "there", "!"]
    # an accent written as a combining mark stays inside its word
    assert words(SpanEdit("na\u0308ive cafe\u0301")) == ["na\u0308ive", "cafe\u0301"]
    assert words(SpanEdit("\u0939\u093f\u0928\u094d\u0926\u0940 ok")) == [
        "\u0939\u093f\u0928\u094d\u0926\u0940",
        "ok",
    ]
    assert words(SpanEdit("a 👨\u200d👩\u200d👧 👍🏽 🇫🇷🇩🇪")) == [
        "a",
        "👨\u200d👩\u200d👧",
        "👍🏽",
        "🇫🇷",
        "🇩🇪",
    ]
    assert words(SpanEdit("東京タワー", tokenizer="chars")) == list("東京タワー")
    assert words(SpanEdit("   ")) == [] and SpanEdit("").cursor is None


def test_label_token_under_cursor_and_selection():
    edit = at(SpanEdit(TEXT), "Berlin")
    assert edit.label("LOC")
    edit.goto(0)
    edit.extend(1)
    assert edit.selection() == (0, 12)
    assert edit.label("PERSON") and edit.selection() is None
    assert edit.value() == [
        {"start": 0, "end": 12, "label": "PERSON", "text": "Barack Obama"},
        {"start": 34, "end": 40, "label": "LOC", "text": "Berlin"},
    ]


def test_extend_left_and_escape():
    edit = at(SpanEdit(TEXT), "Merkel")
    edit.extend(-1)
    assert edit.selection() == (17, 30)  # "Angela Merkel": from the anchor back one token
    assert edit.clear_selection() and edit.selection() is None
    assert not edit.clear_selection()
    edit.extend(1)
    edit.move(1)  # a plain move drops the selection
    assert edit.selection() is None


def test_same_label_removes_other_label_relabels():
    edit = at(SpanEdit(TEXT), "Obama")
    edit.extend(-1)
    edit.label("PERSON")
    edit.goto(1)  # "Obama", inside the span
    assert edit.label("ORG")
    assert [(s.start, s.end, s.label) for s in edit.spans] == [(0, 12, "ORG")]
    assert edit.label("ORG") and edit.spans == []


def test_overlap_is_refused_unless_allowed():
    edit = at(SpanEdit(TEXT), "Angela")
    edit.extend(1)
    edit.label("PERSON")
    edit.goto(words(edit).index("met"))
    edit.extend(1)
    assert not edit.label("ORG")
    assert "Overlaps PERSON 'Angela Merkel'" in edit.message
    assert edit.selection() == (13, 23)  # kept, so it can be adjusted
    edit = at(SpanEdit(TEXT, allow_overlap=True), "Angela")
    edit.extend(1)
    edit.label("PERSON")
    edit.goto(words(edit).index("Angela"))
    assert edit.label("FIRST")  # a nested span on the token
    assert [(s.start, s.end, s.label) for s in edit.spans] == [
        (17, 23, "FIRST"),
        (17, 30, "PERSON"),
    ]
    assert edit.current_span() == Span(17, 23, "FIRST")  # the innermost


def test_exact_selection_over_a_span_relabels_it():
    edit = SpanEdit(TEXT, [Span(0, 12, "PERSON")])
    edit.extend(1)
    assert edit.label("ORG")
    assert edit.spans == [Span(0, 12, "ORG")]
    edit.goto(0)
    edit.extend(1)
    assert not edit.label("ORG") and "Already labelled" in edit.message


def test_remove_span_under_cursor():
    edit = SpanEdit(TEXT, [Span(0, 12, "PERSON"), Span(34, 40, "LOC")])
    at(edit, "Obama")
    assert edit.remove() and edit.spans == [Span(34, 40, "LOC")]
    assert not edit.remove() and edit.message == "No span under the cursor."


def test_move_boundaries_without_deleting():
    edit = at(SpanEdit(TEXT, [Span(7, 12, "PERSON")]), "Obama")
    assert edit.move_boundary("start", -1) and edit.spans == [Span(0, 12, "PERSON")]
    assert edit.cursor == 0  # the cursor follows the moved start
    assert not edit.move_boundary("start", -1) and "first token" in edit.message
    assert edit.move_boundary("end", 1) and edit.spans == [Span(0, 16, "PERSON")]
    assert edit.move_boundary("end", -1) and edit.spans == [Span(0, 12, "PERSON")]
    assert edit.move_boundary("start", 1) and edit.spans == [Span(7, 12, "PERSON")]
    assert not edit.move_boundary("start", 1) and "empty" in edit.message
    assert not edit.move_boundary("end", -1) and "empty" in edit.message
    edit.goto(len(edit.units) - 1)
    assert not edit.move_boundary("end", 1) and "No span" in edit.message


def test_boundary_moves_respect_overlap():
    edit = at(SpanEdit(TEXT, [Span(0, 12, "PERSON"), Span(13, 16, "X")]), "Obama")
    assert not edit.move_boundary("end", 1) and "Would overlap X 'met'" in edit.message
    edit = at(SpanEdit(TEXT, [Span(0, 12, "P"), Span(13, 16, "X")], allow_overlap=True), "Obama")
    assert edit.move_boundary("end", 1) and Span(0, 16, "P") in edit.spans


def test_misaligned_preannotation_is_kept_and_snaps_when_moved():
    edit = SpanEdit(TEXT, [Span(2, 5, "PERSON")])  # inside "Barack"
    assert edit.value()[0]["text"] == "rac"
    assert edit.units[:3] == [(0, 2), (2, 5), (5, 6)]  # cut at its ends, so the cursor reaches it
    assert edit.current_span() is None and edit.move(1)
    assert edit.current_span() == Span(2, 5, "PERSON")
    assert edit.move_boundary("end", 1) and edit.spans == [Span(2, 6, "PERSON")]
    assert edit.move_boundary("start", -1) and edit.spans == [Span(0, 6, "PERSON")]


def test_undo_restores_spans_and_cursor():
    edit = at(SpanEdit(TEXT), "Berlin")
    edit.label("LOC")
    edit.goto(0)
    edit.label("PERSON")
    edit.remove()
    assert edit.undo() and len(edit.spans) == 2
    assert edit.undo() and edit.spans == [Span(34, 40, "LOC")] and edit.cursor == 0
    assert edit.undo() and edit.spans == []
    assert not edit.undo()


def test_parse_spans_drops_only_unusable_entries():
    value = [
        {"start": 0, "end": 6, "label": "PERSON", "text": "stale"},
        {"start": 0, "end": 6, "label": "PERSON"},  # duplicate
        {"start": 5, "end": 5, "label": "EMPTY"},
        {"start": 3, "end": 999, "label": "OUT"},
        {"start": True, "end": 4, "label": "BOOL"},
        {"start": 1, "end": 4},
        "nonsense",
    ]
    spans, bad = parse_spans(value, TEXT)
    assert spans == [Span(0, 6, "PERSON")] and bad == 6
    assert parse_spans(None, TEXT) == ([], 0)
    assert parse_spans({"start": 0}, TEXT) == ([], 1)


# -- properties over arbitrary Unicode --------------------------------------------------------

ops = st.lists(
    st.one_of(
        st.tuples(st.just("move"), st.integers(-3, 3)),
        st.tuples(st.just("extend"), st.integers(-3, 3)),
        st.tuples(st.just("goto"), st.integers(0, 40)),
        st.tuples(st.just("label"), st.sampled_from(["A", "B"])),
        st.tuples(st.just("label"), st.sampled_from(["A", "B"])),
        st.tuples(st.just("remove"), st.none()),
        st.tuples(st.just("start"), st.sampled_from([-1, 1])),
        st.tuples(st.just("end"), st.sampled_from([-1, 1])),
        st.tuples(st.just("undo"), st.none()),
        st.tuples(st.just("vertical"), st.sampled_from([-1, 1])),
        st.tuples(st.just("clear"), st.none()),
    ),
    max_size=30,
)


def apply(edit: SpanEdit, op: str, arg, wrapped: Wrapped) -> None:
    if op == "move":
        edit.move(arg)
    elif op == "extend":
        edit.extend(arg)
    elif op == "goto":
        edit.goto(arg)
    elif op == "label":
        edit.label(arg)
    elif op == "remove":
        edit.remove()
    elif op in ("start", "end"):
        edit.move_boundary(op, arg)
    elif op == "undo":
        edit.undo()
    elif op == "vertical":
        edit.vertical(wrapped, arg, 3)
    else:
        edit.clear_selection()


def check(edit: SpanEdit, wrapped: Wrapped, bounds: set[int], stops: set[int]) -> None:
    text = edit.text
    value = edit.value()
    assert [v["start"] for v in value] == sorted(v["start"] for v in value)
    for v in value:
        assert 0 <= v["start"] < v["end"] <= len(text)
        assert v["text"] == text[v["start"] : v["end"]]
        # what is highlighted (whole clusters) is exactly the stored slice
        assert shown_text(wrapped, v["start"], v["end"]) == v["text"]
        assert {v["start"], v["end"]} <= bounds and {v["start"], v["end"]} <= stops
        assert not v["text"][0].isspace() and not v["text"][-1].isspace()
    for rng in (edit.selection(), edit.cursor_range()):
        if rng is not None:
            assert shown_text(wrapped, *rng) == text[rng[0] : rng[1]]
            assert set(rng) <= bounds
    if not edit.allow_overlap:
        for a, b in zip(edit.spans, edit.spans[1:], strict=False):
            assert a.end <= b.start


@settings(max_examples=150, deadline=None)
@given(texts, ops, st.booleans(), st.sampled_from(["words", "chars"]))
def test_any_edit_sequence_keeps_offsets_exact(text, operations, overlap, mode):
    edit = SpanEdit(text, tokenizer=mode, allow_overlap=overlap)
    wrapped = Wrapped(text, 12)
    bounds = set(grapheme_bounds(text))
    tokens = tokenize(text, mode)
    stops = {t.start for t in tokens} | {t.end for t in tokens}
    for op, arg in operations:
        apply(edit, op, arg, wrapped)
        check(edit, wrapped, bounds, stops)
    # saved spans reload onto the same characters, through JSON as the store writes them
    stored = json.loads(json.dumps(edit.value(), ensure_ascii=False))
    again, bad = SpanEdit.from_value(text, stored, tokenizer=mode, allow_overlap=overlap)
    assert bad == 0 and again.value() == edit.value()
    assert [text[s["start"] : s["end"]] for s in stored] == [s["text"] for s in stored]


@settings(max_examples=100, deadline=None)
@given(texts, st.integers(0, 40), st.integers(-6, 6))
def test_a_selection_is_the_slice_from_anchor_to_cursor(text, start, delta):
    edit = SpanEdit(text)
    edit.goto(start)
    edit.extend(delta)
    sel = edit.selection()
    if edit.cursor is None:
        assert sel is None
        return
    lo, hi = sorted((edit.anchor, edit.cursor))
    assert sel == (edit.units[lo][0], edit.units[hi][1])
    assert edit.label("X")
    assert edit.value()[0]["text"] == text[sel[0] : sel[1]]


@given(texts)
def test_units_are_whole_clusters_and_never_hold_whitespace(text):
    bounds = set(grapheme_bounds(text))
    units = make_units(text)
    for a, b in units:
        assert a in bounds and b in bounds and a < b
        assert not any(c.isspace() for c in text[a:b])
    assert all(x[1] <= y[0] for x, y in itertools.pairwise(units))


def test_pre_annotated_spans_inside_a_token_are_reachable():
    """`3日` and `東京` sit inside the one word token `東京で3日`: the cursor must reach both."""
    text = "会議は東京で3日、大阪で5日に開く。"
    tokyo, date = text.index("東京"), text.index("3日")
    spans = [Span(tokyo, tokyo + 2, "LOC"), Span(date, date + 2, "DATE")]
    edit = SpanEdit(text, spans)
    reached = set()
    for _ in edit.units:
        span = edit.current_span()
        if span is not None:
            reached.add(span)
        edit.move(1)
    assert reached == set(spans)
    # Removing the date through the cursor leaves the other span and exact offsets.
    edit.home()
    while edit.current_span() != spans[1]:
        assert edit.move(1)
    assert edit.remove()
    assert edit.value() == [{"start": tokyo, "end": tokyo + 2, "label": "LOC", "text": "東京"}]


def test_cuts_only_fall_on_cluster_boundaries():
    """A stored span that starts inside an emoji cluster does not split the cluster."""
    text = "hi 👍🏽 there"
    thumb = text.index("👍")
    edit = SpanEdit(text, [Span(thumb + 1, thumb + 2, "X")])  # on the skin-tone modifier
    assert (thumb, thumb + 2) in edit.units
