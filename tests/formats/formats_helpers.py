"""Independent readings of the shared real files, and a strict checker of TextGrid output.

Nothing here uses labeltui's readers: the tests compare labeltui against these.
"""

from __future__ import annotations

import codecs
import json
import re
from pathlib import Path

SHARED = Path(__file__).resolve().parents[1] / "data" / "formats"
"""Real files other tools wrote, copied from the project's shared/formats with their
PROVENANCE.md (licences kept), so that every clone runs these tests."""


def shared(*parts: str) -> Path:
    return SHARED.joinpath(*parts)


def raw_lines(path: Path) -> list[dict]:
    """Every non-blank line of a JSONL file, as `json` reads it."""
    text = path.read_text(encoding="utf-8")
    return [json.loads(line) for line in text.split("\n") if line.strip()]


def jsonl_text(rows: list[dict]) -> str:
    return "".join(json.dumps(row, ensure_ascii=False) + "\n" for row in rows)


def triples(spans: list[dict]) -> list[tuple[int, int, str]]:
    return sorted((s["start"], s["end"], s["label"]) for s in spans)


def ms(x: float) -> float:
    return round(x, 3) + 0.0


# -- CoNLL -------------------------------------------------------------------------------------


def conll_tokens(text: str, spans) -> list[tuple[int, int]]:
    """The tokens CoNLL export should write: `\\w+` runs and punctuation marks, each cut at
    every span start or end that falls inside it (character by character, independently of
    labeltui's own splitting)."""
    edges = {s for s, _, _ in spans} | {e for _, e, _ in spans}
    out = []
    for m in re.finditer(r"\w+|[^\w\s]", text):
        start = m.start()
        for i in range(m.start() + 1, m.end()):
            if i in edges:
                out.append((start, i))
                start = i
        out.append((start, m.end()))
    return out


def expected_chunks(tokens, spans) -> set[tuple[int, int, str]]:
    """Each span over the tokens it touches (only whitespace trimmed, given `conll_tokens`)."""
    chunks = set()
    for start, end, label in spans:
        touched = [(a, b) for a, b in tokens if b > start and a < end]
        if touched:
            chunks.add((touched[0][0], touched[-1][1], re.sub(r"\s+", "_", label)))
    return chunks


def decode_bio(tokens, tags) -> set[tuple[int, int, str]]:
    """Chunks (char start, char end, label) of IOB2 tags, checking that each I- continues."""
    chunks, open_ = [], None
    for (start, end), tag in zip(tokens, tags, strict=True):
        if tag.startswith("I-"):
            assert open_ is not None and open_[2] == tag[2:], "I- without its B-"
            open_[1] = end
            continue
        if open_ is not None:
            chunks.append(tuple(open_))
            open_ = None
        if tag.startswith("B-"):
            open_ = [start, end, tag[2:]]
        else:
            assert tag == "O", tag
    if open_ is not None:
        chunks.append(tuple(open_))
    return set(chunks)


# -- Audacity, read the simple way ------------------------------------------------------------


def audacity_labels(path: Path) -> list[tuple[float, float, str]]:
    """(start, end, label) per label line, unrounded; `\\` lines skipped."""
    out = []
    for line in path.read_text(encoding="utf-8").splitlines():
        if line and not line.startswith("\\"):
            start, end, label = line.split("\t")
            out.append((float(start), float(end), label))
    return out


# -- TextGrid, long format, read with regular expressions -------------------------------------


def long_format_tiers(text: str) -> list[tuple[str, str, list[tuple[float, float, str]]]]:
    """(class, name, [(start, end, text)]) per tier of a long-format TextGrid (points: s == e)."""
    tiers = []
    chunks = re.split(r"\n\s*item \[\d+\]:\n", text)[1:]
    for chunk in chunks:
        kind = re.search(r'class = "(\w+)"', chunk).group(1)
        name = re.search(r'name = "((?:[^"]|"")*)"', chunk).group(1).replace('""', '"')
        items = []
        if kind == "IntervalTier":
            for a, b, t in re.findall(
                r'xmin = (\S+)\s*\n\s*xmax = (\S+)\s*\n\s*text = "((?:[^"]|"")*)"', chunk
            ):
                items.append((float(a), float(b), t.replace('""', '"')))
        else:
            for a, t in re.findall(r'number = (\S+)\s*\n\s*mark = "((?:[^"]|"")*)"', chunk):
                items.append((float(a), float(a), t.replace('""', '"')))
        tiers.append((kind, name, items))
    return tiers


def decode_textgrid(data: bytes) -> str:
    """Text with `\\n` line ends: UTF-16 when it has a BOM, else UTF-8 (BOM or not)."""
    if data.startswith((codecs.BOM_UTF16_BE, codecs.BOM_UTF16_LE)):
        text = data.decode("utf-16")
    else:
        text = data.decode("utf-8-sig")
    return "\n".join(text.splitlines()) + "\n"


