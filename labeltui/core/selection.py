"""`--where FIELD=VALUE` and `--sort [-]FIELD`: which items a session shows, and in what order.

Both read one field of each line while the index scans it, so they cost no extra pass and never
hold items in memory: a filter keeps an item's offsets only when every condition matches, and a
sort keeps one float per item, then reorders the index's arrays once the scan is complete (so a
sorted session waits for the whole file to be indexed: about 4.5 s per million lines).

A condition compares the field's value as text: a string as it is, anything else as compact
JSON (`--where lang=de`, `--where score=0.5`, `--where reviewed=true`, `--where meta.src=web`
for a nested field). A sort field must be numeric; items without it come last in either order.
"""

from __future__ import annotations

import json
import math
from dataclasses import dataclass
from typing import Any

from labeltui.errors import LabeltuiError

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


@dataclass(frozen=True)
class Where:
    """All conditions must hold for an item to be shown."""

    conditions: tuple[tuple[str, str], ...]

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
        for name, wanted in self.conditions:
            value = field_value(obj, name)
            if value is _MISSING or _as_text(value) != wanted:
                return False
        return True


@dataclass(frozen=True)
class SortKey:
    """Order items by a numeric field; `descending` for `-FIELD`."""

    field: str
    descending: bool = False

    @classmethod
    def parse(cls, spec: str | None) -> SortKey | None:
        if not spec:
            return None
        descending = spec.startswith("-")
        name = spec.lstrip("-").strip()
        if not name:
            raise LabeltuiError(f"--sort {spec!r}: name a numeric field, e.g. --sort -confidence")
        return cls(name, descending)

    def value(self, obj: dict[str, Any]) -> float:
        """The item's sort value; NaN when missing or not a number."""
        value = field_value(obj, self.field)
        if isinstance(value, bool) or not isinstance(value, (int, float)):
            return math.nan
        return float(value)

    def order(self, values: Any) -> Any:
        """A stable permutation that sorts `values` (NaN last in both directions)."""
        import numpy as np

        keys = np.asarray(values, dtype=np.float64)
        missing = np.isnan(keys)
        keys = np.where(missing, 0.0, -keys if self.descending else keys)
        return np.lexsort((keys, missing))
