"""The small typed objects the core hands to the app."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True, slots=True)
class Item:
    """One dataset item, decoded on demand."""

    index: int
    """Position in the dataset (0-based, duplicates already dropped)."""
    id: str
    """The item id (FORMAT section 1)."""
    data: dict[str, Any] = field(compare=False)
    """The decoded line, every field as it was."""
    text: str | None = None
    """The schema's text field, when the item has one."""
    audio: str | None = None
    """The schema's audio field resolved to a path (relative to the dataset's folder)."""
    line: int = 0
    """1-based line number in the dataset file."""

    @property
    def prefilled(self) -> dict[str, Any]:
        """Pre-annotations: the input's own `labels` object, or nothing."""
        labels = self.data.get("labels")
        return labels if isinstance(labels, dict) else {}
