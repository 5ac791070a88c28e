"""The sample datasets in sample_data/: valid against their schemas, and what the README promises.

The README's quick start opens sample_data/tickets.jsonl, so a broken sample is a broken first
run. Each dataset is read here with plain `json` (not through labeltui) so that the counts the
validator reports are checked against an independent reading of the file.
"""

from __future__ import annotations

import datetime as dt
import importlib.util
import itertools
import json
import re
import shutil
import subprocess
import sys
import unicodedata
from pathlib import Path

import numpy as np
import pytest
import soundfile as sf

from labeltui.core.schema import load_schema
from labeltui.core.tokens import tokenize
from labeltui.core.validate import validate_files

SAMPLE = Path(__file__).resolve().parents[1] / "sample_data"

#: (dataset, schema, the least number of items it must have)
PAIRS = [
    ("tickets.jsonl", "tickets.schema.yaml", 200),
    ("tickets.jsonl", "tickets-multi.schema.yaml", 200),
    ("ner.jsonl", "ner.schema.yaml", 50),
    ("ner.jsonl", "ner-chars.schema.yaml", 50),
    ("audio.jsonl", "audio.schema.yaml", 5),
]
TEAMS = ["billing", "bug", "account", "shipping", "feature_request", "other"]
NER_LABELS = {"PERSON": "p", "ORG": "o", "LOC": "l", "DATE": "d"}
AUDIO_KEYS = {"speech": "s", "music": "m", "noise": "n", "click": "c"}


def rows(name: str) -> list[dict]:
    """Every non-blank line of a sample dataset, parsed with plain json."""
    text = (SAMPLE / name).read_bytes().decode("utf-8")
    return [json.loads(line) for line in text.split("\n") if line.strip()]


def is_cjk(text: str) -> bool:
    return any(unicodedata.name(c, "").startswith(("CJK", "HIRAGANA", "KATAKANA")) for c in text)


# -- every dataset against every schema it is used with ------------------------------------------


@pytest.mark.parametrize(("dataset", "schema", "at_least"), PAIRS)
def test_validator_accepts_pair(dataset, schema, at_least):
    report = validate_files(SAMPLE / schema, SAMPLE / dataset)  # raises on the first problem
    lines = rows(dataset)
    assert report.items == len(lines) >= at_least
    assert report.duplicates == 0
    assert len({str(row["id"]) for row in lines}) == len(lines)
    assert report.prefilled == sum(1 for row in lines if "labels" in row) > 0
    if dataset == "audio.jsonl":
        assert report.items == 5