def short_format_tiers(text: str) -> tuple[float, list]:
    """(grid xmax, tiers) of a short-format TextGrid: one value per line after the header."""
    values = [line.strip() for line in text.splitlines()[3:] if line.strip()]
    values.reverse()

    def unquote(v: str) -> str:
        assert v[0] == v[-1] == '"', v
        return v[1:-1].replace('""', '"')

    float(values.pop())
    xmax = float(values.pop())
    assert values.pop() == "<exists>"
    tiers = []
    for _ in range(int(values.pop())):
        kind, name = unquote(values.pop()), unquote(values.pop())
        float(values.pop()), float(values.pop())
        items = []
        for _ in range(int(values.pop())):
            if kind == "IntervalTier":
                a, b = float(values.pop()), float(values.pop())
            else:
                a = b = float(values.pop())
            items.append((a, b, unquote(values.pop())))
        tiers.append((kind, name, items))
    assert not values
    return xmax, tiers


def read_textgrid(path: Path) -> tuple[float, list]:
    """(grid xmax, tiers) of a TextGrid in either text format, read independently."""
    text = decode_textgrid(path.read_bytes())
    if re.search(r"^xmin = ", text, re.M):
        xmax = float(re.search(r"^xmax = (\S+)", text, re.M).group(1))
        return xmax, long_format_tiers(text)
    return short_format_tiers(text)


def expected_marks(tiers) -> dict[str, list[tuple[float, float, str]]]:
    """What FORMAT says a TextGrid imports as: per tier name, marks rounded to ms, sorted."""
    out: dict[str, list] = {}
    for kind, name, items in tiers:
        marks = out.setdefault(name, [])
        for start, end, label in items:
            if kind == "IntervalTier" and not label.strip():
                continue
            marks.append((ms(start), ms(end), label))
    return {name: sorted(marks) for name, marks in out.items()}


def as_tuples(marks: list[dict]) -> list[tuple[float, float, str]]:
    return [(m["start"], m["end"], m["label"]) for m in marks]


# -- the grammar of Praat's long text format, checked strictly --------------------------------

_NUM = r"(-?\d+(?:\.\d+)?(?:e-?\d+)?)"
_STR = r'"((?:[^"]|"")*)"'


class Grammar(AssertionError):
    pass


def check_long_textgrid(data: bytes) -> list[tuple[str, str, list[tuple[float, float, str]]]]:
    """Validate a long-format TextGrid line by line; return its tiers as (class, name, items).

    Checks: UTF-8, `\\n` line ends, the header, xmin < xmax, `size` equal to the tiers, item
    numbers in order, each tier's range equal to the grid's, interval counts matching, intervals
    contiguous from xmin to xmax with xmin < xmax each, points in range and strictly increasing.
    """
    text = data.decode("utf-8")
    if "\r" in text or not text.endswith("\n"):
        raise Grammar("line ends must be \\n and the file must end with one")
    lines = text.split("\n")[:-1]
    pos = 0

    def take(pattern: str) -> tuple[str, ...]:
        nonlocal pos
        if pos >= len(lines):
            raise Grammar(f"file ends, expected {pattern!r}")
        m = re.fullmatch(pattern + r" ?", lines[pos])
        if m is None:
            raise Grammar(f"line {pos + 1}: {lines[pos]!r} does not match {pattern!r}")
        pos += 1
        return m.groups()

    take(r'File type = "ooTextFile"')
    take(r'Object class = "TextGrid"')
    take(r"")
    xmin = float(take(r"xmin = " + _NUM)[0])
    xmax = float(take(r"xmax = " + _NUM)[0])
    if not xmin < xmax:
        raise Grammar("grid xmin must be below xmax")
    (flag,) = take(r"tiers\? <(exists|absent)>")
    tiers = []
    if flag == "exists":
        size = int(take(r"size = (\d+)")[0])
        take(r"item \[\]:")
        for number in range(1, size + 1):
            take(rf"    item \[{number}\]:")
            (kind,) = take(r'        class = "(IntervalTier|TextTier)"')
            name = take(r"        name = " + _STR)[0].replace('""', '"')
            tier_min = float(take(r"        xmin = " + _NUM)[0])
            tier_max = float(take(r"        xmax = " + _NUM)[0])
            if (tier_min, tier_max) != (xmin, xmax):
                raise Grammar(f"tier {name!r}: range differs from the grid's")
            items = []
            if kind == "IntervalTier":
                count = int(take(r"        intervals: size = (\d+)")[0])
                edge = xmin
                for i in range(1, count + 1):
                    take(rf"        intervals \[{i}\]:")
                    a = float(take(r"            xmin = " + _NUM)[0])
                    b = float(take(r"            xmax = " + _NUM)[0])
                    t = take(r"            text = " + _STR)[0].replace('""', '"')
                    if a != edge or not a < b:
                        raise Grammar(f"tier {name!r} interval {i}: not contiguous or empty")
                    edge = b
                    items.append((a, b, t))
                if count == 0 or edge != xmax:
                    raise Grammar(f"tier {name!r}: intervals do not reach xmax")
            else:
                count = int(take(r"        points: size = (\d+)")[0])
                last = None
                for i in range(1, count + 1):
                    take(rf"        points \[{i}\]:")
                    a = float(take(r"            number = " + _NUM)[0])
                    t = take(r"            mark = " + _STR)[0].replace('""', '"')
                    if not xmin <= a <= xmax or (last is not None and a <= last):
                        raise Grammar(f"tier {name!r} point {i}: out of range or out of order")
                    last = a
                    items.append((a, a, t))
            tiers.append((kind, name, items))
    if pos != len(lines):
        raise Grammar(f"line {pos + 1}: unexpected content after the last tier")
    return tiers
