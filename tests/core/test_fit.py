"""A schema that does not fit the dataset, and a selection that shows nothing, are refused
before any session starts, with one line that says which field or filter and how many items."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from core_helpers import write_jsonl

from labeltui.core.fit import HEAD_BYTES, HEAD_ITEMS, FitCheck, check_head, needs, read_head
from labeltui.core.schema import parse_schema
from labeltui.core.session import open_session
from labeltui.core.validate import validate_files
from labeltui.errors import LabeltuiError

CHOICE = "tasks:\n  - {name: team, kind: choice, labels: [billing, bug]}\n"
SPANS = "tasks:\n  - {name: ents, kind: spans, labels: [PER]}\n"
AUDIO = "tasks:\n  - {name: events, kind: audio_marks, labels: [speech]}\n"
TEXTLESS = "text_field: null\n" + CHOICE

TICKETS = [{"id": f"T{i}", "text": f"ticket {i}", "channel": "email"} for i in range(30)]
CLIPS = [{"id": f"A{i}", "audio": f"a{i}.flac", "description": "a clip"} for i in range(5)]


def files(tmp_path: Path, schema: str, rows: list[dict]) -> tuple[Path, Path]:
    schema_path = tmp_path / "schema.yaml"
    schema_path.write_text(schema)
    return schema_path, write_jsonl(tmp_path / "data.jsonl", rows)


# -- what a schema needs ------------------------------------------------------------------------


def test_needs_per_kind():
    assert [(n.name, n.setting) for n in needs(parse_schema(CHOICE))] == [("text", "text_field")]
    assert [n.name for n in needs(parse_schema(SPANS))] == ["text"]
    assert [n.name for n in needs(parse_schema(AUDIO))] == ["audio"]
    assert needs(parse_schema(TEXTLESS)) == ()
    both = parse_schema(
        "text_field: body\naudio_field: clip\ntasks:\n"
        "  - {name: e, kind: spans, labels: [X]}\n  - {name: m, kind: audio_marks, labels: [Y]}\n"
        "  - {name: c, kind: choice, labels: [Z]}\n"
    )
    assert [n.name for n in needs(both)] == ["body", "clip"]  # choice shows the spans text


def test_one_item_with_the_field_is_enough():
    check = FitCheck(parse_schema(CHOICE))
    for row in [*CLIPS, TICKETS[0]]:
        check.add(row)
    assert check.error("d.jsonl") is None
    empty = FitCheck(parse_schema(CHOICE))
    assert empty.error("d.jsonl") is None  # no items: not a fit problem (said elsewhere)


def test_spans_need_a_string_and_audio_a_path():
    spans = FitCheck(parse_schema(SPANS))
    spans.add({"text": 5})
    spans.add({"text": None})
    err = spans.error("d.jsonl")
    assert err is not None and "'text' (a string)" in err.message
    audio = FitCheck(parse_schema(AUDIO))
    audio.add({"audio": ""})
    assert audio.error("d.jsonl") is not None


def test_the_message_names_field_task_count_and_the_fields_items_have():
    check = FitCheck(parse_schema(CHOICE))
    for row in CLIPS:
        check.add(row)
    err = check.error("clips.jsonl")
    assert err is not None and err.path == "clips.jsonl" and err.line is None
    msg = err.message
    assert "no item has the text field 'text'" in msg
    assert "choice task 'team'" in msg and "all 5 items" in msg
    assert "'audio', 'description'" in msg and "text_field" in msg and "null" in msg


# -- the head of a file (annotate) ---------------------------------------------------------------


def test_check_head_reads_at_most_the_first_items(tmp_path):
    rows = [{"id": i, "audio": "x.wav"} for i in range(HEAD_ITEMS)]
    rows.append({"id": "late", "text": "only this late item has text"})
    schema, data = files(tmp_path, CHOICE, rows)
    with pytest.raises(LabeltuiError) as info:
        check_head(parse_schema(schema.read_text()), data)
    assert f"the first {HEAD_ITEMS} items" in info.value.message
    objects, whole = read_head(data)
    assert len(objects) == HEAD_ITEMS and not whole


def test_check_head_stops_at_64_kb_but_reads_one_long_first_line(tmp_path):
    long = {"id": "big", "text": "x" * (3 * HEAD_BYTES)}
    _, data = files(tmp_path, CHOICE, [long, {"id": "second", "audio": "a"}])
    objects, _ = read_head(data)
    assert objects[0]["id"] == "big"
    check_head(parse_schema(CHOICE), data)  # the long first line has the text: fits


def test_check_head_passes_over_bad_lines_and_a_bom(tmp_path):
    data = tmp_path / "d.jsonl"
    data.write_bytes(b'\xef\xbb\xbf{"id": 1, "audio": "a"}\nnot json\n[1]\n{"text": "t"}\n')
    objects, whole = read_head(data)
    assert objects == [{"id": 1, "audio": "a"}, {"text": "t"}] and whole
    check_head(parse_schema(CHOICE), data)


def test_check_head_reads_nothing_from_a_fifo(tmp_path):
    fifo = tmp_path / "pipe"
    os.mkfifo(fifo)
    assert read_head(fifo) == ([], False)  # would block for ever if it were opened to read


# -- validate and annotate ----------------------------------------------------------------------


def test_validate_refuses_a_choice_schema_on_a_dataset_without_its_text(tmp_path):
    schema, data = files(tmp_path, CHOICE, CLIPS)
    with pytest.raises(LabeltuiError) as info:
        validate_files(schema, data)
    assert info.value.path == str(data) and "no item has the text field 'text'" in str(info.value)
    schema.write_text(TEXTLESS)
    assert validate_files(schema, data).items == 5


def test_validate_checks_every_item_not_just_the_head(tmp_path):
    rows = [{"id": i, "audio": "x.wav"} for i in range(500)] + [{"id": "z", "text": "t"}]
    schema, data = files(tmp_path, CHOICE, rows)
    assert validate_files(schema, data).items == 501


def test_validate_names_the_misfit_before_the_first_items_own_problem(tmp_path):
    schema, data = files(tmp_path, AUDIO, TICKETS)
    with pytest.raises(LabeltuiError) as info:
        validate_files(schema, data)
    assert info.value.line is None and "all 30 items" in info.value.message
    # One item with the field: then the first item without it is named by its line.
    write_jsonl(data, [*TICKETS[:3], {"id": "a", "audio": "a.wav"}])
    with pytest.raises(LabeltuiError) as info:
        validate_files(schema, data)
    assert info.value.line == 1 and "no audio field" in info.value.message


@pytest.mark.parametrize(("schema_text", "rows"), [(AUDIO, TICKETS), (CHOICE, CLIPS)])
def test_open_session_refuses_a_schema_for_other_data_and_leaves_no_file(
    tmp_path, schema_text, rows
):
    schema, data = files(tmp_path, schema_text, rows)
    with pytest.raises(LabeltuiError) as info:
        open_session(data, schema, "ann")
    assert "no item has the" in info.value.message
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.jsonl", "schema.yaml"]


# -- --where and --sort that show nothing --------------------------------------------------------


def refused_session(tmp_path: Path, **kw) -> LabeltuiError:
    schema, data = files(tmp_path, CHOICE, kw.pop("rows", TICKETS))
    with pytest.raises(LabeltuiError) as info:
        open_session(data, schema, "ann", **kw)
    assert info.value.path == str(data) and "\n" not in str(info.value)
    assert not list(tmp_path.glob("data.ann.jsonl")), "a refused session leaves no file"
    return info.value


def test_where_on_a_field_no_item_has(tmp_path):
    err = refused_session(tmp_path, where=["lang=de"])
    assert err.message == "--where lang=de matched none of the 30 items: no item has a field 'lang'"


def test_where_on_a_value_no_item_has_shows_what_there_is(tmp_path):
    err = refused_session(tmp_path, where=["channel=fax"])
    assert "--where channel=fax matched none of the 30 items" in err.message
    assert "30 have 'channel', the first is 'email'" in err.message


def test_where_conditions_that_match_only_apart(tmp_path):
    rows = [dict(r, lang="de" if i % 2 else "en") for i, r in enumerate(TICKETS)]
    err = refused_session(tmp_path, rows=rows, where=["lang=de", "id=T0"])
    assert "matched none of the 30 items together" in err.message
    assert "lang=de: 15" in err.message and "id=T0: 1" in err.message


def test_where_counts_items_not_duplicate_lines(tmp_path):
    err = refused_session(tmp_path, rows=TICKETS + TICKETS, where=["channel=fax"])
    assert "none of the 30 items" in err.message


def test_where_text_from_the_data_is_shown_inertly(tmp_path):
    rows = [dict(r, channel="\x1b]52;c;aGk=\x07") for r in TICKETS]
    err = refused_session(tmp_path, rows=rows, where=["channel=\x1b[2J"])
    assert "\x1b" not in str(err) and "\x07" not in str(err)
    assert "--where channel=␛[2J" in err.message


def test_sort_on_a_field_no_item_has(tmp_path):
    err = refused_session(tmp_path, sort="-confidence")
    assert (
        err.message == "--sort -confidence: none of the 30 items has a number in field 'confidence'"
    )


def test_sort_on_a_field_that_is_not_a_number_says_what_it_holds(tmp_path):
    err = refused_session(tmp_path, sort="channel")
    assert "none of the 30 items has a number in field 'channel'" in err.message
    assert "(the first item has 'email')" in err.message


def test_a_selection_that_shows_something_still_opens(tmp_path):
    rows = [dict(r, score=i) if i == 7 else r for i, r in enumerate(TICKETS)]
    schema, data = files(tmp_path, CHOICE, rows)
    session = open_session(data, schema, "ann", where=["channel=email"], sort="-score")
    try:
        assert session.item().id == "T7" and len(session.index) == 30
    finally:
        session.close()


def test_an_empty_dataset_is_not_a_where_problem(tmp_path):
    schema, data = files(tmp_path, CHOICE, [])
    session = open_session(data, schema, "ann", where=["lang=de"])
    try:
        assert session.empty
    finally:
        session.close()


# -- the annotation file path -----------------------------------------------------------------


def test_a_symlink_loop_as_out_is_one_clear_line(tmp_path):
    schema, data = files(tmp_path, CHOICE, TICKETS)
    (tmp_path / "a").symlink_to(tmp_path / "b")
    (tmp_path / "b").symlink_to(tmp_path / "a")
    with pytest.raises(LabeltuiError) as info:
        open_session(data, schema, "ann", out=tmp_path / "a")
    assert "symbolic link loop" in str(info.value)
