"""`annotate --gold GOLD --gold-every N` parsed the quick way (labeltui/entry.py) gives the
call typer gives; a value the quick parser cannot judge goes to typer (issue 19 item 2)."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from typer.testing import CliRunner

import labeltui.cli as cli
from labeltui.commands.annotate import parse_quick

GOLD_ARGS = [
    ["data.jsonl", "-s", "s.yaml", "--gold", "g.jsonl", "--gold-every", "5"],
    ["data.jsonl", "--gold-every=12", "--gold=dir/g.jsonl", "--schema=s.yaml", "-a", "ann"],
]


def typer_call(args: list[str], monkeypatch) -> dict:
    calls: list[tuple] = []
    monkeypatch.setattr(cli, "run_annotate", lambda *a, **k: calls.append((a, k)))
    result = CliRunner().invoke(cli.app, ["annotate", *args])
    assert result.exit_code == 0, result.output
    positional, keywords = calls[0]
    names = ["dataset", "schema", "annotator", "out", "where", "sort"]
    out = dict(zip(names, positional, strict=True))
    out.update(keywords)
    return {k: v for k, v in out.items() if v is not None and v != []}


@pytest.mark.parametrize("args", GOLD_ARGS, ids=lambda a: " ".join(a))
def test_quick_parse_of_gold_options_gives_typers_call(args, monkeypatch):
    quick = parse_quick(args)
    assert quick is not None and quick == typer_call(args, monkeypatch)
    assert isinstance(quick["gold"], Path) and isinstance(quick["gold_every"], int)


@pytest.mark.parametrize("every", ["x", "-3", "٣", "+4", ""])
def test_gold_every_not_plain_digits_goes_to_typer(every):
    assert parse_quick(["data.jsonl", "-s", "s.yaml", "--gold", "g", "--gold-every", every]) is None


def test_bad_gold_every_and_gold_alone_are_one_line_errors(tmp_path):
    (tmp_path / "data.jsonl").write_text('{"id": "a", "text": "x"}\n')
    (tmp_path / "s.yaml").write_text("tasks:\n  - {name: t, kind: choice, labels: [a, b]}\n")
    (tmp_path / "g.jsonl").write_text(
        '{"_id": "g", "text": "y", "labels": {"t": "a"}, "_annotator": "r", "_status": "done"}\n'
    )
    base = [sys.executable, "-m", "labeltui", "annotate", "data.jsonl", "-s", "s.yaml"]
    for extra, wanted in (
        (["--gold", "g.jsonl", "--gold-every", "1"], "--gold-every must be 2 or more"),
        (["--gold", "g.jsonl"], "go together"),
        (["--gold", "missing.jsonl", "--gold-every", "3"], "cannot read the gold file"),
    ):
        done = subprocess.run(base + extra, cwd=tmp_path, capture_output=True, text=True)
        assert done.returncode == 2, done.stderr
        assert wanted in done.stderr and "Traceback" not in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
        assert [p.name for p in tmp_path.glob("data.*.jsonl")] == []  # no file left behind
