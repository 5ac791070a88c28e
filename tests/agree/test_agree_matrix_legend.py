"""The readable `agree` report fits 80 columns: the confusion matrix's label columns are
abbreviated, with a legend, instead of cut (`feature_reque…`), run as a real subprocess."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from agree_helpers import write_task

from labeltui.commands.agree_report import abbreviations, legend

LABELS = ["billing", "bug", "account", "shipping", "feature_request", "other"]


@pytest.fixture
def files(tmp_path):
    values = [[LABELS[(i + k * (i % 3)) % len(LABELS)] for k in range(3)] for i in range(30)]
    return write_task(tmp_path, values, ["ann", "bob", "cy"], task="team")


def agree(files, columns: int) -> str:
    env = {**os.environ, "COLUMNS": str(columns)}
    done = subprocess.run([sys.executable, "-m", "labeltui", "agree", *map(str, files)],
                          capture_output=True, text=True, env=env, timeout=120)  # fmt: skip
    assert done.returncode == 0, done.stderr
    return done.stdout


def matrix(report: str) -> list[str]:
    """The confusion section: its heading to the next heading."""
    lines = report.splitlines()
    start = next(i for i, row in enumerate(lines) if row.startswith("  Confusion:"))
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith("  Items with"))
    return lines[start:end]


def test_at_80_columns_the_columns_are_abbreviated_with_a_legend(files):
    section = matrix(agree(files, 80))
    text = "\n".join(section)
    assert "…" not in text and all(len(row) <= 80 for row in section)
    head = next(row for row in section if "bug" in row and "fea" in row)
    assert head.split() == ["acc", "bil", "bug", "fea", "oth", "shi"]  # the labels' order
    rows = [row.split()[0] for row in section if row[2:3].isalpha() and row[:2] == "  "]
    assert "feature_request" in rows  # rows keep the whole names
    legend_text = " ".join(text.split("columns:", 1)[1].split())
    assert legend_text == (
        "acc = account, bil = billing, fea = feature_request, oth = other, shi = shipping"
    )


def test_when_the_whole_names_fit_there_is_no_legend(files):
    section = matrix(agree(files, 160))
    assert "columns:" not in "\n".join(section)
    assert any("feature_request" in row and "shipping" in row for row in section)


def test_abbreviations_are_the_shortest_starts_no_other_label_has():
    assert abbreviations(["feature_request", "feature_idea", "bug", "bugfix", "x"]) == {
        "feature_request": "feature_r",
        "feature_idea": "feature_i",
        "bug": "bug",  # every start of it starts `bugfix` too
        "bugfix": "bugf",
        "x": "x",
    }


def test_the_legend_wraps_between_entries_never_inside_one():
    from rich.text import Text

    entries = [Text(f"a{n} = a_long_label_{n}") for n in range(6)]
    lines = legend(entries, 60).plain.splitlines()
    assert all(len(row) <= 60 for row in lines) and len(lines) > 1
    assert all(row.startswith("           a") for row in lines[1:])  # under the first entry
    assert " ".join(" ".join(lines).split()).count(" = ") == 6


def statistics(report: str) -> list[str]:
    """The Statistics section: its heading to the first warning, note or next heading."""
    lines = report.splitlines()
    start = next(i for i, row in enumerate(lines) if row.strip() == "Statistics")
    ends = ("  ⚠", "  readings:", "  Cohen's kappa per pair")
    end = next(i for i in range(start + 1, len(lines)) if lines[i].startswith(ends))
    return lines[start:end]


@pytest.mark.parametrize("ci", [False, True], ids=["plain", "ci"])
def test_at_60_columns_every_figure_of_the_statistics_is_whole(files, ci):
    """Names and readings wrap in a narrow terminal; the figures are never cut to `0.…`."""
    import json

    extra = ["--ci", "--ci-samples", "50", "--seed", "1"] if ci else []
    section = statistics(agree([*files, *extra], 60))
    text = "\n".join(section)
    assert "…" not in text and all(len(row) <= 60 for row in section)
    done = subprocess.run([sys.executable, "-m", "labeltui", "agree", *map(str, files), *extra,
                           "--json"], capture_output=True, text=True, timeout=120)  # fmt: skip
    task = json.loads(done.stdout)["tasks"]["team"]
    for key in ("percent_agreement", "fleiss_kappa", "krippendorff_alpha", "gwet_ac1"):
        assert f"{task[key]:.3f}" in text, key
    if ci:
        low, high = task["ci"]["fleiss_kappa"]
        assert f"[{low:.3f}, {high:.3f}]" in text
    assert "Krippendorff" in text.replace("\n", " ")  # folded, not cut


def test_at_60_columns_nothing_in_any_kind_of_report_is_cut(tmp_path):
    """Per-label figures of a multi_choice task and long audio marks in the disagreement list
    fold or wrap in a 60-column terminal; no cell is cut to `…`."""
    import random

    rng = random.Random(5)
    tags = ["urgent", "angry", "vip"]
    multi = [[[t for t in tags if rng.random() < 0.5] for _ in range(3)] for _ in range(30)]
    marks = [  # long intervals, apart by more than the tolerance between annotators
        [
            [{"start": 9.321 + 1.5 * a + k, "end": 10.328 + 1.5 * a + k, "label": "music"}
             for k in range(1 + i % 3)]
            for a in range(3)
        ]
        for i in range(30)
    ]  # fmt: skip
    (tmp_path / "m").mkdir()
    (tmp_path / "a").mkdir()
    multi_files = write_task(tmp_path / "m", multi, ["ann", "bob", "cy"], task="tags")
    mark_files = write_task(tmp_path / "a", marks, ["ann", "bob", "cy"], task="events")
    for files in (multi_files, mark_files):
        report = agree(files, 60)
        assert "…" not in report, report
    lines = agree(mark_files, 60).splitlines()  # folded: "9.321-10.3", then "28" below it
    at = next(i for i, row in enumerate(lines) if "9.321-10.3" in row)
    column = lines[at].index("9.321-10.3")
    assert lines[at + 1][column : column + 2] == "28"


def test_notes_under_the_statistics_wrap_under_their_indent(files):
    lines = agree(files, 60).splitlines()
    at = next(i for i, row in enumerate(lines) if row.startswith("  readings: "))
    assert lines[at + 1].startswith("  Krippendorff (2004)")  # not at the left edge
    assert lines[at + 2] == ""
