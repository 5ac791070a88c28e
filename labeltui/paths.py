"""Where labeltui keeps files of its own (XDG cache), overridable for tests."""

from __future__ import annotations

import os
from pathlib import Path


def cache_dir() -> Path:
    """The cache folder: $LABELTUI_CACHE_DIR, else $XDG_CACHE_HOME/labeltui, else ~/.cache."""
    override = os.environ.get("LABELTUI_CACHE_DIR")
    if override:
        return Path(override)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "labeltui"
