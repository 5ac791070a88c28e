"""`labeltui suggest` as a real command: the written dataset, functions, and bad input."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from suggest_helpers import SCHEMA, read_jsonl, write, write_dataset

RULES = """\
rules:
  - {name: refund, task: team, label: billing, any: [refund, charged twice]}
  - {name: money, task: team, label: billing, regex: "\\\\d+ EUR"}
  - {name: order, task: team, label: shipping, regex: "(?i)\\\\border\\\\b"}
  - {name: urgent, task: tags, label: urgent, any: [asap]}
  - {name: product, task: entities, label: PRODUCT, any: [Acme Hub]}
  - {name: product2, task: entities, label: PRODUCT, regex: "Acme (Hub|Router)"}
"""


def suggest(folder: Path, *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run(
        [sys.executable, "-m", "labeltui", "suggest", *args],
        cwd=folder,
        capture_output=True,
        text=True,
        timeout=120,
    )


@pytest.fixture
def files(tmp_path):
    write(tmp_path, "schema.yaml", SCHEMA)
    write(tmp_path, "rules.yaml", RULES)
    rows = [
        {"id": "a", "text": "Please refund the 12 EUR for my order", "x": 1.0},
        {"id": "b", "text": "🎉 my Acme Hub and acme hub, ASAP"},
        {"id": "c", "text": "refund? no: ORDER 5 is late"},  # 1 billing vs 1 shipping: a tie
        {"id": "d", "text": "nothing to see"},
        {"id": "e", "body": "no text field"},
    ]
    write_dataset(tmp_path, rows)
    return tmp_path


def test_written_dataset_has_suggestions_and_votes(files):
    done = suggest(files, "data.jsonl", "-s", "schema.yaml", "-r", "rules.yaml", "-o", "out.jsonl")
    assert done.returncode == 0, done.stderr
    out = {row["id"]: row for row in read_jsonl(files / "out.jsonl")}
    a = out["a"]
    assert a["suggestions"] == {
        "team": [{"value": "billing", "score": 0.6667, "agent": "rules:majority"}]
    }
    assert a["_votes"] == {"refund": "billing", "money": "billing", "order": "shipping"}
    assert a["x"] == 1.0 and a["text"] == "Please refund the 12 EUR for my order"
    b = out["b"]
    spans = b["suggestions"]["entities"][0]
    assert spans["agent"] == "rules" and "score" not in spans
    assert [(s["start"], s["end"], s["text"]) for s in spans["value"]] == [
        (5, 13, "Acme Hub"),
        (18, 26, "acme hub"),
    ]  # the two rules' equal spans once each; offsets count the emoji as one code point
    assert b["_votes"]["product2"] == [
        {"start": 5, "end": 13, "label": "PRODUCT", "text": "Acme Hub"}
    ]
    assert b["suggestions"]["tags"] == [
        {"value": ["urgent"], "score": 1.0, "agent": "rules:majority"}
    ]
    assert "suggestions" not in out["c"]  # a tie abstains
    assert out["c"]["_votes"] == {"refund": "billing", "order": "shipping"}
    assert out["d"] == {"id": "d", "text": "nothing to see"}
    assert out["e"] == {"id": "e", "body": "no text field"}
    # every other byte of a line is kept: the written line starts with the input line
    original = (files / "data.jsonl").read_text(encoding="utf-8").splitlines()
    written = (files / "out.jsonl").read_text(encoding="utf-8").splitlines()
    assert written[0].startswith(original[0][:-1] + ",")
    assert written[3] == original[3]


def test_dawid_skene_agent_and_posterior_scores(files):
    done = suggest(
        files, "data.jsonl", "-s", "schema.yaml", "-r", "rules.yaml", "-o", "out.jsonl",
        "--combine", "dawid-skene",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    a = read_jsonl(files / "out.jsonl")[0]["suggestions"]["team"][0]
    assert a["agent"] == "rules:dawid-skene" and 0 < a["score"] <= 1


def test_existing_suggestions_of_other_agents_are_kept(files):
    rows = [
        {
            "id": "a",
            "text": "refund please",
            "suggestions": {
                "team": [
                    {"value": "bug", "score": 0.9, "agent": "model"},
                    {"value": "other", "score": 0.5, "agent": "rules:majority"},
                ]
            },
            "_votes": {"old": "bug"},
        }
    ]
    write_dataset(files, rows)
    done = suggest(files, "data.jsonl", "-s", "schema.yaml", "-r", "rules.yaml", "-o", "out.jsonl")
    assert done.returncode == 0, done.stderr
    row = read_jsonl(files / "out.jsonl")[0]
    assert row["suggestions"]["team"] == [
        {"value": "bug", "score": 0.9, "agent": "model"},
        {"value": "billing", "score": 1.0, "agent": "rules:majority"},
    ]
    assert row["_votes"] == {"refund": "billing"}


FUNCTIONS = """\
def lf_money(item):
    if item["id"] == "c":
        raise ValueError("cannot read this one")
    return "billing" if "EUR" in item.get("text", "") else None


