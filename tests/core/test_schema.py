"""The schema (FORMAT section 2): every validation rule names the file, the line and the problem."""

from __future__ import annotations

from pathlib import Path

import pytest

from labeltui.core.schema import AUTO_KEYS, RESERVED_KEYS, Label, Task, load_schema
from labeltui.errors import EXIT_BAD_INPUT, LabeltuiError


def write(tmp_path: Path, text: str, name: str = "schema.yaml") -> Path:
    path = tmp_path / name
    path.write_text(text, encoding="utf-8")
    return path


def rejected(tmp_path: Path, text: str) -> tuple[LabeltuiError, Path]:
    path = write(tmp_path, text)
    with pytest.raises(LabeltuiError) as info:
        load_schema(path)
    err = info.value
    assert err.path == str(path)
    assert err.exit_code == EXIT_BAD_INPUT
    assert "\n" not in str(err)  # one plain line
    return err, path


def assert_rejected(tmp_path: Path, text: str, line: int | None, *phrases: str) -> LabeltuiError:
    err, path = rejected(tmp_path, text)
    assert err.line == line, str(err)
    for phrase in phrases:
        assert phrase in err.message, err.message
    where = str(path) if line is None else f"{path}:{line}"
    assert str(err).startswith(where + ": ")
    return err


# -- a good schema ------------------------------------------------------------------------------

FULL = """\
title: Support ticket triage
instructions: |
  Pick the team that should handle the ticket.
text_field: body
audio_field: clip
tasks:
  - name: team
    kind: choice
    ordinal: true
    labels:
      - name: billing
        key: "1"
        hint: invoices, refunds
      - name: bug
        key: "2"
        color: red
  - name: topics
    kind: multi_choice
    hint: all that apply
    labels: [refund, crash]
  - name: ents
    kind: spans
    tokenizer: chars
    allow_overlap: true
    labels: [PER]
  - name: events
    kind: audio_marks
    labels:
      - name: cough
        key: x
"""


def test_full_schema_loads_every_option(tmp_path):
    schema = load_schema(write(tmp_path, FULL))
    assert schema.title == "Support ticket triage"
    assert schema.instructions == "Pick the team that should handle the ticket.\n"
    assert (schema.text_field, schema.audio_field) == ("body", "clip")
    assert schema.path == str(tmp_path / "schema.yaml")
    assert [t.name for t in schema.tasks] == ["team", "topics", "ents", "events"]
    assert schema.task("team") == Task(
        "team",
        "choice",
        (Label("billing", "1", "invoices, refunds"), Label("bug", "2", "", "red")),
        ordinal=True,
        required=True,
    )
    topics = schema.task("topics")
    assert (topics.kind, topics.hint, topics.label_names) == (
        "multi_choice",
        "all that apply",
        ("refund", "crash"),
    )
    ents = schema.task("ents")
    assert (ents.tokenizer, ents.allow_overlap) == ("chars", True)
    assert schema.task("events").labels[0].key == "x"
    assert schema.task("team").label_for_key("2").name == "bug"
    assert schema.task("team").label_for_key("9") is None
    assert not schema.is_triage
    with pytest.raises(KeyError):
        schema.task("nope")


def test_defaults_and_triage(tmp_path):
    schema = load_schema(write(tmp_path, "tasks:\n  - {name: t, kind: choice, labels: [a, b]}\n"))
    assert (schema.text_field, schema.audio_field, schema.title) == ("text", "audio", "")
    task = schema.tasks[0]
    assert (task.ordinal, task.tokenizer, task.allow_overlap) == (False, "words", False)
    assert schema.is_triage


def test_missing_file(tmp_path):
    with pytest.raises(LabeltuiError) as info:
        load_schema(tmp_path / "none.yaml")
    assert info.value.path == str(tmp_path / "none.yaml")
    assert "not found" in info.value.message


# -- unknown keys -------------------------------------------------------------------------------


def test_unknown_top_level_key(tmp_path):
    text = "title: x\ntask:\n  - {name: t, kind: choice, labels: [a]}\n"
    assert_rejected(tmp_path, text, 2, "unknown key 'task'", "the schema")


def test_unknown_task_key(tmp_path):
    text = "tasks:\n  - name: t\n    kind: choice\n    lables: [a]\n"
    assert_rejected(tmp_path, text, 4, "unknown key 'lables'", "a task")


def test_unknown_label_key(tmp_path):
    text = (
        "tasks:\n  - name: t\n    kind: choice\n    labels:\n      - name: a\n        hotkey: q\n"
    )
    assert_rejected(tmp_path, text, 6, "unknown key 'hotkey'", "label of task 't'")


def test_key_given_twice_in_a_mapping(tmp_path):
    text = "tasks:\n  - name: t\n    kind: choice\n    name: u\n    labels: [a]\n"
    assert_rejected(tmp_path, text, 4, "'name' appears twice")


