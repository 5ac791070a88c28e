"""Writing annotation files (FORMAT section 3) from label matrices, for the agree tests."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

MISSING = ("absent", "null", "skipped", "replaced")
"""How a missing label is written: no line, a null value, a skipped line, or a done line later
replaced by a skipped one."""


def line(ann: str, item: str, labels: dict | None, status: str = "done", **extra: Any) -> str:
    obj: dict[str, Any] = {"text": f"text of {item}", **extra}
    if labels is not None:
        obj["labels"] = labels
    obj.update({"_id": item, "_annotator": ann, "_status": status, "_ts": "2026-01-01T00:00:00Z"})
    return json.dumps(obj, ensure_ascii=False) + "\n"


def write_task(
    folder: Path,
    values: list[list[Any]],
    annotators: list[str],
    task: str = "t",
    missing: str = "absent",
    one_file: bool = False,
) -> list[Path]:
    """values[item][annotator]: the value, or None for "not labelled" (written per `missing`).

    Every label is written twice: first a wrong value, then the real one, so only the last
    line can count.
    """
    texts = {a: [] for a in annotators}
    for i, row in enumerate(values):
        item = f"i{i}"
        for ann, value in zip(annotators, row, strict=True):
            out = texts[ann]
            if value is None:
                if missing == "null":
                    out.append(line(ann, item, {task: None}))
                elif missing == "skipped":
                    out.append(line(ann, item, {}, status="skipped"))
                elif missing == "replaced":
                    out.append(line(ann, item, {task: "bogus"}))
                    out.append(line(ann, item, {task: "bogus"}, status="skipped"))
                continue
            out.append(line(ann, item, {task: value}, status="skipped"))
            out.append(line(ann, item, {task: value}))
    if one_file:
        path = folder / "all.jsonl"
        path.write_text("".join("".join(t) for t in texts.values()), encoding="utf-8")
        return [path]
    paths = []
    for ann, parts in texts.items():
        path = folder / f"data.{ann}.jsonl"
        path.write_text("".join(parts), encoding="utf-8")
        paths.append(path)
    return paths
