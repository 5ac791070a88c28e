"""CoNLL-2003-style BIO export (write only): what NER trainers read.

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

from labeltui.core.formats.current import Entry
from labeltui.core.formats.options import ExportJob, text_of
from labeltui.core.formats.values import stored_spans
from labeltui.core.tokens import Token, tokenize

DOCSTART = "-DOCSTART- -X- -X- O\n"
SPLIT = "tokens split at span edges"
DROPPED_OVERLAP = "overlapping spans dropped (BIO cannot nest)"
DROPPED_EMPTY = "spans over whitespace only dropped"
_SPACE = re.compile(r"\s+")


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


def split_at_edges(tokens: list[Token], spans: list[dict], job: ExportJob) -> list[Token]:
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


def bio_tags(tokens: list[Token], spans: list[dict], job: ExportJob) -> list[str]:
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
