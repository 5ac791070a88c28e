"""`--where FIELD=VALUE` and `--sort [-]FIELD`: which items a session shows, and in what order.

Both read one field of each line while the index scans it, so they cost no extra pass and never
hold items in memory: a filter keeps an item's offsets only when every condition matches, and a
sort keeps one float per item, then reorders the index's arrays once the scan is complete (so a
sorted session waits for the whole file to be indexed: about 4.5 s per million lines).

A condition compares the field's value as text: a string as it is, anything else as compact
JSON (`--where lang=de`, `--where score=0.5`, `--where reviewed=true`, `--where meta.src=web`
for a nested field). A sort field must be numeric; items without it come last in either order.
`--sort suggestions` is the one name that is not a field: it orders by how certain the items'
suggestions are (`core.suggestions`), least certain first.

Both keep a few counts while the index scans, so that a selection that shows nothing can say
why (`Where.why_none`, `SortKey.why_none`) instead of opening on an empty screen.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass, field
from dataclasses import field as _field
from itertools import repeat
from typing import TYPE_CHECKING, Any

from labeltui.core.display import visible_line
from labeltui.errors import LabeltuiError

if TYPE_CHECKING:
    from labeltui.core.schema import Schema, Task

_MISSING = object()


def field_value(obj: dict[str, Any], path: str) -> Any:
    """The value at a dotted path (`meta.src`), or a sentinel when absent."""
    value: Any = obj
    for part in path.split("."):
        if not isinstance(value, dict) or part not in value:
            return _MISSING
        value = value[part]
    return value


def _as_text(value: Any) -> str:
    if isinstance(value, str):
        return value
    return json.dumps(value, ensure_ascii=False, separators=(",", ":"))


def _quoted(value: str, limit: int = 40) -> str:
    """A value from the data, quoted, inert and short, for a message."""
    return repr(value if len(value) <= limit else value[: limit - 1] + "…")


@dataclass(frozen=True)
class Where:
    """All conditions must hold for an item to be shown."""

    conditions: tuple[tuple[str, str], ...]
    present: list[int] = field(default_factory=list, compare=False, repr=False)
    """Per condition: how many items `matches` saw with its field."""
    matched: list[int] = field(default_factory=list, compare=False, repr=False)
    """Per condition: how many items it matched (on its own)."""
    examples: list[str | None] = field(default_factory=list, compare=False, repr=False)
    """Per condition: the first value its field had, as text (for the message)."""

    def __post_init__(self) -> None:
        for counts in (self.present, self.matched):
            counts[:] = [0] * len(self.conditions)
        self.examples[:] = [None] * len(self.conditions)

    @classmethod
    def parse(cls, specs: list[str] | None) -> Where | None:
        if not specs:
            return None
        conditions = []
        for spec in specs:
            name, sep, value = spec.partition("=")
            if not sep or not name.strip():
                raise LabeltuiError(f"--where {spec!r}: write it as FIELD=VALUE")
            conditions.append((name.strip(), value))
        return cls(tuple(conditions))

    def matches(self, obj: dict[str, Any]) -> bool:
        """Whether every condition holds (each is looked at, to keep the counts)."""
        ok = True
        for i, (name, wanted) in enumerate(self.conditions):
            value = field_value(obj, name)
            if value is _MISSING:
                ok = False
                continue
            self.present[i] += 1
            text = _as_text(value)
            if self.examples[i] is None:
                self.examples[i] = text
            if text == wanted:
                self.matched[i] += 1
            else:
                ok = False
        return ok

    def why_none(self, total: int) -> str:
        """Why none of `total` items matched: the conditions that matched none and what their
        field held instead, or that the conditions match only apart."""
        items = f"{total} item{'s' * (total != 1)}"
        parts = []
        for i, (name, wanted) in enumerate(self.conditions):
            if self.matched[i]:
                continue
            spec = visible_line(f"--where {name}={wanted}")
            if not self.present[i]:
                parts.append(f"{spec} matched none of the {items}: no item has a field {name!r}")
            else:
                example = _quoted(self.examples[i] or "")
                parts.append(
                    f"{spec} matched none of the {items} "
                    f"({self.present[i]} have {name!r}, the first is {example})"
                )
        if parts:
            return "; ".join(parts)
        alone = ", ".join(
            f"{visible_line(f'{name}={wanted}')}: {count}"
            for (name, wanted), count in zip(self.conditions, self.matched, strict=True)
        )
        return (
            f"the --where conditions matched none of the {items} together "
            f"(each alone matches some: {alone})"
        )


SUGGESTIONS = "suggestions"
"""`--sort suggestions`: by the certainty of the items' suggestions (`core.suggestions`), not
by a field's number: least certain first; `-suggestions`, most certain first; items without a
scored suggestion last either way."""


@dataclass(frozen=True)
class SortKey:
    """Order items by a numeric field; `descending` for `-FIELD`.

    `--sort suggestions` orders by `core.suggestions.uncertainty` instead: the key's value is
    the item's certainty (the best score of its least certain task), so ascending order puts
    the least certain first. It reads only the `suggestions` field (and, for spans values,
    the text), checking values against `tasks` when the caller has the schema; a field of the
    wrong shape raises `SuggestionsError` (the index adds the file and line).
    """

    field: str
    descending: bool = False
    # `field` is the class's first attribute here, so the dataclasses function goes by `_field`.
    tasks: tuple[Task, ...] | None = _field(default=None, compare=False, repr=False)
    """The schema's tasks (`--sort suggestions` checks values against them), or None."""
    text_field: str = _field(default="text", compare=False, repr=False)

    @classmethod
    def parse(cls, spec: str | None, schema: Schema | None = None) -> SortKey | None:
        if not spec:
            return None
        descending = spec.startswith("-")
        name = spec.lstrip("-").strip()
        if not name:
            raise LabeltuiError(f"--sort {spec!r}: name a numeric field, e.g. --sort -confidence")
        if schema is None:
            return cls(name, descending)
        return cls(name, descending, schema.tasks, schema.text_field)

    @property
    def by_suggestions(self) -> bool:
        return self.field == SUGGESTIONS

    def value(self, obj: dict[str, Any]) -> float:
        """The item's sort value; NaN when missing or not a number."""
        if self.by_suggestions:
            from labeltui.core.suggestions import item_uncertainty

            return 1.0 - item_uncertainty(self.tasks, obj, self.text_field)
        value = field_value(obj, self.field)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return math.nan
        return float(value)

    def values(self, objs: list[dict[str, Any]]) -> list[float]:
        """`value` of each object; a top-level field is taken by C-level maps (the dataset
        index's chunks: ten times faster than `value` per line)."""
        if self.by_suggestions or "." in self.field:
            return list(map(self.value, objs))
        nan = math.nan
        return [
            float(v) if type(v) is int or type(v) is float else nan
            for v in map(dict.get, objs, repeat(self.field))
        ]

    def numeric_count(self, values: Any) -> int:
        """How many of the sort values (one per item, NaN when missing) are numbers."""
        import numpy as np

        return int(len(values) - np.isnan(np.asarray(values, dtype=np.float64)).sum())

    def why_none(self, total: int, first: dict[str, Any] | None) -> str:
        """Why `--sort` cannot order any of `total` items: none has a number in the field
        (`first`, the first item, shows what the field holds when it is there)."""
        items = f"{total} item{'s' * (total != 1)}"
        spec = visible_line(f"--sort {'-' if self.descending else ''}{self.field}")
        if self.by_suggestions:
            return (
                f"{spec}: none of the {items} has a scored suggestion its task can hold "
                "(field 'suggestions', FORMAT section 9)"
            )
        value = _MISSING if first is None else field_value(first, self.field)
        found = ""
        if value is not _MISSING:
            found = f" (the first item has {_quoted(_as_text(value))})"
        return f"{spec}: none of the {items} has a number in field {self.field!r}{found}"

    def order(self, values: Any) -> Any:
        """A stable permutation that sorts `values` (NaN last in both directions)."""
        import numpy as np

        keys = np.asarray(values, dtype=np.float64)
        missing = np.isnan(keys)
        keys = np.where(missing, 0.0, -keys if self.descending else keys)
        return np.lexsort((keys, missing))
