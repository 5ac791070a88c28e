"""The annotate session and the review are one interface to the screens, `ItemQueue`, with
the same names for the same ideas (mypy checks the types: `_is_a_queue` in each module)."""

from __future__ import annotations

import json
from pathlib import Path

import pytest
from review_helpers import TEXTS, TRIAGE

from labeltui.core.queue import ItemQueue
from labeltui.core.session import open_session

MEMBERS = [name for name in ItemQueue.__dict__ if not name.startswith("_")]
MEMBERS += list(ItemQueue.__annotations__)  # position, saves


@pytest.fixture
def queues(triage, make_review, tmp_path: Path):
    """(session, review) over the same five items, nothing answered yet."""
    files, schema = triage
    review = make_review(files, schema, only_disagreements=False)
    dataset = tmp_path / "items.jsonl"
    rows = [{"id": ident, "text": text} for ident, text in TEXTS.items()]
    dataset.write_text("".join(json.dumps(row) + "\n" for row in rows))
    schema_file = tmp_path / "annotate.schema.yaml"
    schema_file.write_text(TRIAGE)
    session = open_session(dataset, schema_file, "ann", tmp_path / "ann.out.jsonl")
    session.index.scan_all()
    yield session, review
    session.close()


def test_the_protocol_names_what_the_screens_use():
    used = {"position", "saves", "store", "schema", "empty", "editor_item", "values", "status"}
    used |= {"go", "next", "previous", "next_unanswered", "save", "undo", "remaining", "close"}
    assert set(MEMBERS) == used


def test_session_and_review_have_every_member_and_no_second_name(queues):
    for queue in queues:
        assert [name for name in MEMBERS if not hasattr(queue, name)] == []
        for old in ("next_unlabelled", "next_unreviewed", "next_without_line", "reviewed"):
            assert not hasattr(queue, old)


def walk(queue: ItemQueue) -> list[object]:
    """The same moves through the interface alone, as the screens make them."""
    first = queue.editor_item().text
    seen: list[object] = [queue.position, queue.status(), queue.remaining(), queue.empty]
    seen.append(isinstance(queue.save({"team": "bug"}), list))  # whom the line credits
    seen += [queue.position, queue.saves, queue.remaining()]
    seen.append(queue.next_unanswered())
    seen.append(queue.undo())
    seen += [queue.position, queue.status(), queue.saves, queue.remaining()]
    seen.append(queue.editor_item().text == first)
    return seen


def test_a_session_and_a_review_answer_the_same_moves_alike(queues):
    session, review = queues
    expected = [0, None, 5, False, True, 1, 1, 4, True, True, 0, None, 0, 5, True]
    assert walk(session) == expected
    assert walk(review) == expected
