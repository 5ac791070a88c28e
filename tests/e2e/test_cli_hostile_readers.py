"""Hostile and half-written JSONL given to every reading command, as real processes (issue 13).

Each test builds its reproduction files in `tmp_path` and runs `labeltui` as a user would
from a script: one plain line per problem (`labeltui: FILE:LINE: ...`), exit 2, never a
traceback, never a hang; notes (`labeltui: note: ...`) for what is left out on purpose.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from cli_driver import run
from tmux_driver import LABELTUI

pytestmark = [
    pytest.mark.e2e,
    pytest.mark.skipif(not LABELTUI.exists(), reason="the labeltui script is not installed"),
]

SCHEMA = """\
tasks:
  - name: team
    kind: choice
    labels:
      - {name: billing, key: "1"}
      - {name: bug, key: "2"}
      - {name: account, key: "3"}
"""
LABELS = ["billing", "bug", "account"]
REVIEW_OPTIONS = ["-s", "schema.yaml", "--out", "gold.jsonl"]


def no_traceback(done: subprocess.CompletedProcess[str]) -> None:
    assert "Traceback" not in done.stderr, done.stderr
    assert "Error:" not in done.stderr, done.stderr


def one_line_error(done: subprocess.CompletedProcess[str]) -> str:
    """The single stderr line of a refused command (exit 2, no traceback)."""
    assert done.returncode == 2, (done.returncode, done.stdout, done.stderr)
    no_traceback(done)
    lines = done.stderr.strip().splitlines()
    assert len(lines) == 1, done.stderr
    return lines[0]


def record(who: str, ident: str, label: str, **extra: object) -> dict:
    return {
        "id": ident,
        "text": f"ticket {ident}",
        "labels": {"team": label},
        "_id": ident,
        "_annotator": who,
        "_status": "done",
        "_ts": "2026-01-01T10:00:00.000Z",
        "_ms": 1000,
        **extra,
    }


def dump(records: list[dict]) -> str:
    return "".join(json.dumps(r, ensure_ascii=False) + "\n" for r in records)


def project(tmp_path: Path, items: int = 6) -> tuple[Path, Path]:
    """tickets.ann.jsonl and tickets.bob.jsonl (they disagree on some items), and the schema."""
    (tmp_path / "schema.yaml").write_text(SCHEMA)
    ann = [record("ann", f"T{i}", LABELS[i % 3]) for i in range(items)]
    bob = [record("bob", f"T{i}", LABELS[(i * 2) % 3]) for i in range(items)]
    (tmp_path / "tickets.ann.jsonl").write_text(dump(ann))
    (tmp_path / "tickets.bob.jsonl").write_text(dump(bob))
    return tmp_path / "tickets.ann.jsonl", tmp_path / "tickets.bob.jsonl"


def readers(tmp_path: Path, target: str) -> dict[str, subprocess.CompletedProcess[str]]:
    """agree, stats, review and export of `target` (beside tickets.ann.jsonl)."""
    return {
        "agree": run(tmp_path, "agree", "tickets.ann.jsonl", target, "--json"),
        "stats": run(tmp_path, "stats", "tickets.ann.jsonl", target),
        "review": run(tmp_path, "review", "tickets.ann.jsonl", target, *REVIEW_OPTIONS),
        "export": run(tmp_path, "export", target, "--to", "doccano", "-o", "out.jsonl"),
    }


# -- 1. an incomplete last line is left out with a note ------------------------------------------


def test_a_half_written_last_line_is_left_out_with_a_note_by_every_reader(tmp_path):
    project(tmp_path)
    bob = tmp_path / "tickets.bob.jsonl"
    whole = bob.read_text()
    partial = json.dumps(record("bob", "T9", "bug"))[:45]  # kill -9 in the middle of a write
    bob.write_text(whole + partial)
    note = "labeltui: note: tickets.bob.jsonl:7: incomplete last line left out"
    for name, done in readers(tmp_path, "tickets.bob.jsonl").items():
        no_traceback(done)
        assert "not valid JSON" not in done.stderr, (name, done.stderr)
        assert note in done.stderr, (name, done.stderr)
        assert done.stderr.count("incomplete last line") == 1, (name, done.stderr)
    report = json.loads(run(tmp_path, "agree", "tickets.ann.jsonl", "tickets.bob.jsonl",
                            "--json").stdout)  # fmt: skip
    assert report["tasks"]["team"]["items"] == 6  # T9 is not there
    assert bob.read_text() == whole + partial  # readers never repair (the store does)


def test_a_complete_last_line_without_its_newline_counts(tmp_path):
    project(tmp_path)
    bob = tmp_path / "tickets.bob.jsonl"
    bob.write_text(bob.read_text() + json.dumps(record("bob", "T9", "bug")))
    (tmp_path / "tickets.ann.jsonl").write_text(
        (tmp_path / "tickets.ann.jsonl").read_text() + dump([record("ann", "T9", "bug")])
    )
    done = run(tmp_path, "agree", "tickets.ann.jsonl", "tickets.bob.jsonl", "--json")
    assert done.returncode == 0 and "note" not in done.stderr, done.stderr
    assert json.loads(done.stdout)["tasks"]["team"]["items"] == 7


# -- 2. deep nesting -------------------------------------------------------------------------------


@pytest.mark.parametrize(
    "deep",
    ["[" * 100_000 + "]" * 100_000, '{"a":' * 100_000 + "1" + "}" * 100_000],
    ids=["arrays", "objects"],
)
def test_deeply_nested_json_is_one_file_line_error_everywhere(tmp_path, deep):
    project(tmp_path)
    bob = tmp_path / "tickets.bob.jsonl"
    bob.write_text(bob.read_text() + deep + "\n")
    expected = "labeltui: tickets.bob.jsonl:7: not valid JSON (arrays or objects nested too deeply)"
    for name, done in readers(tmp_path, "tickets.bob.jsonl").items():
        assert one_line_error(done) == expected, name
    (tmp_path / "data.jsonl").write_text('{"id": "a", "text": "x"}\n' + deep + "\n")
    done = run(tmp_path, "validate", "-s", "schema.yaml", "data.jsonl")
    assert one_line_error(done) == (
        "labeltui: data.jsonl:2: not valid JSON (arrays or objects nested too deeply)"
    )


# -- 3. lone surrogates ----------------------------------------------------------------------------


def test_lone_surrogates_in_ids_labels_and_text_never_crash_a_report(tmp_path):
    project(tmp_path)
    extra = '{"id": "T\\ud800x", "text": "t \\udfff", "labels": {"team": "bu\\ud800g"}, ' \
        '"_id": "T\\ud800x", "_annotator": "bob", "_status": "done"}\n'  # fmt: skip
    bob = tmp_path / "tickets.bob.jsonl"
    bob.write_text(bob.read_text() + extra)
    (tmp_path / "tickets.ann.jsonl").write_text(
        (tmp_path / "tickets.ann.jsonl").read_text() + extra.replace('"bob"', '"ann"')
    )
    agree = run(tmp_path, "agree", "tickets.ann.jsonl", "tickets.bob.jsonl")
    assert agree.returncode == 0, agree.stderr
    no_traceback(agree)
    assert "bu\\ud800g" in agree.stdout  # the stand-in: the escape, as text
    stats = run(tmp_path, "stats", "tickets.ann.jsonl", "tickets.bob.jsonl")
    assert stats.returncode == 0, stats.stderr
    assert "bu\\ud800g" in stats.stdout
    as_json = run(tmp_path, "stats", "tickets.bob.jsonl", "--json")
    assert as_json.returncode == 0, as_json.stderr
    assert "bu\ud800g" in json.loads(as_json.stdout)["tasks"]["team"]["labels"]  # same string
    data = tmp_path / "data.jsonl"
    data.write_text('{"id": "a\\ud800", "text": "hi \\ud800 there", "labels": {"entities": '
                    '[{"start": 0, "end": 2, "label": "X", "text": "hi"}]}}\n')  # fmt: skip
    valid = run(tmp_path, "validate", "-s", "schema.yaml", "data.jsonl")
    no_traceback(valid)
    export = run(tmp_path, "export", "data.jsonl", "--to", "doccano", "-o", "out.jsonl")
    assert export.returncode == 0, export.stderr
    written = (tmp_path / "out.jsonl").read_text(encoding="utf-8")
    assert "\\ud800" in written  # the same escape written back
    assert json.loads(written)["text"] == "hi \ud800 there"


# -- 4. NaN and Infinity ------------------------------------------------------------------------


@pytest.mark.parametrize("constant", ["NaN", "Infinity", "-Infinity"])
def test_nan_in_a_dataset_is_refused_by_validate_and_export_alike(tmp_path, constant):
    (tmp_path / "schema.yaml").write_text(SCHEMA)
    (tmp_path / "data.jsonl").write_text(
        '{"id": "a", "text": "hi", "labels": {"entities": []}}\n'
        f'{{"id": "b", "text": "ho", "score": {constant}, "labels": {{"entities": []}}}}\n'
    )
    expected = (
        f"labeltui: data.jsonl:2: not valid JSON ({constant} is not a JSON number; "
        "write null for a missing value)"
    )
    export = run(tmp_path, "export", "data.jsonl", "--to", "doccano", "-o", "out.jsonl")
    assert one_line_error(export) == expected
    assert not (tmp_path / "out.jsonl").exists()
    validate = run(tmp_path, "validate", "-s", "schema.yaml", "data.jsonl")
    assert one_line_error(validate) == expected


# -- 5. messages, one plain line each ---------------------------------------------------------


def test_an_unterminated_string_is_said_once_with_its_column(tmp_path):
    project(tmp_path)
    (tmp_path / "bad.jsonl").write_text('{"a": "abc\n{"b": 1}\n')
    expected = "labeltui: bad.jsonl:1: not valid JSON (Unterminated string starting at column 7)"
    for args in (
        ["agree", "tickets.ann.jsonl", "bad.jsonl"],
        ["stats", "bad.jsonl"],
        ["export", "bad.jsonl", "--to", "doccano", "-o", "out.jsonl"],
        ["validate", "-s", "schema.yaml", "bad.jsonl"],
        ["review", "bad.jsonl", "-s", "schema.yaml"],
    ):
        assert one_line_error(run(tmp_path, *args)) == expected, args


@pytest.mark.parametrize("encoding", ["utf-16", "utf-16-le", "utf-16-be"])
def test_a_utf16_dataset_is_named_at_line_1(tmp_path, encoding):
    (tmp_path / "schema.yaml").write_text(SCHEMA)
    text = '{"id": "a", "text": "hi"}\n{"id": "b", "text": "ho"}\n'
    (tmp_path / "data.jsonl").write_bytes(text.encode(encoding))
    expected = "labeltui: data.jsonl:1: not UTF-8 (UTF-16?): save the file as UTF-8"
    assert one_line_error(run(tmp_path, "validate", "-s", "schema.yaml", "data.jsonl")) == expected
    export = run(tmp_path, "export", "data.jsonl", "--to", "doccano", "-o", "o.jsonl")
    assert one_line_error(export) == expected
    assert one_line_error(run(tmp_path, "stats", "data.jsonl")) == expected


def test_a_5000_digit_id_gets_a_plain_message(tmp_path):
    (tmp_path / "schema.yaml").write_text(SCHEMA)
    (tmp_path / "data.jsonl").write_text('{"id": ' + "1" * 5000 + ', "text": "hi"}\n')
    expected = (
        "labeltui: data.jsonl:1: not valid JSON (a number has thousands of digits; "
        "write it as a string)"
    )
    for args in (
        ["validate", "-s", "schema.yaml", "data.jsonl"],
        ["stats", "data.jsonl"],
        ["export", "data.jsonl", "--to", "doccano", "-o", "o.jsonl"],
    ):
        line = one_line_error(run(tmp_path, *args))
        assert line == expected and "set_int_max_str_digits" not in line, args


# -- 6. pipes, /dev/stdin and devices -----------------------------------------------------------


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs and /dev are POSIX")
def test_pipes_and_devices_are_refused_before_reading(tmp_path):
    project(tmp_path)
    fifo = tmp_path / "fifo.jsonl"
    os.mkfifo(fifo)
    commands = [
        ["validate", "-s", "schema.yaml", "{}"],
        ["agree", "tickets.ann.jsonl", "{}"],
        ["stats", "{}"],
        ["review", "tickets.ann.jsonl", "{}", "-s", "schema.yaml"],
        ["export", "{}", "--to", "doccano", "-o", "out.jsonl"],
    ]
    for target, kind in (("fifo.jsonl", "a pipe (FIFO)"), ("/dev/zero", "a character device")):
        for command in commands:
            args = [a.replace("{}", target) for a in command]
            line = one_line_error(run(tmp_path, *args, timeout=20))  # a hang fails here
            assert line.startswith(f"labeltui: {target}: is {kind}, not a regular file"), line
    piped = subprocess.run(
        [str(LABELTUI), "validate", "-s", "schema.yaml", "/dev/stdin"],
        cwd=tmp_path,
        input='{"id": "a", "text": "x"}\n',
        capture_output=True,
        text=True,
        timeout=20,
    )
    assert one_line_error(piped) == (
        "labeltui: /dev/stdin: is a pipe (FIFO), not a regular file; give a JSONL dataset "
        "file on disk (pipes and devices are not read)"
    )  # not "OK, 0 items"


def test_folders_are_named_as_folders_with_the_right_article(tmp_path):
    project(tmp_path)
    (tmp_path / "dir").mkdir()
    cases = [
        (["agree", "tickets.ann.jsonl", "dir"], "is a folder, not an annotation file"),
        (["stats", "dir"], "is a folder, not a JSONL file"),
        (["agree", "tickets.ann.jsonl", "--schema", "dir"], "is a folder, not a schema file"),
    ]
    for args, words in cases:
        assert one_line_error(run(tmp_path, *args)) == f"labeltui: dir: {words}", args


# -- 7. review (gold) lines never merge into an annotator -------------------------------------


def gold_file(tmp_path: Path, reviewer: str = "ann") -> Path:
    """What `labeltui review` writes: the reviewer's login as `_annotator`, `_from` on every
    line; the gold answers are all "account", so merged into ann they would change her answers."""
    gold = [record(reviewer, f"T{i}", "account", _from=["bob"] if i % 2 else []) for i in range(6)]
    path = tmp_path / "tickets.gold.jsonl"
    path.write_text(dump(gold))
    return path


def test_agree_leaves_review_lines_out_and_says_so_once_per_file(tmp_path):
    project(tmp_path)
    before = run(tmp_path, "agree", "tickets.ann.jsonl", "tickets.bob.jsonl", "--json")
    gold_file(tmp_path)
    files = sorted(p.name for p in tmp_path.glob("tickets.*.jsonl"))  # the README's glob
    assert "tickets.gold.jsonl" in files
    after = run(tmp_path, "agree", *files, "--json")
    assert after.returncode == 0, after.stderr
    assert json.loads(after.stdout) == json.loads(before.stdout)  # gold changed nothing
    assert after.stderr.strip() == (
        "labeltui: note: tickets.gold.jsonl: 6 review (gold) lines left out of agreement; "
        "they are not an annotator's answers"
    )
    alone = run(tmp_path, "agree", "tickets.ann.jsonl", "tickets.gold.jsonl")
    assert alone.returncode == 2 and "6 review (gold) lines left out" in alone.stderr
    assert "agreement needs two annotators or more" in alone.stderr


def test_stats_shows_review_lines_as_their_own_row(tmp_path):
    project(tmp_path)
    gold_file(tmp_path)
    done = run(tmp_path, "stats", "tickets.ann.jsonl", "tickets.gold.jsonl", "--json")
    assert done.returncode == 0, done.stderr
    annotators = json.loads(done.stdout)["annotators"]
    assert set(annotators) == {"ann", "ann (gold)"}
    assert annotators["ann"]["done"] == 6 and annotators["ann"]["gold"] is False
    assert annotators["ann (gold)"]["gold"] is True
    team = json.loads(done.stdout)["tasks"]["team"]["labels"]
    assert team["account"]["by_annotator"] == {"ann": 2, "ann (gold)": 6}
    table = run(tmp_path, "stats", "tickets.ann.jsonl", "tickets.gold.jsonl")
    assert "ann (gold)" in table.stdout


@pytest.mark.skipif(sys.platform == "win32", reason="FIFOs are POSIX")
def test_a_pipe_as_the_output_of_export_or_import_is_refused_not_replaced(tmp_path):
    # (a device is refused the same way; never tested on /dev/null: as root, a rename over it
    # would replace the machine's /dev/null with a file)
    project(tmp_path)
    data = tmp_path / "data.jsonl"
    data.write_text('{"id": "a", "text": "hi", "labels": {"entities": []}}\n')
    fifo = tmp_path / "out.fifo"
    os.mkfifo(fifo)
    for args in (
        ["export", "data.jsonl", "--to", "doccano", "-o", "out.fifo"],
        ["import", "data.jsonl", "--from", "doccano", "-o", "out.fifo"],
    ):
        line = one_line_error(run(tmp_path, *args, timeout=20))
        assert line == (
            "labeltui: out.fifo: is a pipe (FIFO), not a regular file; give a file on disk "
            "(pipes and devices are not written)"
        ), args
        assert fifo.is_fifo()  # still the pipe, not a file renamed over it


def span_line(who, ident, label, **extra):
    labels = {"entities": [{"start": 0, "end": 5, "label": label, "text": "hello"}]}
    line = {"id": ident, "text": "hello world", "labels": labels, "_id": ident}
    line.update({"_annotator": who, "_status": "done", **extra})
    return json.dumps(line) + "\n"


def test_export_keeps_review_lines_apart(tmp_path):
    own = "".join(span_line("ann", f"T{i}", "OWN") for i in range(3))
    gold = "".join(span_line("ann", f"T{i}", "GOLD", _from=[]) for i in range(3))
    (tmp_path / "gold.jsonl").write_text(gold)
    (tmp_path / "mixed.jsonl").write_text(own + gold)

    def labels(*args):
        done = run(tmp_path, "export", *args, "--to", "doccano", "-o", "out.jsonl")
        assert done.returncode == 0, done.stderr
        with (tmp_path / "out.jsonl").open() as out:
            found = {line["label"][0][2] for line in map(json.loads, out)}
        return found, done.stderr

    assert labels("gold.jsonl") == ({"GOLD"}, "")
    assert labels("mixed.jsonl", "--annotator", "ann")[0] == {"OWN"}
    assert labels("mixed.jsonl", "--annotator", "ann (gold)")[0] == {"GOLD"}
    assert "2 annotators (ann, ann (gold))" in labels("mixed.jsonl")[1]
