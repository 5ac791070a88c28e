"""Review's own line-by-line reader: every line judged by `AnnotationLine`, as review always
judged it, into the same integer table the shared reader fills (`AnnotationTable`).

`load` uses it where the shared reader's rules differ from review's (see `load`'s docstring):
about 2 us a line, against the shared reader's forked, block-at-a-time parse.
"""

from __future__ import annotations

from typing import Any

import numpy as np

from labeltui.core.agree.reading import AnnotationTable, TaskColumn
from labeltui.core.annotations.line import AnnotationLine
from labeltui.core.annotations.parse import BadLine
from labeltui.core.review.lines import Lines
from labeltui.core.schema import Schema
from labeltui.errors import LabeltuiError


def careful_table(lines: Lines, schema: Schema) -> AnnotationTable:
    """Every line by review's own rules (`AnnotationLine`), one at a time, into a table."""
    text_field, audio_field = schema.text_field, schema.audio_field
    who: dict[str, int] = {}
    ids: dict[str, int] = {}
    ann: list[int] = []
    item: list[int] = []
    done: list[bool] = []
    files: list[int] = []
    numbers: list[int] = []
    tasks = {task.name: _Coder() for task in schema.tasks}
    for index, path in enumerate(lines.paths):
        for number, obj in lines.scan(index):
            try:
                line = AnnotationLine.of(obj, text_field, audio_field)
            except BadLine as exc:
                raise LabeltuiError(exc.message, path, number) from None
            if line.annotator is None:
                raise LabeltuiError(
                    "no '_annotator' on this line; review reads annotation files "
                    "(labeltui annotate writes them)",
                    path,
                    number,
                )
            ann.append(who.setdefault(line.annotator, len(who)))
            item.append(ids.setdefault(line.id, len(ids)))
            done.append(line.done)
            files.append(index)
            numbers.append(number)
            for name, coder in tasks.items():
                coder.add(line.labels.get(name) if line.done else None)
    return AnnotationTable(
        paths=[str(p) for p in lines.paths],
        annotators=list(who),
        item_ids=list(ids),
        ann=np.array(ann, dtype=np.int32),
        item=np.array(item, dtype=np.int32),
        done=np.array(done, dtype=bool),
        file=np.array(files, dtype=np.int16),
        line=np.array(numbers, dtype=np.int32),
        tasks={
            name: TaskColumn(np.array(c.codes, dtype=np.int32), c.values)
            for name, c in tasks.items()
        },
    )


class _Coder:
    """Values to codes (-1: none); equal strings and equal lists of strings share one."""

    def __init__(self) -> None:
        self.index: dict[Any, int] = {}
        self.values: list[Any] = []
        self.codes: list[int] = []

    def add(self, value: Any) -> None:
        if value is None:
            self.codes.append(-1)
            return
        key: Any = None
        if type(value) is str:
            key = value
        elif type(value) is list and all(type(v) is str for v in value):
            key = tuple(value)
        code = self.index.get(key) if key is not None else None
        if code is None:
            code = len(self.values)
            self.values.append(value)
            if key is not None:
                self.index[key] = code
        self.codes.append(code)
