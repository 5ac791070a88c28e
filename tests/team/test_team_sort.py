"""Claims in `--sort [-]FIELD` order: numbers first (ascending or descending), then items
without one, ties in dataset order, as `annotate --sort` orders a file."""

from __future__ import annotations

import pytest

from labeltui.core.team.outbox import TeamClient
from labeltui.core.team.project import init_project
from labeltui.errors import LabeltuiError


def _drain(client: TeamClient) -> list[str]:
    order = []
    while (got := client.claim()) is not None:
        order.append(got.item_id)
        client.save(got.data, got.item_id, {"team": "bug"})
    return order


def test_claims_follow_the_sort_field_descending(db_url, tickets, tmp_path):
    dataset, schema = tickets  # score = i % 5
    with dataset.open("a") as f:
        f.write('{"id": "none", "text": "no score"}\n{"id": "deep", "text": "x", "m": {"s": 9}}\n')
    init_project(db_url, "tickets", dataset, schema, overlap=2)
    ann = TeamClient(db_url, "tickets", "ann", tmp_path / "ann.jsonl", sort="-score")
    expected = sorted((f"t{i}" for i in range(12)), key=lambda t: (-(int(t[1:]) % 5), int(t[1:])))
    assert _drain(ann) == [*expected, "none", "deep"]
    assert ann._hint == 13  # every position done: the next search starts after them
    bob = TeamClient(db_url, "tickets", "bob", tmp_path / "bob.jsonl", sort="m.s")
    assert _drain(bob)[0] == "deep"  # a dotted path to a nested number
    ann.close()
    bob.close()


def test_a_sort_field_without_numbers_is_one_line(db_url, tickets, tmp_path):
    dataset, schema = tickets
    init_project(db_url, "tickets", dataset, schema)
    with pytest.raises(LabeltuiError, match="none of the 12 items has a number in field 'text'"):
        TeamClient(db_url, "tickets", "ann", tmp_path / "ann.jsonl", sort="text")


def test_items_added_later_join_the_sort_order(db_url, tickets, tmp_path):
    dataset, schema = tickets
    init_project(db_url, "tickets", dataset, schema)
    ann = TeamClient(db_url, "tickets", "ann", tmp_path / "ann.jsonl", sort="score")
    assert len(_drain(ann)) == 12
    with dataset.open("a") as f:
        f.write('{"id": "late", "text": "added later", "score": 1}\n')
    init_project(db_url, "tickets", dataset, schema)
    assert _drain(ann) == ["late"]
    ann.close()


def test_sort_suggestions_is_refused_in_one_line(db_url, tickets, tmp_path):
    """The server orders by a numeric field only; `--sort suggestions` says so instead of
    claiming that no item has a scored suggestion."""
    dataset, schema = tickets
    init_project(db_url, "tickets", dataset, schema)
    with pytest.raises(LabeltuiError, match="for dataset files only"):
        TeamClient(db_url, "tickets", "ann", tmp_path / "ann.jsonl", sort="suggestions")
