"""`stats`' first and last `_ts` per annotator (reading/times.py): the chunked NumPy path gives
what adding every time one line after another gives, texts as written included."""

from __future__ import annotations

import random

import numpy as np
import pytest

from labeltui.core.agree.reading import times
from labeltui.core.agree.reading.times import TimeCollector, TimeSpan, add_time, parse_ts


def one_by_one(blocks: list[tuple[list[int], list[object]]]) -> dict[int, TimeSpan]:
    """The reference: every time parsed and added in the order of the lines."""
    spans: dict[int, TimeSpan] = {}
    for codes, texts in blocks:
        for code, text in zip(codes, texts, strict=True):
            if type(text) is str:
                when = parse_ts(text)
                if when is not None:
                    add_time(spans, code, when, text)
    return spans


def collected(blocks: list[tuple[list[int], list[object]]]) -> dict[int, TimeSpan]:
    collector = TimeCollector()
    for codes, texts in blocks:
        single = len(set(codes)) == 1
        collector.add_block(np.array(codes, dtype=np.int32), list(texts), single)
    return collector.finish()


def fixed(rng: random.Random) -> str:
    return (
        f"2026-{rng.randint(1, 12):02d}-{rng.randint(1, 28):02d}T{rng.randint(0, 23):02d}:"
        f"{rng.randint(0, 59):02d}:{rng.randint(0, 59):02d}.{rng.randint(0, 999):03d}Z"
    )


ODD = [
    "2026-01-05T09:30:00+02:00",  # another zone: earlier than it reads
    "2026-01-05T07:30:00.000+00:00",
    "2026-13-05T10:00:00.000Z",  # the form, but no time (month 13)
    "2026-01-05T10:00:00.000",  # 23 characters, no zone (UTC)
    "Z2026-01-05T10:00:00.000Z",  # 25 characters: with the one above, 48 as two of the form
    "2026-01-05T10:00:00.000Z\n",
    "2026-01-05 23:00:00.000Z",  # the form's length, a space for the T: sorts before 01:00
    "2026-01-05T10:00:00+0100",  # the form's length, another zone
    "2026-01-05T1０:00:00.000Z",  # a full-width digit: the form's length, not its bytes
    "garbage",
    "",
    None,
    12,
]


def blocks_of(rng: random.Random, odd: float, mixed: float) -> list[tuple[list[int], list]]:
    out = []
    for _ in range(rng.randint(1, 40)):
        n = rng.randint(1, 60)
        one = rng.randint(0, 2)
        codes = [rng.randint(0, 2) if rng.random() < mixed else one for _ in range(n)]
        texts = [rng.choice(ODD) if rng.random() < odd else fixed(rng) for _ in range(n)]
        out.append((codes, texts))
    return out


@pytest.mark.parametrize("chunk", [1, 7, 100, 1 << 15])
@pytest.mark.parametrize(("odd", "mixed"), [(0.0, 0.0), (0.02, 0.0), (0.0, 0.05), (0.1, 0.1)])
def test_chunks_give_what_line_by_line_gives(monkeypatch, chunk, odd, mixed):
    monkeypatch.setattr(times, "TIME_CHUNK", chunk)
    for seed in range(30):
        blocks = blocks_of(random.Random(seed), odd, mixed)
        assert collected(blocks) == one_by_one(blocks), seed


def test_equal_times_keep_the_text_the_order_of_lines_gives():
    """The first of equal earliest times and the last of equal latest times are kept, as
    written, whichever path reads them."""
    z, offset = "2026-01-05T10:00:00.000Z", "2026-01-05T10:00:00+00:00"
    blocks = [([0, 0], [z, z]), ([0], [offset]), ([0, 0], [z, z])]
    span = collected(blocks)[0]
    assert span == one_by_one(blocks)[0]
    assert span.first[1] == z and span.last[1] == z
    blocks = [([0], [offset]), ([0, 0], [z, z])]
    assert collected(blocks)[0].first[1] == offset


def test_misaligned_texts_are_not_read_as_the_form():
    """23 + 25 characters are 48, two texts' worth: each is still judged on its own."""
    blocks = [([0, 0], ["2026-01-05T10:00:00.000", "Z2026-01-09T10:00:00.000Z"])]
    span = collected(blocks)[0]
    assert span.first[1] == span.last[1] == "2026-01-05T10:00:00.000"
    with_newline = ["2026-01-05T10:00:00.000Z\n", "2026-01-06T10:00:00.00Z"]  # 25 + 23
    blocks = [([0, 0], with_newline)]
    assert collected(blocks) == one_by_one(blocks)


def test_a_time_of_the_forms_length_in_another_form_is_compared_as_a_time():
    blocks = [([0] * 3, ["2026-01-05T10:00:00.000Z", "2026-01-05 23:00:00.000Z",
                         "2026-01-05T10:30:00+0100"])]  # fmt: skip
    span = collected(blocks)[0]
    assert span.first[1] == "2026-01-05T10:30:00+0100"  # 09:30Z
    assert span.last[1] == "2026-01-05 23:00:00.000Z"


def test_the_earliest_and_latest_are_found_across_chunks_and_annotators(monkeypatch):
    monkeypatch.setattr(times, "TIME_CHUNK", 3)
    blocks = [
        ([0, 0], ["2026-03-01T00:00:00.000Z", "2026-01-01T00:00:00.000Z"]),
        ([1, 1], ["2025-12-31T23:59:59.999Z", "2026-02-01T00:00:00.000Z"]),
        ([0, 0], ["2026-05-01T00:00:00.000Z", "2026-02-01T00:00:00.000Z"]),
    ]
    spans = collected(blocks)
    assert (spans[0].first[1], spans[0].last[1]) == (
        "2026-01-01T00:00:00.000Z",
        "2026-05-01T00:00:00.000Z",
    )
    assert spans[1].first[1] == "2025-12-31T23:59:59.999Z"
