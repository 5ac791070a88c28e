"""Tokens for span selection and CoNLL export.

A token is a run of letters and digits (`\\w+`, Unicode-aware) or a single other non-space
character; whitespace is never part of a token. `chars` mode (for scripts written without
spaces, such as Chinese or Japanese) makes every non-space character a token. Offsets are Python
`str` indices (code points), `end` exclusive.
"""

from __future__ import annotations

import re
from typing import NamedTuple

_WORDS = re.compile(r"\w+|[^\w\s]")
_CHARS = re.compile(r"\S")


class Token(NamedTuple):
    """A token's code-point range in the original text."""

    start: int
    end: int


def tokenize(text: str, mode: str = "words") -> list[Token]:
    """Split `text` into tokens; `mode` is `words` (default) or `chars`."""
    pattern = _CHARS if mode == "chars" else _WORDS
    return [Token(m.start(), m.end()) for m in pattern.finditer(text)]