# -- kinds and names ----------------------------------------------------------------------------


def test_unknown_kind(tmp_path):
    text = "tasks:\n  - name: t\n    kind: choise\n    labels: [a]\n"
    assert_rejected(tmp_path, text, 3, "unknown kind 'choise'", "choice", "audio_marks")


def test_task_without_kind(tmp_path):
    text = "tasks:\n  - name: t\n    labels: [a]\n"
    assert_rejected(tmp_path, text, 2, "task 't' needs a 'kind'")


def test_task_without_name(tmp_path):
    text = "tasks:\n  - kind: choice\n    labels: [a]\n"
    assert_rejected(tmp_path, text, 2, "needs a 'name'")


def test_duplicate_task_names(tmp_path):
    text = (
        "tasks:\n"
        "  - name: team\n"  # 2
        "    kind: choice\n"
        "    labels: [a]\n"
        "  - name: team\n"  # 5
        "    kind: multi_choice\n"
        "    labels: [b]\n"
    )
    assert_rejected(tmp_path, text, 5, "duplicate task name 'team'", "first at line 2")


def test_duplicate_label_names(tmp_path):
    text = (
        "tasks:\n"
        "  - name: t\n"
        "    kind: choice\n"
        "    labels:\n"
        "      - name: a\n"  # 5
        "      - b\n"
        "      - name: a\n"  # 7
    )
    assert_rejected(tmp_path, text, 7, "duplicate label name 'a'", "first at line 5")


def test_same_label_name_in_two_tasks_is_fine(tmp_path):
    text = (
        "tasks:\n"
        "  - {name: t, kind: choice, labels: [a]}\n"
        "  - {name: u, kind: choice, labels: [a]}\n"
    )
    schema = load_schema(write(tmp_path, text))
    assert [t.label_names for t in schema.tasks] == [("a",), ("a",)]


def test_empty_label_name(tmp_path):
    text = "tasks:\n  - name: t\n    kind: choice\n    labels:\n      - name: '  '\n"
    assert_rejected(tmp_path, text, 5, "must not be empty")


# -- keys ---------------------------------------------------------------------------------------


def test_two_labels_on_one_key_in_a_task(tmp_path):
    text = (
        "tasks:\n"
        "  - name: t\n"
        "    kind: choice\n"
        "    labels:\n"
        "      - {name: a, key: '1'}\n"
        "      - {name: b, key: 1}\n"  # 6: an unquoted 1 is the same key
    )
    assert_rejected(tmp_path, text, 6, "labels 'a' and 'b' both use key '1'")


@pytest.mark.parametrize("key", ["?", "/", "[", "]", "+", "-", " "])
def test_key_clashing_with_an_app_key(tmp_path, key):
    text = (
        "tasks:\n"
        "  - name: t\n"
        "    kind: choice\n"
        "    labels:\n"
        "      - name: a\n"
        f"        key: '{key}'\n"  # 6
    )
    err = assert_rejected(tmp_path, text, 6, f"key {key!r} clashes with an app key")
    assert "reserved" in err.message


def test_reserved_keys_are_the_documented_ones():
    assert set("?/[]+- ") == RESERVED_KEYS
    assert not RESERVED_KEYS & set(AUTO_KEYS)


@pytest.mark.parametrize("value", ["ab", "''", "null", '"\\t"', "[a]"])
def test_key_must_be_one_printable_character(tmp_path, value):
    text = (
        "tasks:\n"
        "  - name: t\n"
        "    kind: choice\n"
        "    labels:\n"
        "      - name: a\n"
        f"        key: {value}\n"  # 6
    )
    assert_rejected(tmp_path, text, 6, "'key' must be a single character")


# -- label lists and tasks ----------------------------------------------------------------------


@pytest.mark.parametrize("labels", ["[]", "", "a"])
def test_empty_or_missing_label_list(tmp_path, labels):
    text = f"tasks:\n  - name: t\n    kind: choice\n    labels: {labels}\n"
    assert_rejected(tmp_path, text, 4, "'labels' must be a non-empty list")


def test_task_without_labels(tmp_path):
    text = "tasks:\n  - name: t\n    kind: choice\n"
    assert_rejected(tmp_path, text, 2, "task 't' needs a 'labels' list")


def test_missing_tasks(tmp_path):
    assert_rejected(tmp_path, "title: nothing to do\n", 1, "no 'tasks' list")


@pytest.mark.parametrize("tasks", ["[]", "", "{}"])
def test_empty_tasks(tmp_path, tasks):
    assert_rejected(tmp_path, f"title: x\ntasks: {tasks}\n", 2, "'tasks' must be a non-empty list")


def test_empty_document(tmp_path):
    assert_rejected(tmp_path, "# only a comment\n", None, "empty", "tasks")