def lf_places(item):
    text = item.get("text", "")
    at = text.find("Acme")
    return [(at, at + 4, "PLACE")] if at >= 0 else None


lf_places.task = "entities"
lf_money.task = "team"


def helper(item):  # not lf_*: never called
    raise AssertionError("called")
"""


def test_functions_vote_and_one_that_raises_is_reported_with_the_item(files):
    write(files, "lf.py", FUNCTIONS)
    done = suggest(
        files, "data.jsonl", "-s", "schema.yaml", "--functions", "lf.py", "-o", "out.jsonl",
        "--report",
    )  # fmt: skip
    assert done.returncode == 0, done.stderr
    assert "lf.py:1: lf_money raised ValueError (cannot read this one) on item c" in done.stderr
    assert "lf_money failed on 1 item(s)" in done.stdout
    out = {row["id"]: row for row in read_jsonl(files / "out.jsonl")}
    assert out["a"]["_votes"] == {"lf_money": "billing"}
    assert out["b"]["_votes"]["lf_places"] == [
        {"start": 5, "end": 9, "label": "PLACE", "text": "Acme"}
    ]
    assert "_votes" not in out["c"]  # its failure is an abstain


def test_functions_file_runs_only_when_named(files):
    write(
        files,
        "lf.py",
        "open('ran', 'w').close()\ndef lf_x(item):\n    return None\nlf_x.task = 'team'\n",
    )
    done = suggest(files, "data.jsonl", "-s", "schema.yaml", "-r", "rules.yaml", "-o", "o.jsonl")
    assert done.returncode == 0
    assert not (files / "ran").exists()
    done = suggest(files, "data.jsonl", "-s", "schema.yaml", "--functions", "lf.py", "--report")
    assert (files / "ran").exists()
    assert "function 'lf_x' abstained on every item" in done.stderr


@pytest.mark.parametrize(
    ("rules", "expected"),
    [
        (
            "rules:\n  - {name: a, task: nope, label: bug, any: [x]}\n",
            "labeltui: rules.yaml:2: rule 'a': unknown task 'nope' (known: team, tags, entities)",
        ),
        (
            "rules:\n  - {name: a, task: team, label: bugs, any: [x]}\n",
            "labeltui: rules.yaml:2: rule 'a': unknown label 'bugs' in task 'team' "
            "(known: billing, bug, shipping, other)",
        ),
        (
            'rules:\n  - {name: a, task: team, label: bug, regex: "a(b"}\n',
            "labeltui: rules.yaml:2: rule 'a': bad regex: missing ), unterminated subpattern "
            "at position 1",
        ),
        (
            "rules:\n  - {name: a, task: team, label: bug, any: [x]}\n"
            "  - {name: a, task: team, label: bug, any: [y]}\n",
            "labeltui: rules.yaml:3: duplicate rule name 'a' (first at line 2)",
        ),
        (
            "rules:\n  - {name: a, task: team, label: bug, any: [x], regex: y}\n",
            "labeltui: rules.yaml:2: rule 'a' has both 'any' and 'regex': give exactly one",
        ),
        (
            "rules:\n  - {name: a, task: team, label: bug}\n",
            "labeltui: rules.yaml:2: rule 'a' has neither 'any' nor 'regex': give exactly one",
        ),
    ],
)
def test_bad_rules_one_line_exit_2_nothing_written(files, rules, expected):
    write(files, "rules.yaml", rules)
    done = suggest(files, "data.jsonl", "-s", "schema.yaml", "-r", "rules.yaml", "-o", "out.jsonl")
    assert done.returncode == 2
    assert done.stderr == expected + "\n"
    assert done.stdout == ""
    assert not (files / "out.jsonl").exists()


@pytest.mark.parametrize(
    ("line", "expected"),
    [
        ("{not json\n", "labeltui: data.jsonl:7: not valid JSON"),
        ("[1, 2]\n", "labeltui: data.jsonl:7: expected a JSON object, found an array"),
        ('{"id": [1], "text": "x"}\n', "labeltui: data.jsonl:7: 'id' must be a string"),
        (
            '{"id": "z", "text": "refund", "suggestions": {"team": "billing"}}\n',
            "labeltui: data.jsonl:7: 'suggestions' must be an object of task names to lists",
        ),
    ],
)
def test_bad_dataset_line_one_line_exit_2_nothing_written(files, line, expected):
    with (files / "data.jsonl").open("a", encoding="utf-8") as handle:
        handle.write("\n" + line)  # a blank line 6 still counts
    done = suggest(files, "data.jsonl", "-s", "schema.yaml", "-r", "rules.yaml", "-o", "out.jsonl")
    assert done.returncode == 2
    assert done.stderr.startswith(expected) and done.stderr.count("\n") == 1
    assert "Traceback" not in done.stderr
    assert sorted(p.name for p in files.iterdir()) == ["data.jsonl", "rules.yaml", "schema.yaml"]


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["-r", "rules.yaml"], "labeltui: give -o OUT to write the dataset, or --report"),
        (["-o", "o.jsonl"], "labeltui: give --rules RULES.yaml or --functions FILE.py"),
        (["-r", "rules.yaml", "-o", "data.jsonl"], "labeltui: data.jsonl: the output is the"),
        (["-r", "missing.yaml", "-o", "o.jsonl"], "labeltui: missing.yaml: rules file not found"),
        (["-r", "rules.yaml", "--json", "-o", "o.jsonl"], "labeltui: --json goes with --report"),
    ],
)
def test_bad_usage_one_line_exit_2(files, args, expected):
    before = (files / "data.jsonl").read_bytes()
    done = suggest(files, "data.jsonl", "-s", "schema.yaml", *args)
    assert done.returncode == 2
    assert done.stderr.startswith(expected) and done.stderr.count("\n") == 1
    assert not (files / "o.jsonl").exists()
    assert (files / "data.jsonl").read_bytes() == before


def test_functions_file_that_fails_to_load_names_its_line(files):
    write(files, "lf.py", "x = 1\nraise RuntimeError('no')\n")
    done = suggest(files, "data.jsonl", "-s", "schema.yaml", "--functions", "lf.py", "--report")
    assert done.returncode == 2
    assert done.stderr.startswith("labeltui: lf.py:2: the file failed while loading")
    write(files, "lf.py", "def lf_x(item):\n    return None\n")  # two tasks vote: which?
    done = suggest(files, "data.jsonl", "-s", "schema.yaml", "--functions", "lf.py", "--report")
    assert done.returncode == 2
    assert done.stderr.startswith("labeltui: lf.py:1: lf_x: the schema has 3 tasks")


def test_json_report_keys(files):
    done = suggest(
        files, "data.jsonl", "-s", "schema.yaml", "-r", "rules.yaml", "--report", "--json"
    )
    report = json.loads(done.stdout)
    assert set(report) == {"rules"}
    assert report["rules"]["refund"]["coverage"] == pytest.approx(2 / 5)


def test_bad_gold_file_names_its_line(files):
    write(files, "gold.jsonl", '{"_id": "a", "labels": {"team": "billing"}}\n{oops\n')
    done = suggest(
        files, "data.jsonl", "-s", "schema.yaml", "-r", "rules.yaml", "--report",
        "--gold", "gold.jsonl",
    )  # fmt: skip
    assert done.returncode == 2
    assert done.stderr.startswith("labeltui: gold.jsonl:2: not valid JSON")
    assert done.stdout == ""
