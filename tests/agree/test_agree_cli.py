"""`labeltui agree` on the command line: report, --json, options, one-line errors."""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from agree_helpers import line, write_task
from typer.testing import CliRunner

from labeltui.cli import app

runner = CliRunner()


def run(*args):
    return runner.invoke(app, [str(a) for a in args])


@pytest.fixture
def files(tmp_path):
    values = [["bug", "bug", "billing"], ["bug", "bug", "bug"], ["billing", "billing", None],
              ["feature", "bug", "billing"], ["feature", "feature", "feature"]]  # fmt: skip
    return write_task(tmp_path, values, ["ann", "bob", "cy"], task="team")


def test_json_is_the_format_object_alone(files):
    result = run("agree", *files, "--json")
    assert result.exit_code == 0, result.output
    out = json.loads(result.stdout)
    team = out["tasks"]["team"]
    assert list(team)[:8] == ["kind", "annotators", "items", "items_complete",
                              "percent_agreement", "cohen_kappa", "fleiss_kappa",
                              "krippendorff_alpha"]  # fmt: skip
    assert team["annotators"] == ["ann", "bob", "cy"]
    assert team["items"] == 5 and team["items_complete"] == 4
    assert set(team["cohen_kappa"]) == {"ann|bob", "ann|cy", "bob|cy"}


def test_readable_report(files):
    result = run("agree", *files, "--pair", "cy,ann", "--ci", "--seed", "3", "--ci-samples", "50")
    assert result.exit_code == 0, result.output
    text = result.output
    for part in ("Fleiss' kappa", "Krippendorff's alpha", "(nominal)", "95% CI", "Per label",
                 "kappa, one vs rest", "Confusion: cy (rows) vs ann (columns)",
                 "Items with the most disagreement", "i3"):  # fmt: skip
        assert part in text, part
    assert any(band in text for band in ("poor", "slight", "fair", "moderate", "substantial"))
    assert "…" not in text  # at 80 columns with the intervals, no figure is cut


def test_ordinal_schema_gives_weighted_statistics(files, tmp_path):
    schema = tmp_path / "s.yaml"
    schema.write_text(
        "tasks:\n  - name: team\n    kind: choice\n    ordinal: true\n"
        "    labels: [billing, bug, feature]\n"
    )
    result = run("agree", *files, "--schema", schema, "--weights", "linear", "--json")
    assert result.exit_code == 0, result.output
    team = json.loads(result.stdout)["tasks"]["team"]
    assert team["weights"] == "linear" and team["labels"] == ["billing", "bug", "feature"]
    assert set(team["cohen_kappa_weighted"]) == {"ann|bob", "ann|cy", "bob|cy"}
    assert team["krippendorff_alpha_ordinal"] is not None


def test_untrusted_text_is_shown_inertly(tmp_path):
    path = tmp_path / "a.jsonl"
    path.write_text(line("[bold]ann", "\x1b[31mred", {"t": "[i]x"})
                    + line("bob", "\x1b[31mred", {"t": "y"}))  # fmt: skip
    result = run("agree", path)
    assert result.exit_code == 0, result.output
    assert "[bold]ann" in result.output and "[i]x" in result.output
    assert "\x1b" not in result.output and "␛[31mred" in result.output


@pytest.mark.parametrize(
    "make, args, message",
    [
        (None, [], "no annotation files given"),
        ("missing", [], "file not found"),
        ("dataset", [], "d.jsonl:1: not an annotation line"),
        ("one", [], "agreement needs two annotators or more"),
        ("good", ["--task", "nope"], "unknown task 'nope' (tasks in these files: team)"),
        ("good", ["--weights", "linear"], "--weights needs an ordinal choice task"),
        ("good", ["--pair", "ann,zed"], "--pair: unknown annotator 'zed'"),
        (
            "misfit",
            [],
            "d.jsonl:2: task 'team': this value does not fit a choice task (expected a label "
            "name or null, found 3)",
        ),
    ],
)
def test_bad_input_is_one_line_and_exit_2(tmp_path, make, args, message):
    path = tmp_path / "d.jsonl"
    if make == "dataset":
        path.write_text('{"id": 1, "text": "hello"}\n')
    elif make == "one":
        path.write_text(line("ann", "1", {"team": "bug"}))
    elif make == "good":
        path.write_text(line("ann", "1", {"team": "bug"}) + line("bob", "1", {"team": "bug"}))
    elif make == "misfit":
        path.write_text(line("ann", "1", {"team": "bug"}) + line("bob", "1", {"team": 3}))
    files = [] if make is None else [path]
    result = run("agree", *files, *args)
    assert result.exit_code == 2, result.output
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("labeltui: ") and message in lines[0]
    assert "Traceback" not in result.output


def test_no_shared_items_says_so_and_prints_null_statistics(tmp_path):
    path = tmp_path / "d.jsonl"
    path.write_text(line("ann", "1", {"team": "bug"}) + line("bob", "2", {"team": "bug"}))
    result = run("agree", path, "--json")
    assert result.exit_code == 2
    team = json.loads(result.stdout)["tasks"]["team"]
    assert team["items"] == 0 and team["fleiss_kappa"] is None
    assert team["cohen_kappa"] == {"ann|bob": None} and team["percent_agreement"] is None
    assert "no item was labelled by two annotators or more" in result.stderr


def test_agree_does_not_import_textual(files):
    probe = (
        "import sys\nfrom labeltui.cli import app\n"
        f"sys.argv = ['labeltui', 'agree', *{[str(f) for f in files]!r}, '--json']\n"
        "try:\n    app()\nexcept SystemExit as exc:\n    assert not exc.code, exc.code\n"
        "assert 'labeltui.core.agree' in sys.modules\n"
        "print('textual' in sys.modules, 'rich' in sys.modules)"
    )
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    assert out.stdout.strip().splitlines()[-1] == "False False"


def test_keys_under_labels_starting_with_an_underscore_are_not_tasks(files, tmp_path):
    """A pre-annotation's `labels._scores` (README) is no task: agree compares the tasks
    alone, as stats does, instead of refusing `_scores` as a choice value."""
    plain = run("agree", *files, "--json")
    scored = []
    for path in files:
        rows = [json.loads(text) for text in path.read_text().splitlines()]
        for row in rows:
            row["labels"]["_scores"] = {"team": 0.83}
        out = tmp_path / f"scored.{path.name}"
        out.write_text("".join(json.dumps(row) + "\n" for row in rows))
        scored.append(out)
    result = run("agree", *scored, "--json")
    assert result.exit_code == 0, result.output
    assert json.loads(result.stdout)["tasks"] == json.loads(plain.stdout)["tasks"]
    refused = run("agree", *scored, "--task", "_scores")
    assert refused.exit_code == 2 and "unknown task '_scores'" in refused.output
    assert "tasks in these files: team" in refused.output