@pytest.mark.parametrize("text", ["- a\n- b\n", "just words\n", "42\n"])
def test_non_mapping_document(tmp_path, text):
    assert_rejected(tmp_path, text, 1, "the schema must be a mapping")


def test_task_that_is_not_a_mapping(tmp_path):
    text = "tasks:\n  - {name: t, kind: choice, labels: [a]}\n  - just a name\n"
    assert_rejected(tmp_path, text, 3, "a task must be a mapping")


# -- fields the task kinds need -----------------------------------------------------------------


@pytest.mark.parametrize("value", ["''", ""])
def test_spans_task_with_empty_text_field(tmp_path, value):
    text = (
        f"text_field: {value}\n"
        "tasks:\n"
        "  - name: ok\n"
        "    kind: choice\n"
        "    labels: [a]\n"
        "  - name: ents\n"  # 6
        "    kind: spans\n"
        "    labels: [PER]\n"
    )
    assert_rejected(tmp_path, text, 6, "task 'ents' is a spans task", "'text_field' is empty")


@pytest.mark.parametrize("value", ["''", "null"])
def test_audio_marks_task_with_empty_audio_field(tmp_path, value):
    text = f"audio_field: {value}\ntasks:\n  - name: ev\n    kind: audio_marks\n    labels: [x]\n"
    assert_rejected(tmp_path, text, 3, "task 'ev' is a audio_marks task", "'audio_field' is empty")


def test_empty_text_field_is_fine_without_spans(tmp_path):
    text = "text_field: ''\ntasks:\n  - {name: ev, kind: audio_marks, labels: [x]}\n"
    assert load_schema(write(tmp_path, text)).text_field == ""


# -- kind-specific options ----------------------------------------------------------------------


@pytest.mark.parametrize("kind", ["multi_choice", "spans", "audio_marks"])
def test_ordinal_on_a_non_choice_task(tmp_path, kind):
    text = f"tasks:\n  - name: t\n    kind: {kind}\n    labels: [a]\n    ordinal: true\n"
    assert_rejected(tmp_path, text, 5, "'ordinal' is for choice tasks")


@pytest.mark.parametrize(("option", "value"), [("tokenizer", "words"), ("allow_overlap", "true")])
@pytest.mark.parametrize("kind", ["choice", "multi_choice", "audio_marks"])
def test_span_options_on_a_non_spans_task(tmp_path, kind, option, value):
    text = f"tasks:\n  - name: t\n    kind: {kind}\n    labels: [a]\n    {option}: {value}\n"
    assert_rejected(tmp_path, text, 5, f"'{option}' is for spans tasks")


def test_unknown_tokenizer(tmp_path):
    text = "tasks:\n  - name: t\n    kind: spans\n    tokenizer: bpe\n    labels: [a]\n"
    assert_rejected(tmp_path, text, 4, "unknown tokenizer 'bpe'", "words", "chars")


def test_boolean_option_must_be_a_boolean(tmp_path):
    text = "tasks:\n  - name: t\n    kind: choice\n    labels: [a]\n    ordinal: sometimes\n"
    assert_rejected(tmp_path, text, 5, "must be true or false")


# -- invalid YAML -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("tasks:\n  - name: t\n\tkind: choice\n", 3),
        ("title: a\ntitle2: @x\n", 2),
        ("title: a\ntasks:\n  - name: t\n    kind: choice\n   labels: [a]\n", 5),
        ("a: b: c\n", 1),
    ],
)
def test_invalid_yaml_names_the_line(tmp_path, text, line):
    assert_rejected(tmp_path, text, line, "invalid YAML")


def test_schema_that_is_not_utf8(tmp_path):
    path = tmp_path / "schema.yaml"
    path.write_bytes(b"title: \xff\xfe\ntasks: []\n")
    with pytest.raises(LabeltuiError) as info:
        load_schema(path)
    assert info.value.path == str(path)


# -- key assignment -----------------------------------------------------------------------------


def expected_auto_keys(count: int, taken: set[str]) -> list[str]:
    order = "1234567890" + "abcdefghijklmnopqrstuvwxyz" + "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
    return [k for k in order if k not in taken][:count]


def test_labels_without_keys_get_digits_then_letters(tmp_path):
    names = [f"l{i}" for i in range(14)]
    text = f"tasks:\n  - name: t\n    kind: multi_choice\n    labels: [{', '.join(names)}]\n"
    schema = load_schema(write(tmp_path, text))
    keys = [label.key for label in schema.tasks[0].labels]
    assert keys == list("1234567890abcd")


