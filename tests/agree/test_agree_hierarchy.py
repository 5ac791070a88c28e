"""Agreement on nested labels (FORMAT section 8): `levels` equal agree on files whose paths were
cut beforehand, `hierarchical_f1` equals a plain computation from Kiritchenko et al.'s
definition, and a worked example by hand."""

from __future__ import annotations

import itertools
import random
import tempfile
from pathlib import Path

import pytest
from agree_helpers import write_task

from labeltui.core.agree import agree_files
from labeltui.core.schema import parse_schema

SCHEMA = """\
tasks:
  - name: t
    kind: {kind}
    labels:
      - name: science
        children:
          - physics
          - name: biology
            children: [genetics, ecology]
      - sports
"""
PATHS = ["science", "science/physics", "science/biology", "science/biology/genetics",
         "science/biology/ecology", "sports"]  # fmt: skip


def agree(tmp: Path, values, kind: str, schema_text: str | None = None) -> dict:
    paths = write_task(tmp, values, ["ann", "bob", "cy"])
    schema = parse_schema(schema_text or SCHEMA.format(kind=kind))
    return agree_files(paths, schema=schema)["tasks"]["t"]


def test_worked_example_by_hand(tmp_path):
    values = [
        ["science/biology/genetics", "science/biology/ecology", None],
        ["science/physics", "science/physics", None],
        ["sports", "science", None],
        ["science/biology", "science/biology/genetics", None],
    ]
    out = agree(tmp_path, values, "choice")
    # ancestors added: shared 2 + 2 + 0 + 2 = 6; sizes (3+3) + (2+2) + (1+1) + (2+3) = 17
    assert out["hierarchical_f1"] == {"ann|bob": pytest.approx(12 / 17)}
    assert out["hierarchical_f1_mean"] == pytest.approx(12 / 17)
    assert sorted(out["levels"]) == ["1", "2", "3"]
    assert out["levels"]["1"]["percent_agreement"] == 0.75  # only sports/science differs
    assert out["levels"]["1"]["labels"] == ["science", "sports"]
    assert out["levels"]["3"]["percent_agreement"] == 0.25  # only physics agrees
    assert out["percent_agreement"] == 0.25  # the task itself: whole paths


def test_a_flat_task_has_no_hierarchy_keys(tmp_path):
    flat = "tasks:\n  - {name: t, kind: choice, labels: [x, y]}\n"
    out = agree(tmp_path, [["x", "x", "y"], ["y", "y", "y"]], "choice", flat)
    assert "levels" not in out and "hierarchical_f1" not in out


def ref_hf1(values: list[list], a: int, b: int, multi: bool) -> float | None:
    def extend(value) -> set[str]:
        out = set()
        for path in value if multi else [value]:
            parts = path.split("/")
            out.update("/".join(parts[:i]) for i in range(1, len(parts) + 1))
        return out

    shared = sizes = 0
    for row in values:
        if row[a] is None or row[b] is None:
            continue
        left, right = extend(row[a]), extend(row[b])
        shared += len(left & right)
        sizes += len(left) + len(right)
    return 2 * shared / sizes if sizes else None


def cut_value(value, depth: int, multi: bool):
    if value is None:
        return None

    def cut(path: str) -> str:
        return "/".join(path.split("/")[:depth])

    if not multi:
        return cut(value)
    return sorted({cut(p) for p in value}, key=lambda p: PATHS.index(p))


def flat_schema(kind: str, depth: int) -> str:
    labels = list(dict.fromkeys("/".join(p.split("/")[:depth]) for p in PATHS))
    quoted = ", ".join(f"'{label}'" for label in labels)
    return f"tasks:\n  - name: t\n    kind: {kind}\n    labels: [{quoted}]\n"


@pytest.mark.parametrize("kind", ["choice", "multi_choice"])
@pytest.mark.parametrize("seed", range(6))
def test_levels_and_hierarchical_f1_match_an_independent_computation(kind, seed):
    rng = random.Random(seed)
    multi = kind == "multi_choice"

    def draw():
        if rng.random() < 0.2:
            return None
        if multi:
            return sorted(rng.sample(PATHS, rng.randint(1, 3)), key=PATHS.index)
        return rng.choice(PATHS)

    values = [[draw() for _ in range(3)] for _ in range(rng.randint(12, 30))]
    with tempfile.TemporaryDirectory() as tmp:
        out = agree(Path(tmp), values, kind)
    for a, b in itertools.combinations(range(3), 2):
        key = "|".join(sorted((["ann", "bob", "cy"][a], ["ann", "bob", "cy"][b])))
        want = ref_hf1(values, a, b, multi)
        got = out["hierarchical_f1"][key]
        assert (got is None) if want is None else got == pytest.approx(want, abs=1e-12)
    for depth in (1, 2, 3):
        cut = [[cut_value(v, depth, multi) for v in row] for row in values]
        with tempfile.TemporaryDirectory() as tmp:
            want = agree(Path(tmp), cut, kind, flat_schema(kind, depth))
        got = out["levels"][str(depth)]
        for key in ("items", "percent_agreement", "fleiss_kappa", "krippendorff_alpha",
                    "cohen_kappa"):  # fmt: skip
            assert got[key] == pytest.approx(want[key], abs=1e-12), (depth, key)
