"""CoNLL/IOB files: import of token-per-line files, and CoNLL-2003-style BIO export.

Read: one token per line, columns split on whitespace (tabs or spaces), the token first and
the tag last (so 2-column files, CoNLL-2003's 4 columns and any other count read alike; the
middle columns, part-of-speech and chunk tags, are not kept). A blank line (or a run of them)
ends a sentence, and each sentence is one item: `id` (`FILE-N`, N counting sentences from 1)
and `text`, the tokens joined by single spaces (the original spacing is not in the file).
`-DOCSTART-` lines are skipped. Tags are decoded whatever the scheme: IOB2 (`B-` starts a
chunk), IOB1 (`I-` starts one too, unless it continues a chunk of its type), BIOES/BILOU
(`E-`/`L-` end one, `S-`/`U-` are single tokens) and BMES (`M-` inside); `O` is outside. A
UTF-8 byte order mark and `\r\n` line ends are accepted.

Layout, as in the CoNLL-2003 shared task files (and what spaCy's `conll_ner` converter, NLTK
and Hugging Face's conll2003 loader read):

    -DOCSTART- -X- -X- O
    <blank line>
    EU -X- _ B-ORG
    rejects -X- _ O
    ...
    <blank line between items>

- Four columns separated by one space: the token, `-X-` and `_` for the part-of-speech and
  chunk columns labeltui does not have, and the tag. Tokens never contain whitespace (they come
  from `labeltui.core.tokens.tokenize`, with the task's `chars` mode when the schema says so),
  so the columns are unambiguous. One `-DOCSTART-` line opens the file; each item is one block.
- Tags are IOB2 (every entity starts with `B-`, continues with `I-`), as current tools expect.
- A span that starts or ends inside a token splits that token there ("서울에서" with a span
  over "서울" gives the tokens "서울" and "에서"), so every span keeps its exact characters;
  a span that touches no token (only whitespace) is dropped.
- A label with whitespace in it has it replaced by `_`, so that it stays one column.
- BIO cannot nest: spans are placed longest first among those that start together, left to
  right, and a span that would share a token with a span already placed is dropped (the outer
  entity is kept, as CoNLL-2003 annotated only outermost entities).
- An item with no tokens (empty or blank text) has no block.
Split tokens and dropped spans are counted in the command's summary.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from itertools import pairwise
from pathlib import Path
from typing import Any

from labeltui.core.formats.current import Entry
from labeltui.core.formats.files import read_bytes
from labeltui.core.formats.options import ExportJob, ImportOptions, text_of
from labeltui.core.formats.values import span, stored_spans
from labeltui.core.tokens import Token, tokenize
from labeltui.errors import LabeltuiError

DOCSTART = "-DOCSTART- -X- -X- O\n"
SPLIT = "tokens split at span edges"
DROPPED_OVERLAP = "overlapping spans dropped (BIO cannot nest)"
DROPPED_EMPTY = "spans over whitespace only dropped"
_SPACE = re.compile(r"\s+")


def read(path: Path, opts: ImportOptions) -> list[dict[str, Any]]:
    """One dataset item per sentence, its chunks as spans under `labels[opts.task]`."""
    try:
        content = read_bytes(path, "CoNLL file").decode("utf-8-sig")
    except UnicodeDecodeError:
        raise LabeltuiError("the file is not UTF-8 text", path) from None
    items: list[dict[str, Any]] = []
    sentence: list[tuple[str, str, int]] = []
    for number, line in enumerate(_LINES.split(content), start=1):
        cells = line.split()
        if cells and cells[0] == "-DOCSTART-":
            cells = []
        if not cells:
            if sentence:
                items.append(_sentence(sentence, len(items) + 1, path, opts))
                sentence = []
            continue
        if len(cells) < 2:
            raise LabeltuiError(
                f"expected a token and its tag, found {line.strip()!r}", path, number
            )
        sentence.append((cells[0], cells[-1], number))
    if sentence:
        items.append(_sentence(sentence, len(items) + 1, path, opts))
    return items


_LINES = re.compile(r"\r\n|\r|\n")
_PREFIXES = {"B": "begin", "I": "inside", "M": "inside", "E": "end", "L": "end", "S": "single"}
_PREFIXES["U"] = "single"


def _sentence(
    tokens: list[tuple[str, str, int]], number: int, path: Path, opts: ImportOptions
) -> dict[str, Any]:
    text = " ".join(token for token, _, _ in tokens)
    starts, at = [], 0
    for token, _, _ in tokens:
        starts.append(at)
        at += len(token) + 1
    spans: list[dict[str, Any]] = []
    open_: list[Any] | None = None  # [first token index, last token index, type]

    def close() -> None:
        nonlocal open_
        if open_ is not None:
            first, last, label = open_
            end = starts[last] + len(tokens[last][0])
            spans.append(span(text, starts[first], end, label, path, tokens[first][2], "chunk"))
            open_ = None

    for index, (_, tag, line) in enumerate(tokens):
        if tag == "O":
            close()
            continue
        prefix, dash, label = tag.partition("-")
        role = _PREFIXES.get(prefix.upper()) if dash else None
        if role is None or not label:
            raise LabeltuiError(
                f"the tag {tag!r} is not O or a B-, I-, E-, S- or M- tag", path, line
            )
        continues = open_ is not None and open_[2] == label
        if role in ("inside", "end") and continues:
            assert open_ is not None
            open_[1] = index
        else:
            close()
            open_ = [index, index, label]
        if role in ("end", "single"):
            close()
    close()
    stem = path.name.rsplit(".", 1)[0] if "." in path.name else path.name
    return {"id": f"{stem}-{number}", opts.text_field: text, "labels": {opts.task: spans}}


def write(entries: list[Entry], job: ExportJob) -> str:
    """The CoNLL file for the current lines."""
    blocks = [DOCSTART]
    for entry in entries:
        text = text_of(entry, job)
        tokens = tokenize(text, job.tokenizer)
        if not tokens:
            continue
        spans = stored_spans(entry.labels.get(job.task), text, job.task, job.source, entry.line)
        tokens = split_at_edges(tokens, spans, job)
        tags = bio_tags(tokens, spans, job)
        rows = [
            f"{text[t.start : t.end]} -X- _ {tag}\n" for t, tag in zip(tokens, tags, strict=True)
        ]
        blocks.append("\n" + "".join(rows))
    return "".join(blocks)


def split_at_edges(tokens: list[Token], spans: list[dict[str, Any]], job: ExportJob) -> list[Token]:
    """`tokens`, each cut where a span starts or ends inside it."""
    edges = sorted({s["start"] for s in spans} | {s["end"] for s in spans})
    if not edges:
        return tokens
    out: list[Token] = []
    for token in tokens:
        inside = edges[bisect_right(edges, token.start) : bisect_left(edges, token.end)]
        if not inside:
            out.append(token)
            continue
        job.note(SPLIT)
        for start, end in pairwise([token.start, *inside, token.end]):
            out.append(Token(start, end))
    return out


def bio_tags(tokens: list[Token], spans: list[dict[str, Any]], job: ExportJob) -> list[str]:
    """One IOB2 tag per token (no span starts or ends inside one: `split_at_edges`)."""
    starts = [t.start for t in tokens]
    ends = [t.end for t in tokens]
    tags = ["O"] * len(tokens)
    for s in sorted(spans, key=lambda s: (s["start"], -s["end"], s["label"])):
        first = bisect_right(ends, s["start"])  # first token ending after the span's start
        last = bisect_left(starts, s["end"]) - 1  # last token starting before the span's end
        if first > last:
            job.note(DROPPED_EMPTY)
            continue
        if any(tag != "O" for tag in tags[first : last + 1]):
            job.note(DROPPED_OVERLAP)
            continue
        label = _SPACE.sub("_", s["label"])
        tags[first] = f"B-{label}"
        for i in range(first + 1, last + 1):
            tags[i] = f"I-{label}"
    return tags
