"""The run over blocks in worker processes: errors keep their line, nothing is left behind."""

from __future__ import annotations

import pytest
from suggest_helpers import SCHEMA, write, write_dataset

from labeltui.core import suggest as core
from labeltui.errors import LabeltuiError

RULES = "rules:\n  - {name: r, task: team, label: billing, any: [refund]}\n"


def _plan(folder, combine="majority"):
    return core.plan(
        folder / "data.jsonl", folder / "schema.yaml", [folder / "rules.yaml"], [], combine
    )


@pytest.mark.parametrize("combine", ["majority", "dawid-skene"])
def test_a_bad_line_in_a_later_block_names_its_line_and_nothing_is_written(tmp_path, combine):
    write(tmp_path, "schema.yaml", SCHEMA)
    write(tmp_path, "rules.yaml", RULES)
    rows = [{"id": i, "text": f"refund {i}"} for i in range(3000)]
    path = write_dataset(tmp_path, rows)
    lines = path.read_text().splitlines()
    lines.insert(2500, "")  # a blank line counts in the numbering
    lines[2800] = "{broken"
    path.write_text("\n".join(lines) + "\n")
    with pytest.raises(LabeltuiError) as caught:
        core.run(_plan(tmp_path, combine), tmp_path / "out.jsonl", False, 3, parallel_bytes=1)
    assert caught.value.line == 2801
    assert caught.value.path == str(path)
    assert sorted(p.name for p in tmp_path.iterdir()) == ["data.jsonl", "rules.yaml", "schema.yaml"]


def test_progress_reaches_the_end(tmp_path):
    write(tmp_path, "schema.yaml", SCHEMA)
    write(tmp_path, "rules.yaml", RULES)
    write_dataset(tmp_path, [{"id": i, "text": "refund"} for i in range(2000)])
    seen: list[tuple[int, int]] = []
    out = core.run(
        _plan(tmp_path, "dawid-skene"),
        tmp_path / "out.jsonl",
        False,
        2,
        progress=lambda done, total: seen.append((done, total)),
        parallel_bytes=1,
    )
    assert out.items == 2000
    total = seen[-1][1]
    assert total == 2 * (tmp_path / "data.jsonl").stat().st_size  # two passes
    assert seen[-1][0] == total
    assert [d for d, _ in seen] == sorted(d for d, _ in seen)
