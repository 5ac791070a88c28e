"""The real `labeltui annotate` in tmux saves only what the annotator meant (issue 13, 1-3).

Keys are typed into a terminal; what counts is the annotation file on disk and the screen.
"""

from __future__ import annotations

import json
import time
from pathlib import Path

import pytest
from tmux_driver import needs_tmux

pytestmark = [pytest.mark.e2e, needs_tmux]

TRIAGE = """\
tasks:
  - name: team
    kind: choice
    labels:
      - {name: billing, key: "1"}
      - {name: bug, key: "2"}
      - {name: shipping, key: "3"}
"""

SPANS = """\
tasks:
  - name: ents
    kind: spans
    labels:
      - {name: PER, key: p}
      - {name: ORG, key: o}
"""

AUDIO = """\
tasks:
  - name: events
    kind: audio_marks
    labels:
      - {name: cough, key: c}
"""


def write(folder: Path, rows: list[dict], schema: str) -> None:
    (folder / "data.jsonl").write_text("".join(json.dumps(r) + "\n" for r in rows))
    (folder / "schema.yaml").write_text(schema)


def saved(folder: Path) -> list[dict]:
    path = folder / "data.ann.jsonl"
    if not path.exists():
        return []
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines()]


def start(tmux_factory, folder: Path, first: str):
    t = tmux_factory(["annotate", "data.jsonl", "-s", "schema.yaml", "-a", "ann"], folder)
    t.wait_for(first, "Save+next")
    return t


def quit_app(t) -> None:
    t.send("C-q")
    assert t.exit_status() == 0


def test_triage_key_of_a_prefilled_label_saves_that_label(tmp_path, tmux_factory):
    rows = [
        {
            "id": "a",
            "text": "parcel lost",
            "labels": {"team": "shipping"},
            "_scores": {"team": 0.93},
        },
        {"id": "b", "text": "second ticket"},
    ]
    write(tmp_path, rows, TRIAGE)
    t = start(tmux_factory, tmp_path, "parcel lost")
    t.wait_for("pre-filled team=shipping (0.93)")
    t.send("3")  # shipping's key: confirm it
    t.wait_for("second ticket")
    t.send("PageUp")  # back to the answered item: its key again keeps it
    t.wait_for("parcel lost", "done")
    t.send("3")
    t.wait_for("second ticket")
    quit_app(t)
    lines = saved(tmp_path)
    assert [line["labels"] for line in lines] == [{"team": "shipping"}] * 2
    assert all(line["_status"] == "done" for line in lines)


def test_enter_on_an_untouched_required_choice_saves_nothing_and_ctrl_k_skips(
    tmp_path, tmux_factory
):
    write(tmp_path, [{"id": "a", "text": "first ticket"}, {"id": "b", "text": "next"}], TRIAGE)
    t = start(tmux_factory, tmp_path, "first ticket")
    t.send("Enter")
    t.wait_for("team has no answer", "skip the item (ctrl+k)")
    time.sleep(0.3)
    assert saved(tmp_path) == [] and "first ticket" in t.screen()
    t.send("C-k")
    t.wait_for("next")
    quit_app(t)
    assert [(line["_id"], line["_status"]) for line in saved(tmp_path)] == [("a", "skipped")]


def test_audio_item_with_a_missing_file_can_only_be_skipped(tmp_path, tmux_factory):
    write(tmp_path, [{"id": "a", "audio": "gone.wav"}, {"id": "b", "audio": "gone2.wav"}], AUDIO)
    t = start(tmux_factory, tmp_path, "audio file not found")
    t.send("Enter")
    t.wait_for("can only be skipped (ctrl+k)")
    time.sleep(0.3)
    assert saved(tmp_path) == []
    t.send("C-k")
    t.wait_for("2/2")
    quit_app(t)
    assert [(line["_id"], line["_status"]) for line in saved(tmp_path)] == [("a", "skipped")]


def test_prefilled_unknown_label_is_flagged_and_not_saved_as_is(tmp_path, tmux_factory):
    rows = [
        {"id": "a", "text": "a ticket", "labels": {"team": "shiping"}},
        {"id": "b", "text": "x"},
    ]
    write(tmp_path, rows, TRIAGE)
    t = start(tmux_factory, tmp_path, "a ticket")
    t.wait_for("pre-filled team='shiping' is not a label of this task")
    t.send("Enter")
    t.wait_for("Not saved: fix what is flagged above first")
    time.sleep(0.3)
    assert saved(tmp_path) == []
    t.send("3")  # the label meant
    t.wait_for("2/2")
    quit_app(t)
    assert [line["labels"] for line in saved(tmp_path)] == [{"team": "shipping"}]


def test_prefilled_overlapping_spans_are_flagged_and_not_saved_as_is(tmp_path, tmux_factory):
    labels = {
        "ents": [{"start": 0, "end": 9, "label": "PER"}, {"start": 4, "end": 12, "label": "ORG"}]
    }
    write(tmp_path, [{"id": "a", "text": "Ann works at Acme.", "labels": labels}], SPANS)
    t = start(tmux_factory, tmp_path, "Ann works at Acme.")
    t.wait_for("spans 0..9 (PER) and 4..12 (ORG) overlap")
    t.send("Enter")
    t.wait_for("Not saved: fix what is flagged above first")
    time.sleep(0.3)
    assert saved(tmp_path) == []
    t.send("BSpace")  # the cursor is on "Ann": removes PER 0..9
    t.wait_gone("overlap")
    t.send("Enter")
    t.wait_for("Saved the last item")
    quit_app(t)
    assert [line["labels"]["ents"] for line in saved(tmp_path)] == [
        [{"start": 4, "end": 12, "label": "ORG", "text": "works at"}]
    ]


def test_lone_surrogates_in_text_and_id_neither_crash_nor_reach_the_terminal(
    tmp_path, tmux_factory
):
    rows = [{"id": "x\ud800y", "text": "bad \udcff text here"}, {"id": "b", "text": "second"}]
    write(tmp_path, rows, TRIAGE)  # json.dumps writes the "\ud800" escapes
    t = start(tmux_factory, tmp_path, "text here")
    screen = t.screen()
    assert "bad \ufffd text here" in screen and "x\ufffdy" in screen  # one stand-in each
    t.send("2")
    t.wait_for("second")
    quit_app(t)
    raw = (tmp_path / "data.ann.jsonl").read_text(encoding="utf-8")
    line = json.loads(raw)
    assert line["_id"] == "x\ud800y" and line["labels"] == {"team": "bug"}
    assert "\\ud800" in raw  # the same escape written back
