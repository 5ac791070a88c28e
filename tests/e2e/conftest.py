"""The `tmux_factory` fixture: start the real command in tmux; every server is killed after."""

from __future__ import annotations

import pytest
from tmux_driver import Tmux


@pytest.fixture
def tmux_factory():
    opened: list[Tmux] = []

    def start(*args, **kwargs) -> Tmux:
        t = Tmux(*args, **kwargs)
        opened.append(t)
        return t

    yield start
    for t in opened:
        t.close()