@pytest.mark.e2e
@pytest.mark.parametrize(("dataset", "schema", "at_least"), PAIRS)
def test_validate_command_exits_0(dataset, schema, at_least):
    exe = shutil.which("labeltui", path=str(Path(sys.executable).parent))
    command = [exe] if exe else [sys.executable, "-m", "labeltui"]
    result = subprocess.run(
        [*command, "validate", "--schema", str(SAMPLE / schema), str(SAMPLE / dataset)],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stdout + result.stderr
    count = re.search(r"OK, (\d+) items", result.stdout)
    assert count and int(count.group(1)) == len(rows(dataset)) >= at_least


def test_readme_quick_start_files_exist():
    readme = (SAMPLE.parent / "README.md").read_text(encoding="utf-8")
    assert "sample_data/tickets.jsonl --schema sample_data/tickets.schema.yaml" in readme
    assert (SAMPLE / "tickets.jsonl").is_file() and (SAMPLE / "tickets.schema.yaml").is_file()


# -- schemas --------------------------------------------------------------------------------------


def test_tickets_schema_is_triage_with_keys_1_to_6():
    schema = load_schema(SAMPLE / "tickets.schema.yaml")
    assert schema.is_triage
    (task,) = schema.tasks
    assert (task.name, task.kind) == ("team", "choice")
    assert list(task.label_names) == TEAMS
    assert [label.key for label in task.labels] == list("123456")
    assert all(label.hint for label in task.labels)
    assert len(schema.instructions.strip().splitlines()) >= 5


def test_tickets_multi_schema_has_topics_and_ordinal_urgency():
    schema = load_schema(SAMPLE / "tickets-multi.schema.yaml")
    kinds = {task.name: task for task in schema.tasks}
    assert kinds["topics"].kind == "multi_choice" and len(kinds["topics"].labels) >= 6
    assert {"refund", "login", "delivery", "performance", "pricing", "data_loss"} <= set(
        kinds["topics"].label_names
    )
    assert kinds["urgency"].kind == "choice" and kinds["urgency"].ordinal
    assert list(kinds["urgency"].label_names) == ["low", "medium", "high"]
    keys = [label.key for task in schema.tasks for label in task.labels]
    assert len(keys) == len(set(keys)), "keys clash across the two tasks"


@pytest.mark.parametrize(("name", "tokenizer"), [("ner", "words"), ("ner-chars", "chars")])
def test_ner_schemas(name, tokenizer):
    schema = load_schema(SAMPLE / f"{name}.schema.yaml")
    (task,) = schema.tasks
    assert (task.name, task.kind, task.tokenizer) == ("entities", "spans", tokenizer)
    assert {label.name: label.key for label in task.labels} == NER_LABELS
    assert all(label.hint and label.color for label in task.labels)


def test_audio_schema():
    schema = load_schema(SAMPLE / "audio.schema.yaml")
    (task,) = schema.tasks
    assert (task.name, task.kind) == ("events", "audio_marks")
    assert {label.name: label.key for label in task.labels} == AUDIO_KEYS
    assert schema.text_field == "description"


# -- tickets --------------------------------------------------------------------------------------


def test_ticket_fields():
    tickets = rows("tickets.jsonl")
    assert [t["id"] for t in tickets] == [f"T{i:04d}" for i in range(1, len(tickets) + 1)]
    for t in tickets:
        assert isinstance(t["text"], str) and t["text"].strip()
        assert t["channel"] in ("email", "chat", "phone")
        assert isinstance(t["product"], str) and t["product"]
        assert dt.date.fromisoformat(t["created"])
        if "score" in t:
            assert isinstance(t["score"], float) and 0 <= t["score"] <= 1
    assert {t["channel"] for t in tickets} == {"email", "chat", "phone"}
    assert len({t["text"] for t in tickets}) == len(tickets), "two tickets share a text"
    scored = sum("score" in t for t in tickets) / len(tickets)
    assert 0.2 <= scored <= 0.4


def test_ticket_pre_annotations():
    tickets = rows("tickets.jsonl")
    pre = [t for t in tickets if "labels" in t]
    assert 0.1 <= len(pre) / len(tickets) <= 0.2
    assert {t["labels"]["team"] for t in pre} <= set(TEAMS)
    with_scores = [t for t in pre if "_scores" in t["labels"]]
    assert len(with_scores) >= 5
    for t in with_scores:
        score = t["labels"]["_scores"]["team"]
        assert isinstance(score, float) and 0 <= score <= 1


def test_ticket_lengths_and_variety():
    texts = [t["text"] for t in rows("tickets.jsonl")]
    long = [t for t in texts if 1500 <= len(t) <= 4000]
    assert len(long) >= 8
    assert max(len(t) for t in texts) <= 4000
    assert sum(len(t) <= 600 for t in texts) / len(texts) >= 0.85  # most are 1-4 sentences
    openings = {" ".join(t.split()[:3]) for t in texts}
    assert len(openings) / len(texts) > 0.9, "too many tickets start alike"


def test_tickets_hold_untrusted_and_non_ascii_text():
    texts = [t["text"] for t in rows("tickets.jsonl")]
    assert any("[bold" in t for t in texts)
    assert sum("\x1b[" in t for t in texts) >= 2
    assert sum(not t.isascii() for t in texts) >= 20
    assert any(is_cjk(t) for t in texts)
    assert any(re.search("[\u0600-\u06ff]", t) for t in texts), "no Arabic"
    assert any(re.search("[\u0590-\u05ff]", t) for t in texts), "no Hebrew"
    assert any(re.search("[\U0001f300-\U0001faff]", t) for t in texts), "no emoji"
    for word in ("Grüße", "Bonjour", "¿"):  # German, French, Spanish
        assert any(word in t for t in texts), word


# -- NER ------------------------------------------------------------------------------------------


def test_ner_pre_annotated_spans_match_the_text():
    items = rows("ner.jsonl")
    pre = [item for item in items if "labels" in item]
    assert len(pre) >= 10
    for item in pre:
        text = item["text"]
        spans = item["labels"]["entities"]
        assert spans, item["id"]
        assert spans == sorted(spans, key=lambda s: s["start"])
        for span in spans:
            assert span["text"] == text[span["start"] : span["end"]], (item["id"], span)
            assert span["label"] in NER_LABELS
        for a, b in itertools.pairwise(spans):
            assert a["end"] <= b["start"], (item["id"], a, b)


def test_ner_spans_sit_on_token_edges():
    """Word items on word tokens, Chinese/Japanese ones on characters (ner-chars.schema.yaml)."""
    for item in rows("ner.jsonl"):
        text = item["text"]
        tokens = tokenize(text, "chars" if is_cjk(text) else "words")
        starts = {t.start for t in tokens}
        ends = {t.end for t in tokens}
        for span in item.get("labels", {}).get("entities", []):
            assert span["start"] in starts and span["end"] in ends, (item["id"], span)


def test_ner_text_variety():
    texts = [item["text"] for item in rows("ner.jsonl")]
    assert sum(not t.isascii() for t in texts) >= len(texts) / 4
    joined = "".join(texts)
    assert "\u200d" in joined and "👨\u200d👩\u200d👧\u200d👦" in joined, "no ZWJ family emoji"
    assert re.search("[\U0001f3fb-\U0001f3ff]", joined), "no skin-tone modifier"
    assert "\u0308" in joined, "no combining mark"
    assert sum(is_cjk(t) for t in texts) >= 3
    assert any("\t" in t for t in texts)
    assert any("\r\n" in t for t in texts)
    assert any(re.search("[\u0590-\u05ff]", t) for t in texts)
    assert any(re.search("[\u0600-\u06ff]", t) for t in texts)


# -- audio ----------------------------------------------------------------------------------------


def test_audio_files_decode_and_stay_small():
    items = rows("audio.jsonl")
    assert len(items) == 5
    total = 0
    for item in items:
        path = SAMPLE / item["audio"]  # relative to the dataset's folder
        assert not Path(item["audio"]).is_absolute() and path.is_file(), item["audio"]
        info = sf.info(str(path))
        assert (info.format, info.samplerate, info.channels) == ("FLAC", 16000, 1)
        assert 3 <= info.duration <= 8
        data, _ = sf.read(str(path), dtype="float32")
        assert len(data) == info.frames and np.abs(data).max() > 0.1
        assert abs(info.duration - item["duration"]) < 0.01
        total += path.stat().st_size
    every = sum(p.stat().st_size for p in (SAMPLE / "audio").iterdir())
    assert total == every < 1_000_000


def test_audio_pre_annotated_marks_cover_the_sound():
    """Inside each pre-marked interval the clip is far louder than between the marks."""
    (item,) = [i for i in rows("audio.jsonl") if "labels" in i]
    marks = item["labels"]["events"]
    assert marks == sorted(marks, key=lambda m: m["start"]) and len(marks) >= 2
    data, rate = sf.read(str(SAMPLE / item["audio"]), dtype="float64")

    def rms(start: float, end: float) -> float:
        part = data[round(start * rate) : round(end * rate)]
        return float(np.sqrt(np.mean(part**2)))

    quiet = [rms(0, marks[0]["start"])]
    gaps = [(a["end"], b["start"]) for a, b in itertools.pairwise(marks) if b["start"] > a["end"]]
    quiet += [rms(start, end) for start, end in gaps]
    floor = max(quiet)
    edge = 0.05  # the marks are tight: sound just inside each edge, silence just outside
    for mark in marks:
        start, end = mark["start"], mark["end"]
        assert mark["label"] in AUDIO_KEYS and start < end
        assert rms(start, end) > 10 * floor, mark
        assert rms(start, start + edge) > 5 * floor and rms(end - edge, end) > 5 * floor, mark
        assert rms(start - edge, start) < 2 * floor and rms(end, end + edge) < 2 * floor, mark


def test_make_audio_is_deterministic(tmp_path):
    spec = importlib.util.spec_from_file_location("make_audio", SAMPLE / "make_audio.py")
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    assert module.main(["make_audio.py", str(tmp_path)]) == 0
    made = sorted(p.name for p in tmp_path.iterdir())
    assert made == sorted(p.name for p in (SAMPLE / "audio").iterdir())
    for name in made:
        fresh, _ = sf.read(str(tmp_path / name), dtype="int16")
        kept, _ = sf.read(str(SAMPLE / "audio" / name), dtype="int16")
        assert np.array_equal(fresh, kept), name
