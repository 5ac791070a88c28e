"""`labeltui stats` on the command line: readable report, --json, one-line errors."""

from __future__ import annotations

import json
from collections import Counter
from pathlib import Path

import pytest
from stats_helpers import expected, generate
from typer.testing import CliRunner

from labeltui.cli import app

runner = CliRunner()
SAMPLE_DIR = Path(__file__).resolve().parents[2] / "sample_data"


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


def test_help_has_an_example():
    result = run("stats", "--help")
    assert result.exit_code == 0 and "Example: labeltui stats " in result.output


def test_json_is_one_object_with_independent_counts(tmp_path):
    paths, records = generate(tmp_path, 5)
    want = expected(records)
    result = run("stats", *paths, "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)  # the whole output is one JSON object
    assert set(out) == {"files", "annotators", "tasks"}
    for who, numbers in want["annotators"].items():
        assert out["annotators"][who]["done"] == numbers["done"]
        assert out["annotators"][who]["skipped"] == numbers["skipped"]
    team = Counter()
    for (label, _), n in want["labels"]["team"].items():
        team[label] += n
    assert {k: v["total"] for k, v in out["tasks"]["team"]["labels"].items()} == dict(team)
    assert "NaN" not in result.stdout


def test_readable_report_has_tables_and_bars(tmp_path):
    paths, _ = generate(tmp_path, 6)
    result = run("stats", *paths)
    assert result.exit_code == 0, result.output
    text = result.output
    for part in ("Annotators", "Done", "Skipped", "Median", "Per hour", "Task team (choice)",
                 "Task events (audio_marks)", "Label", "Total", "Share %", "(no answer)",
                 "ann", "bob", "cy", "billing"):  # fmt: skip
        assert part in text, part
    assert "█" in text
    bar_lines = [ln for ln in text.splitlines() if "█" in ln and "%" in ln]
    assert len(bar_lines) >= 4


def test_sample_data_with_schema():
    dataset, schema = SAMPLE_DIR / "tickets.jsonl", SAMPLE_DIR / "tickets.schema.yaml"
    if not dataset.exists():
        pytest.skip("sample data absent")
    result = run("stats", dataset, "--schema", schema, "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    assert list(out["tasks"]["team"]["labels"]) == [
        "billing", "bug", "account", "shipping", "feature_request", "other"]  # fmt: skip
    readable = run("stats", dataset)
    assert readable.exit_code == 0 and "tickets (pre-annotations)" in readable.output


def test_data_text_is_shown_inertly(tmp_path):
    path = tmp_path / "f.jsonl"
    line = {"_id": "1", "_annotator": "[bold]eve[/bold]", "_status": "done",
            "labels": {"t\x1b[31m": "[red]x[/red]"}}  # fmt: skip
    path.write_text(json.dumps(line) + "\n")
    result = run("stats", path)
    assert result.exit_code == 0, result.output
    assert "[bold]eve[/bold]" in result.output and "[red]x[/red]" in result.output
    assert "\x1b[31m" not in result.output and "␛[31m" in result.output


@pytest.mark.parametrize(
    ("content", "where", "message"),
    [
        ('{"_id": "1", "_annotator": "x"}\n{oops\n', ":2: ", "not valid JSON"),
        ('"just a string"\n', ":1: ", "expected a JSON object"),
        ('{"_id": "1", "_annotator": "x", "labels": 3}\n', ":1: ", "'labels' must be an object"),
    ],
)
def test_bad_input_is_one_line_exit_2(tmp_path, content, where, message):
    path = tmp_path / "bad.jsonl"
    path.write_text(content)
    result = run("stats", path)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and f"{path}{where}" in lines[0] and message in lines[0]
    assert "Traceback" not in result.output


def test_no_files_and_missing_file(tmp_path):
    result = run("stats")
    assert result.exit_code == 2 and "no files given" in result.stderr
    result = run("stats", tmp_path / "missing.jsonl", "--json")
    assert result.exit_code == 2 and result.stdout == ""
    assert result.stderr.strip() == f"labeltui: {tmp_path / 'missing.jsonl'}: file not found"


def test_the_report_reads_at_60_columns(tmp_path):
    """Short annotator names (`ann`) must not squeeze the header into `Annotato`/`r`."""
    from rich.console import Console

    from labeltui.commands.stats_report import print_stats
    from labeltui.core.label_stats import label_stats

    paths, _ = generate(tmp_path, 3)
    console = Console(width=60, record=True, color_system=None)
    print_stats(label_stats(paths), console)
    text = console.export_text()
    header = [line.split() for line in text.splitlines() if "Done" in line.split()]
    assert header and header[0][:3] == ["Annotator", "Done", "Skipped"], text
    assert "(screen)" in text
    assert max(len(line) for line in text.splitlines()) <= 60
