"""JSON integers read from a block's bytes with NumPy, a whole column at a time (shape.py).

A number between two fixed runs of a line's shape (`_ms`, or any number in an item field) is
checked as a JSON integer (`-?(0|[1-9][0-9]*)`, at most 18 bytes: anything else, a float
included, leaves the line to the full parse) and, for `stats`' `_ms`, read. Up to 8 bytes a
number is one 8-byte word, checked and read with word arithmetic (SWAR) instead of a matrix of
its bytes.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:
    from labeltui.core.agree.reading.shape import BlockScan

WORD_MASKS = np.array([(1 << (8 * r)) - 1 for r in range(9)], dtype=np.uint64)
"""WORD_MASKS[r] keeps the first r bytes of a little-endian 8-byte word."""
_WORD_MASKS = WORD_MASKS
_MAX_DIGITS = 18
"""Integers up to this many bytes are read exactly as int64; longer ones: the full parse."""

_ONES = 0x0101010101010101
_HIGH = np.uint64(0xF0 * _ONES)
_ZEROS = np.uint64(0x30 * _ONES)
_SIX = np.uint64(0x06 * _ONES)


def valid_integers(scan: BlockScan, begin: np.ndarray, end: np.ndarray) -> np.ndarray:
    """Whether each [begin, end) holds a JSON integer (`-?(0|[1-9][0-9]*)`) of at most
    `_MAX_DIGITS` bytes. Up to 8 bytes, the bytes of a number are checked as one word: a byte
    is a digit when its high half is 3 and adding 6 keeps it so (a carry between bytes needs
    a byte >= 0xFA, which fails the first test)."""
    length = end - begin
    ok = (length >= 1) & (length <= _MAX_DIGITS)
    if bool((length > 8).any()):
        return ok & _valid_long(scan, begin, length, ok)
    word = scan.words[begin]
    minus = (word & np.uint64(0xFF)) == ord("-")
    word = np.where(minus, word >> np.uint64(8), word)
    digits = length - minus
    mask = _WORD_MASKS[np.clip(digits, 0, 8)]
    zeros = _ZEROS & mask
    ok &= digits >= 1
    ok &= (word & _HIGH & mask) == zeros
    ok &= ((word + _SIX) & _HIGH & mask) == zeros
    ok &= ((word & np.uint64(0xFF)) != ord("0")) | (digits == 1)  # no leading zero
    return ok


def _valid_long(
    scan: BlockScan, begin: np.ndarray, length: np.ndarray, ok: np.ndarray
) -> np.ndarray:
    safe_begin = np.where(ok, begin, 0)
    width = int(length[ok].max()) if bool(ok.any()) else 1
    cols = np.arange(width)
    idx = safe_begin[:, None] + cols
    digits = scan.data[np.minimum(idx, len(scan.data) - 1)]
    inside = cols < length[:, None]
    minus = digits[:, 0] == ord("-")
    is_digit = (digits - ord("0")) <= 9  # uint8: one comparison for both bounds
    first_digit = minus.astype(np.int64)
    expect_digit = inside & ~((cols == 0) & minus[:, None])
    good = ~(expect_digit & ~is_digit).any(axis=1)
    good &= length > first_digit  # "-" alone
    # no leading zero: "0" alone, or a first digit that is not 0
    lead = digits[np.arange(len(begin)), np.minimum(first_digit, width - 1)]
    good &= (lead != ord("0")) | (length == first_digit + 1)
    return good


_M8 = np.uint64(0x000000FF000000FF)


def integers(scan: BlockScan, begin: np.ndarray, end: np.ndarray) -> np.ndarray:
    """The values of integers checked by `valid_integers` (float64: stats wants floats).

    Up to 8 bytes, each number is one word: its digits are moved to the top bytes, the free
    low bytes filled with "0", and the 8 digits combined pairwise by multiplication (the
    SWAR parse of simdjson's `parse_eight_digits_unrolled`)."""
    length = end - begin
    if not len(length):
        return np.zeros(0, dtype=np.float64)
    if bool((length > 8).any()):
        return _long_integers(scan, begin, length)
    word = scan.words[begin]
    minus = (word & np.uint64(0xFF)) == ord("-")
    word = np.where(minus, word >> np.uint64(8), word)
    digits = (length - minus).astype(np.uint64)
    shift = (np.uint64(8) - digits) * np.uint64(8)
    word = (word & _WORD_MASKS[digits.astype(np.int64)]) << shift  # last digit on top
    word |= np.uint64(0x30 * _ONES) & ~(np.uint64(0xFFFFFFFFFFFFFFFF) << shift)  # "0"s
    val = word - np.uint64(0x30 * _ONES)
    val = val * np.uint64(10) + (val >> np.uint64(8))
    val = (
        (val & _M8) * np.uint64(100 + (1000000 << 32))
        + ((val >> np.uint64(16)) & _M8) * np.uint64(1 + (10000 << 32))
    ) >> np.uint64(32)
    value = val.astype(np.int64)
    return np.where(minus, -value, value).astype(np.float64)


def _long_integers(scan: BlockScan, begin: np.ndarray, length: np.ndarray) -> np.ndarray:
    width = int(length.max())
    cols = np.arange(width)
    idx = begin[:, None] + cols
    digits = scan.data[np.minimum(idx, len(scan.data) - 1)].astype(np.int64) - ord("0")
    minus = digits[:, 0] == ord("-") - ord("0")
    valid = (cols < length[:, None]) & ~((cols == 0) & minus[:, None])
    digits = np.where(valid, digits, 0)
    # place value: a digit's power of ten counts from the end of its number
    power = length[:, None] - 1 - cols
    value = (digits * np.power(10, np.clip(power, 0, 18), dtype=np.int64)).sum(axis=1)
    return np.where(minus, -value, value).astype(np.float64)
