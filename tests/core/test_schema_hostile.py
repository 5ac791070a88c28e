"""Hostile schemas: YAML aliases that loop or explode, deep nesting, raw control characters,
task names labeltui keeps for itself. Each is one LabeltuiError with the file and the line, fast.
"""

from __future__ import annotations

import time
from pathlib import Path

import pytest

from labeltui.core.schema import MAX_ALIASED, MAX_DEPTH, load_schema, parse_schema
from labeltui.errors import LabeltuiError

TASK = "tasks:\n  - {name: t, kind: choice, labels: [a, b]}\n"


def laughs(levels: int = 9, width: int = 9) -> str:
    """The "billion laughs": each anchor is a list of `width` aliases of the previous one."""
    text = 'l0: &l0 ["lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol", "lol"]\n'
    for level in range(1, levels + 1):
        aliases = ", ".join([f"*l{level - 1}"] * width)
        text += f"l{level}: &l{level} [{aliases}]\n"
    return text


def refused(tmp_path: Path, text: str, seconds: float = 1.0) -> LabeltuiError:
    path = tmp_path / "schema.yaml"
    path.write_text(text, encoding="utf-8")
    started = time.perf_counter()
    with pytest.raises(LabeltuiError) as info:
        load_schema(path)
    assert time.perf_counter() - started < seconds
    err = info.value
    assert err.path == str(path) and "\n" not in str(err)
    return err


# -- aliases --------------------------------------------------------------------------------------


@pytest.mark.timeout(10)
@pytest.mark.parametrize(
    ("text", "line"),
    [
        ("tasks: &t [{name: t, kind: choice, labels: *t}]\n", 1),
        ("tasks:\n  - &task {name: t, kind: choice, labels: [a], hint: *task}\n", 2),
        ("tasks:\n  - name: t\n    kind: choice\n    labels: &l\n      - a\n      - *l\n", 6),
        ("x: &x\n  y: *x\n" + TASK, 2),
    ],
)
def test_an_alias_inside_its_own_anchor_is_a_loop_with_its_line(tmp_path, text, line):
    err = refused(tmp_path, text)
    assert err.line == line, str(err)
    assert "loop" in err.message and "alias" in err.message


@pytest.mark.timeout(10)
def test_billion_laughs_is_refused_at_once(tmp_path):
    err = refused(tmp_path, laughs() + TASK)
    assert "aliases" in err.message and str(MAX_ALIASED) in err.message
    # Refused at the first alias that passes the limit: l4 holds 66 430 values, so the aliases
    # up to l4 (74 718) and the first *l4 in l5, on line 6, pass 100 000.
    assert err.line == 6


@pytest.mark.timeout(10)
def test_laughs_hidden_where_the_schema_is_read_are_refused_too(tmp_path):
    text = laughs(6) + "tasks:\n  - {name: t, kind: choice, labels: *l6}\n"
    err = refused(tmp_path, text)
    assert "aliases" in err.message


def test_a_shared_label_list_still_works(tmp_path):
    text = """\
tasks:
  - name: before
    kind: choice
    labels: &moods
      - {name: happy, key: h}
      - {name: sad, key: s}
  - name: after
    kind: choice
    labels: *moods
"""
    schema = parse_schema(text)
    assert [t.label_names for t in schema.tasks] == [("happy", "sad"), ("happy", "sad")]


def test_aliases_under_the_limit_are_fine():
    labels = "".join(
        f"      - {{name: l{i}, key: '{chr(0x100 + i)}', hint: *h}}\n" for i in range(500)
    )
    text = f"title: &h a shared hint\ntasks:\n  - name: t\n    kind: choice\n    labels:\n{labels}"
    schema = parse_schema(text)
    assert len(schema.tasks[0].labels) == 500
    assert {label.hint for label in schema.tasks[0].labels} == {"a shared hint"}


# -- nesting and characters -------------------------------------------------------------------


@pytest.mark.parametrize("depth", [MAX_DEPTH + 1, 100_000])
def test_deep_nesting_is_refused_not_a_recursion_error(tmp_path, depth):
    err = refused(tmp_path, "tasks: " + "[" * depth + "]" * depth + "\n", seconds=3)
    assert "nested more than" in err.message and err.line == 1


@pytest.mark.parametrize(
    ("raw", "line", "code"),
    [
        ("title: x\x1b[31my\n" + TASK, 1, "U+001B"),
        ("title: ok\n" + TASK + "# \x07 bell\n", 4, "U+0007"),
        ("title: ok\ninstructions: a\x9bb\n" + TASK, 2, "U+009B"),
    ],
)
def test_a_raw_control_character_is_one_line_with_its_line_number(tmp_path, raw, line, code):
    err = refused(tmp_path, raw)
    assert err.line == line
    assert code in err.message and "\\u" in err.message
    assert "position" not in err.message  # PyYAML's own two-line wording is not passed on


@pytest.mark.parametrize(
    ("text", "line"),
    [
        ('title: "a\\ud800"\n' + TASK, 1),
        ('tasks:\n  - {name: t, kind: choice, labels: ["x\\udfff"]}\n', 2),
        ('tasks:\n  - name: "t\\ud83d"\n    kind: choice\n    labels: [a]\n', 2),
    ],
)
def test_a_lone_surrogate_is_refused_with_its_line(tmp_path, text, line):
    err = refused(tmp_path, text)
    assert err.line == line and "lone surrogate" in err.message
    str(err).encode("utf-8")  # the message itself can be printed


def test_escaped_control_characters_are_allowed_in_double_quotes():
    schema = parse_schema('title: "a\\e]52;c;aGk=\\ab"\n' + TASK)
    assert schema.title == "a\x1b]52;c;aGk=\x07b"  # kept as written; shown inertly


def test_other_yaml_errors_are_one_line_with_the_context():
    with pytest.raises(LabeltuiError) as info:
        parse_schema('title: "abc\n' + TASK)
    assert "\n" not in str(info.value)
    with pytest.raises(LabeltuiError) as info:
        parse_schema("a: &x 1\nb: &x 2\n" + TASK)
    assert info.value.line == 2 and "duplicate anchor" in info.value.message
    assert "first occurrence at line 1" in info.value.message


# -- task names ---------------------------------------------------------------------------------


@pytest.mark.parametrize("name", ["_scores", "_status", "_x", "__init__"])
def test_task_names_starting_with_underscore_are_labeltuis_own(tmp_path, name):
    text = f'tasks:\n  - kind: choice\n    name: "{name}"\n    labels: [a]\n'
    err = refused(tmp_path, text)
    assert err.line == 3
    assert repr(name) in err.message and "labeltui's own" in err.message


@pytest.mark.parametrize("name", ["topic area", "é.x", "a/b", "日本語", "x_", "1"])
def test_any_other_task_name_yaml_allows_is_accepted(name):
    schema = parse_schema(f'tasks:\n  - {{name: "{name}", kind: choice, labels: [a]}}\n')
    assert schema.tasks[0].name == name
