"""Every audio test gets its own envelope cache folder (LABELTUI_CACHE_DIR)."""

from __future__ import annotations

import pytest

from labeltui.core.audio.playback import Player


@pytest.fixture(autouse=True)
def cache_dir(tmp_path, monkeypatch):
    path = tmp_path / "cache"
    monkeypatch.setenv("LABELTUI_CACHE_DIR", str(path))
    return path


@pytest.fixture
def silent_player(monkeypatch) -> Player:
    """A player on a machine without sounddevice (the usual case over SSH)."""
    import sys

    monkeypatch.setitem(sys.modules, "sounddevice", None)  # import raises ImportError
    return Player()
