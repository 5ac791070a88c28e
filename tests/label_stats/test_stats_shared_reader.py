"""`stats` on the reader `agree` uses: big inputs read by forked processes give the same
numbers as one process, and the extras stats asks for (`_ms`, `_ts`, dataset and gold lines)
cross the process boundary intact."""

from __future__ import annotations

import json

import numpy as np
from stats_helpers import generate

from labeltui.core.agree.reading import read as reader
from labeltui.core.agree.reading.extras import block_times, ms_column
from labeltui.core.label_stats import label_stats


def test_forked_reading_gives_the_same_numbers(tmp_path, monkeypatch):
    paths, _ = generate(tmp_path, 3)
    dataset = tmp_path / "pre.jsonl"
    dataset.write_text(
        "".join(
            json.dumps({"id": f"d{i % 40}", "text": "x", "labels": {"team": "bug"}}) + "\n"
            for i in range(200)  # 40 items, each repeated: the first line of an item wins
        )
    )
    gold = tmp_path / "gold.jsonl"
    gold.write_text(
        "".join(
            json.dumps(
                {
                    "_id": f"g{i}",
                    "_annotator": "rev",
                    "_status": "done",
                    "_from": ["ann"],
                    "labels": {"team": "billing"},
                }
            )
            + "\n"
            for i in range(300)
        )
    )
    files = [*paths, dataset, gold]
    serial = label_stats(files)
    forks: list[object] = []
    real_fork = reader.fork

    def counting_fork(function, argument):
        forks.append(argument)
        return real_fork(function, argument)

    monkeypatch.setattr(reader, "PARALLEL_BYTES", 0)
    monkeypatch.setattr(reader, "MIN_PIECE_BYTES", 500)
    monkeypatch.setattr(reader.workers_module, "cores", lambda: 3)
    monkeypatch.setattr(reader, "fork", counting_fork)
    forked = label_stats(files)
    assert len(forks) == 2  # stats read by the shared reader, one process per core
    assert forked == serial
    assert forked["annotators"]["pre (pre-annotations)"]["done"] == 40
    assert forked["annotators"]["rev (gold)"]["gold"] is True
    assert "rev" not in forked["annotators"]


def test_first_and_last_times_are_compared_as_times():
    ann = np.zeros(3, dtype=np.int32)
    fixed = ["2026-01-05T10:00:00.000Z", "2026-01-05T08:00:00.000Z", "2026-01-05T09:00:00.000Z"]
    span = block_times(ann, fixed, True)[0]
    assert span.first[1] == fixed[1] and span.last[1] == fixed[0]
    mixed = ["2026-01-05T10:00:00.000Z", "2026-01-05T09:30:00+02:00", "garbage"]
    span = block_times(ann, mixed, True)[0]  # 09:30+02:00 is 07:30Z: earlier, not later
    assert span.first[1] == mixed[1] and span.last[1] == mixed[0]


def test_ms_column_keeps_only_milliseconds():
    got = ms_column([1000, 2.5, -1, None, True, "7", float("inf"), 10**400])
    assert got[:2].tolist() == [1000.0, 2.5]
    assert np.isnan(got[2:]).all()
