"""Showing untrusted dataset text inertly.

Dataset text may hold terminal escape sequences and other control characters. They are never
sent to the terminal: each becomes one visible stand-in character (Unicode Control Pictures,
e.g. ESC -> "␛"), so a span editor can still map one code point to one shown character. Rich
markup is kept inert by the UI, which always wraps text in `rich.text.Text` (never `from_markup`,
never a markup-enabled `Static`).
"""

from __future__ import annotations

_TABLE: dict[int, str] = {i: chr(0x2400 + i) for i in range(32) if i not in (9, 10)}
_TABLE[0x7F] = "\u2421"  # DEL -> ␡
_TABLE.update({i: "\ufffd" for i in range(0x80, 0xA0)})  # C1 controls (incl. CSI 0x9b) -> �


def stand_in(char: str) -> str:
    """The character shown for `char`: itself, or a visible stand-in for a control character."""
    return _TABLE.get(ord(char), char) if len(char) == 1 else char


def visible(text: str) -> str:
    """`text` with every control character but tab and newline replaced by a stand-in.

    `\\r\\n` line ends show as plain line breaks; a lone `\\r` shows as "␍".
    """
    return text.replace("\r\n", "\n").translate(_TABLE)
