"""Item ids (FORMAT section 1).

An item's id is its `id` field (string or integer, as a string). Without one, it is a content
hash of the item's input fields, so the same item keeps its id when labels or other fields are
added to its line (an annotation file is also a dataset). The hash is part of the file contract
and must stay stable across releases: `"h"` + the first 16 hex digits of SHA-256 over the
compact JSON (sorted keys, UTF-8, no ASCII escaping) of the input fields that are present.
"""

from __future__ import annotations

import hashlib
import json
from typing import Any


class BadId(ValueError):
    """The `id` field is not a string or an integer."""


def item_id(obj: dict[str, Any], text_field: str = "text", audio_field: str = "audio") -> str:
    """The id of a decoded dataset line."""
    raw = obj.get("id")
    if raw is not None:
        if isinstance(raw, bool) or not isinstance(raw, (str, int)):
            raise BadId(f"'id' must be a string or an integer, not {type(raw).__name__}")
        try:
            return str(raw)
        except ValueError:  # an integer of thousands of digits (sys.set_int_max_str_digits)
            raise BadId("'id' is an integer of thousands of digits; write it as a string") from None
    return content_hash(obj, text_field, audio_field)


def content_hash(obj: dict[str, Any], text_field: str = "text", audio_field: str = "audio") -> str:
    """The documented, stable content hash of an item's input fields."""
    fields = {k: obj[k] for k in (text_field, audio_field) if k in obj}
    blob = json.dumps(fields, sort_keys=True, ensure_ascii=False, separators=(",", ":"))
    # surrogatepass: a lone surrogate (a "\ud800" escape in the line) has no UTF-8 form; valid
    # text encodes exactly as before, so every documented hash stays the same.
    return "h" + hashlib.sha256(blob.encode("utf-8", "surrogatepass")).hexdigest()[:16]
