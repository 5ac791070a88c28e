"""Showing untrusted text (datasets, schemas, annotation files) inertly.

Text from a file may hold terminal escape sequences, other control characters and invisible
bidirectional controls. None of them is sent to the terminal as it is: each becomes exactly one
visible stand-in character, so a span editor can still map one code point to one shown
character (FORMAT section 6):

- C0 controls and DEL: their Unicode Control Picture (ESC -> "␛", BEL -> "␇", DEL -> "␡");
  tab and newline are kept, and `\\r\\n` shows as a plain line break.
- C1 controls (0x80-0x9F, including the one-byte CSI 0x9B): "�".
- Bidirectional controls (U+061C, U+200E, U+200F, U+202A-U+202E, U+2066-U+2069), which can
  make a terminal that reorders text show it in another order than it is stored: "◌" (a
  dotted circle, as the span editor shows every invisible character).
- Lone surrogates (U+D800-U+DFFF, from a `\\ud800` escape in JSON), which have no UTF-8 form
  and would crash a print: "�" (`visible_line`, for messages, prints the escape instead; a
  report that wants the escape applies `jsonl.printable` before `visible`).
- The line and paragraph separators U+2028 and U+2029, which terminals do not agree on: "⏎"
  (they stay on the line, so a one-line header or metadata line stays one line; the span
  editor, which lays lines out itself, breaks lines at them).

Rich markup is kept inert by the UI, which always wraps text in `rich.text.Text` (never
`from_markup`, never a markup-enabled `Static`).
"""

from __future__ import annotations

import re

#: What an invisible bidirectional control is shown as.
BIDI_STAND_IN = "\u25cc"  # ◌
#: The bidirectional controls: marks, embeddings, overrides and isolates.
BIDI_CONTROLS = frozenset(
    "\u061c\u200e\u200f\u202a\u202b\u202c\u202d\u202e\u2066\u2067\u2068\u2069"
)

_TABLE: dict[int, str] = {i: chr(0x2400 + i) for i in range(32) if i not in (9, 10)}
_TABLE[0x7F] = "\u2421"  # DEL -> ␡
_TABLE.update({i: "\ufffd" for i in range(0x80, 0xA0)})  # C1 controls (incl. CSI 0x9b) -> �
_TABLE.update({ord(c): BIDI_STAND_IN for c in BIDI_CONTROLS})
_TABLE.update({i: "\ufffd" for i in range(0xD800, 0xE000)})  # lone surrogates -> �
_TABLE.update({0x2028: "\u23ce", 0x2029: "\u23ce"})  # -> ⏎

_LINE_TABLE = {**_TABLE, 0x0A: "\u23ce", 0x09: "\u2409"}
"""For one-line places: also newline -> "⏎", tab -> "␉"."""
_SURROGATE = re.compile("[\ud800-\udfff]")


def stand_in(char: str) -> str:
    """The character shown for `char`: itself, or its one-character stand-in."""
    return _TABLE.get(ord(char), char) if len(char) == 1 else char


def visible(text: str) -> str:
    """`text` with every control character but tab and newline replaced by a stand-in.

    `\\r\\n` line ends show as plain line breaks; a lone `\\r` shows as "␍".
    """
    return text.replace("\r\n", "\n").translate(_TABLE)


def visible_line(text: str) -> str:
    """`text` inert and on one line: `visible`, and newlines as "⏎", tabs as "␉", a lone
    surrogate as its escape (`\\ud800`: it has no UTF-8 form, so printing it would crash).

    For names, titles and ids printed within a line (a command's summary, a message).
    """
    escaped = _SURROGATE.sub(lambda m: f"\\u{ord(m.group()):04x}", text)
    return escaped.replace("\r\n", "\n").translate(_LINE_TABLE)
