"""Hypothesis strategies for texts that break naive offset code."""

from __future__ import annotations

from hypothesis import strategies as st

TRICKY = [
    "Barack",
    "Obama",
    "São",
    "Paulo",
    "e\u0301te\u0301",  # decomposed accents
    "na\u0308ive",
    "中文",
    "東京",
    "😀",
    "👍🏽",  # skin tone
    "👨\u200d👩\u200d👧",  # ZWJ family
    "🏳️\u200d🌈",
    "🇫🇷",
    "🇩🇪🇯🇵",
    "1️⃣",
    "❤️",
    "\u0915\u094d\u0937\u093f",  # Devanagari conjunct with a vowel sign
    "שלום",
    "مرحبا",
    "\u202e",  # right-to-left override
    "\u200b",
    "\ufeff",
    "\t",
    "\r\n",
    "\n",
    "\r",
    "\x1b[2J",
    "\x00",
    "\x85",
    "[bold red]x[/]",
    "\u0301",  # a mark with no base
    "각",
    "\u1100\u1161\u11a8",  # conjoining jamo
    ",",
    ".",
    "-",
    "'",
    "_",
    "  ",
    "\u3000",
]

pieces = st.one_of(
    st.sampled_from(TRICKY),
    st.text(min_size=1, max_size=4),
    st.sampled_from([" ", " ", " "]),
)
#: Arbitrary Unicode, weighted towards clusters, marks, wide characters and line ends.
texts = st.lists(pieces, max_size=24).map("".join)