def test_assigned_keys_avoid_keys_set_anywhere_and_are_unique_across_tasks(tmp_path):
    text = (
        "tasks:\n"
        "  - name: first\n"
        "    kind: choice\n"
        "    labels:\n"
        "      - a\n"
        "      - {name: b, key: '3'}\n"
        "      - c\n"
        "  - name: second\n"
        "    kind: multi_choice\n"
        "    labels:\n"
        "      - d\n"
        "      - {name: e, key: '1'}\n"  # set in a later task: still not assigned in the first
        "      - f\n"
        "      - {name: g, key: 'q'}\n"
    )
    schema = load_schema(write(tmp_path, text))
    first = {label.name: label.key for label in schema.task("first").labels}
    second = {label.name: label.key for label in schema.task("second").labels}
    auto = expected_auto_keys(4, {"3", "1", "q"})
    assert auto == ["2", "4", "5", "6"]
    assert first == {"a": auto[0], "b": "3", "c": auto[1]}
    assert second == {"d": auto[2], "e": "1", "f": auto[3], "g": "q"}
    assigned = [first["a"], first["c"], second["d"], second["f"]]
    assert len(set(assigned)) == len(assigned)


def test_explicit_key_may_repeat_across_tasks(tmp_path):
    text = (
        "tasks:\n"
        "  - {name: t, kind: choice, labels: [{name: a, key: z}]}\n"
        "  - {name: u, kind: choice, labels: [{name: b, key: z}, c]}\n"
    )
    schema = load_schema(write(tmp_path, text))
    assert schema.task("t").labels[0].key == schema.task("u").labels[0].key == "z"
    assert schema.task("u").labels[1].key == "1"


def test_uppercase_keys_are_distinct(tmp_path):
    text = "tasks:\n  - {name: t, kind: choice, labels: [{name: a, key: A}, {name: b, key: a}]}\n"
    schema = load_schema(write(tmp_path, text))
    assert [label.key for label in schema.tasks[0].labels] == ["A", "a"]


def test_more_labels_than_free_keys(tmp_path):
    """Spans and audio tasks need a key per label (choice tasks reach the rest by the picker)."""
    names = ", ".join(f"l{i}" for i in range(len(AUTO_KEYS) + 1))
    text = f"title: many\ntasks:\n  - name: big\n    kind: spans\n    labels: [{names}]\n"
    assert_rejected(tmp_path, text, 3, "more labels than free keys")


def test_all_free_keys_can_be_used(tmp_path):
    names = ", ".join(f"l{i}" for i in range(len(AUTO_KEYS)))
    text = f"tasks:\n  - name: big\n    kind: multi_choice\n    labels: [{names}]\n"
    schema = load_schema(write(tmp_path, text))
    assert "".join(label.key for label in schema.tasks[0].labels) == AUTO_KEYS
    assert len(AUTO_KEYS) == len(set(AUTO_KEYS)) == 62


# -- the safe loader ----------------------------------------------------------------------------


def test_python_tags_are_never_executed(tmp_path):
    marker = tmp_path / "pwned"
    text = (
        "tasks:\n"
        "  - name: t\n"
        "    kind: choice\n"
        "    labels:\n"
        f"      - name: !!python/object/apply:os.system ['touch {marker}']\n"
    )
    assert_rejected(tmp_path, text, 5, "YAML tag 'tag:yaml.org,2002:python/object/apply:os.system'")
    assert not marker.exists()


def test_python_object_apply_on_the_root_is_not_executed(tmp_path):
    marker = tmp_path / "pwned"
    text = f"!!python/object/apply:os.system\nargs: ['touch {marker}']\n"
    with pytest.raises(LabeltuiError):
        load_schema(write(tmp_path, text))
    assert not marker.exists()


def test_python_object_tag_on_a_task_is_rejected(tmp_path):
    text = (
        "tasks:\n"
        "  - !!python/object:collections.OrderedDict\n"  # 2
        "    name: t\n"
        "    kind: choice\n"
        "    labels: [a]\n"
    )
    err, _ = rejected(tmp_path, text)
    assert err.line == 2


def test_python_name_tag_on_a_scalar_is_rejected(tmp_path):
    text = "tasks:\n  - name: !!python/name:os.system t\n    kind: choice\n    labels: [a]\n"
    err, _ = rejected(tmp_path, text)
    assert err.line == 2


def test_required_defaults_to_true_for_choice_only(tmp_path):
    schema = load_schema(write(tmp_path, FULL))
    assert [t.required for t in schema.tasks] == [True, False, False, False]


def test_required_can_be_set_either_way(tmp_path):
    text = """
tasks:
  - {name: team, kind: choice, required: false, labels: [a, b]}
  - {name: tags, kind: multi_choice, required: true, labels: [x, y]}
"""
    schema = load_schema(write(tmp_path, text))
    assert [t.required for t in schema.tasks] == [False, True]
    with pytest.raises(LabeltuiError, match="'required' must be true or false"):
        load_schema(write(tmp_path, text.replace("required: false", "required: 1")))
