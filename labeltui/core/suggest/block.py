"""One block of the dataset: parse, vote, combine, write (see run.py for the whole run).

Runs in this process or in a forked child, on the byte range `[start, end)` of the dataset
(cut at line starts). Lines are handled a chunk at a time: the votes of a chunk's items become
one small code matrix per choice task, so the majority runs vectorised on it, and a
Dawid–Skene winner comes from the fitted result by the item's global index. A line keeps every
byte of its own: `suggestions` and `_votes` are spliced in before its closing brace; a line that
already has either key is rewritten from its parsed object (other agents' suggestions kept,
this command's own replaced).
"""

from __future__ import annotations

import json
import os
from array import array
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import numpy as np

from labeltui.core.annotations.notes import printable
from labeltui.core.annotations.parse import BOM, BadLine, not_an_object, parse_fast
from labeltui.core.ids import BadId, item_id
from labeltui.core.schema import Schema
from labeltui.core.suggest.combine import AGENTS, COMBINERS, OWN_AGENTS, SPANS_AGENT, union_spans
from labeltui.core.suggest.functions import Failures, LabelFunction, describe
from labeltui.core.suggest.report import COLUMNS, FAILED, Group, tally
from labeltui.core.suggest.rules import Rule
from labeltui.errors import LabeltuiError

CHUNK = 4 << 20
"""Bytes read at a time."""


@dataclass(frozen=True)
class ChoiceTask:
    name: str
    multi: bool
    labels: tuple[str, ...]
    codes: dict[str, int]
    members: list[int]


@dataclass
class Plan:
    """What every block needs, built once before forking."""

    path: Path
    schema: Schema
    voters: list[Rule | LabelFunction]
    combine: str
    gold: dict[str, dict[str, Any]] | None = None
    places: dict[str, str] = field(default_factory=dict)
    """Voter name -> "FILE:LINE" where it is defined (for notes)."""
    groups: list[Group] = field(default_factory=list)
    choice: list[ChoiceTask] = field(default_factory=list)
    spans: list[tuple[str, list[int]]] = field(default_factory=list)

    def __post_init__(self) -> None:
        by_task: dict[str, list[int]] = {}
        for index, voter in enumerate(self.voters):
            by_task.setdefault(voter.task, []).append(index)
        for task in self.schema.tasks:
            members = by_task.get(task.name)
            if not members:
                continue
            self.groups.append((task.name, task.kind, members))
            if task.kind == "spans":
                self.spans.append((task.name, members))
            else:
                labels = tuple(n for n in task.label_names if task.answerable(n))
                codes = {name: i for i, name in enumerate(labels)}
                self.choice.append(
                    ChoiceTask(task.name, task.kind == "multi_choice", labels, codes, members)
                )


@dataclass
class BlockResult:
    lines: int = 0
    """Lines in the block (blank ones too): the next block's line numbers start after them."""
    items: int = 0
    codes: dict[str, np.ndarray] = field(default_factory=dict)
    counts: list[list[int]] = field(default_factory=list)
    failures: Failures = field(default_factory=Failures)
    error: LabeltuiError | None = None
    part: str | None = None


@dataclass(frozen=True)
class Job:
    index: int
    start: int
    end: int
    write_to: str | None
    """The part file to write (made by the parent, which removes it on any failure)."""
    want_codes: bool
    decided: dict[str, tuple[np.ndarray, np.ndarray]] | None
    """Per choice task (winner codes, scores) of every item (Dawid–Skene); None: majority."""
    item_offset: int


def _raw_lines(fd: int, start: int, end: int, tick: Callable[[int], None]) -> Iterator[bytes]:
    """The block's lines without their newlines, a chunk at a time."""
    pos, carry = start, b""
    while pos < end:
        block = os.pread(fd, min(CHUNK, end - pos), pos)
        if not block:
            break
        pos += len(block)
        data = carry + block if carry else block
        if pos < end:
            cut = data.rfind(b"\n")
            if cut < 0:
                carry = data
                continue
            carry, data = data[cut + 1 :], data[: cut + 1]
        else:
            carry = b""
        lines = data.split(b"\n")
        if data.endswith(b"\n"):
            lines.pop()
        yield from lines
        tick(pos - start)
    if carry:
        yield carry


def block(plan: Plan, job: Job, tick: Callable[[int], None]) -> BlockResult:
    result = BlockResult(counts=[[0] * COLUMNS for _ in plan.voters])
    fd = os.open(plan.path, os.O_RDONLY)
    out = None
    try:
        if job.write_to is not None:
            result.part = job.write_to
            out = open(job.write_to, "wb", buffering=1 << 20)  # noqa: SIM115 - closed below
        _Worker(plan, job, result, out).run(_raw_lines(fd, job.start, job.end, tick))
        if out is not None:
            out.flush()
    except LabeltuiError as exc:
        result.error = exc
    except OSError as exc:
        result.error = LabeltuiError(f"cannot read or write: {exc.strerror or exc}", plan.path)
    finally:
        os.close(fd)
        if out is not None:
            out.close()
    return result


class _Worker:
    """Votes, combines and writes the lines of one block."""

    def __init__(self, plan: Plan, job: Job, result: BlockResult, out: Any) -> None:
        self.plan = plan
        self.job = job
        self.result = result
        self.out = out
        self.text_field = plan.schema.text_field
        self.rule_list = [v for v in plan.voters if isinstance(v, Rule)]
        self.functions = [(i, v) for i, v in enumerate(plan.voters) if isinstance(v, LabelFunction)]
        if plan.voters[: len(self.rule_list)] != self.rule_list:
            raise ValueError("rules come before functions in a plan")
        self.codes = {t.name: array("i") for t in plan.choice} if job.want_codes else None
        self.agent = AGENTS[plan.combine]

    def run(self, lines: Iterator[bytes]) -> None:
        pending: list[tuple[int, bytes, dict[str, Any] | None, list[Any]]] = []
        number = 0
        for raw in lines:
            number += 1
            self.result.lines = number
            if number == 1 and self.job.start == 0 and raw.startswith(BOM):
                raw = raw[3:]
            data = raw.strip()
            if not data:
                pending.append((number, b"", None, []))
                continue
            try:
                obj = parse_fast(data)
            except BadLine as exc:
                raise LabeltuiError(exc.message, self.plan.path, number) from None
            if type(obj) is not dict:
                raise LabeltuiError(not_an_object(obj), self.plan.path, number)
            pending.append((number, data, obj, self.votes(obj, number)))
            if len(pending) >= 4096:
                self.flush(pending)
                pending = []
        self.flush(pending)
        if self.codes is not None:
            self.result.codes = {
                t.name: np.frombuffer(self.codes[t.name], dtype=np.int32)
                .reshape(-1, len(t.members))
                .copy()
                for t in self.plan.choice
            }

    def votes(self, obj: dict[str, Any], number: int) -> list[Any]:
        text = obj.get(self.text_field) if self.text_field else None
        raw_id = obj.get("id")
        if raw_id is not None and type(raw_id) is not str and type(raw_id) is not int:
            raise LabeltuiError(
                f"'id' must be a string or an integer, not {type(raw_id).__name__}",
                self.plan.path,
                number,
            )
        if type(text) is str:
            lowered = text.lower() if text.isascii() else None
            votes = [rule.vote(text, lowered) for rule in self.rule_list]
        else:
            votes = [None] * len(self.rule_list)
        ident = None
        for index, function in self.functions:
            try:
                votes.append(function.vote(dict(obj), text))
            except Exception as exc:  # the function's own failure: reported, run goes on
                if ident is None:
                    ident = self.ident(obj)
                self.result.failures.add(function.name, ident, describe(exc))
                self.result.counts[index][FAILED] += 1
                votes.append(None)
        gold = None
        if self.plan.gold is not None:
            gold = self.plan.gold.get(ident if ident is not None else self.ident(obj))
        tally(votes, self.plan.groups, gold, self.result.counts)
        return votes

    def ident(self, obj: dict[str, Any]) -> str:
        try:
            return item_id(obj, self.plan.schema.text_field, self.plan.schema.audio_field)
        except (BadId, RecursionError):
            return "?"

    def flush(self, pending: list[tuple[int, bytes, dict[str, Any] | None, list[Any]]]) -> None:
        items = [votes for _, _, obj, votes in pending if obj is not None]
        first = self.job.item_offset + self.result.items
        self.result.items += len(items)
        winners: dict[str, tuple[Any, Any]] = {}
        for task in self.plan.choice:
            codes = np.empty((len(items), len(task.members)), dtype=np.int32)
            get = task.codes.get
            for col, v in enumerate(task.members):
                codes[:, col] = np.fromiter(
                    (get(votes[v], -1) for votes in items), dtype=np.int32, count=len(items)
                )
            if self.codes is not None:
                self.codes[task.name].frombytes(codes.tobytes())
            if self.out is None:
                continue
            if self.job.decided is None:
                w, s = COMBINERS["majority"](codes, len(task.labels))
            else:
                w, s = self.job.decided[task.name]
                w, s = w[first : first + len(items)], s[first : first + len(items)]
            winners[task.name] = (w.tolist(), s.tolist())
        if self.out is None:
            return
        row = 0
        write = self.out.write
        for number, data, obj, votes in pending:
            if obj is None:
                write(b"\n")
                continue
            write(self.line(number, data, obj, votes, winners, row))
            row += 1

    def line(
        self,
        number: int,
        data: bytes,
        obj: dict[str, Any],
        votes: list[Any],
        winners: dict[str, tuple[Any, Any]],
        row: int,
    ) -> bytes:
        suggestions: dict[str, list[dict[str, Any]]] = {}
        for task in self.plan.choice:
            w, s = winners[task.name]
            code = w[row]
            if code >= 0:
                label = task.labels[code]
                suggestions[task.name] = [
                    {
                        "value": [label] if task.multi else label,
                        "score": round(float(s[row]), 4),
                        "agent": self.agent,
                    }
                ]
        for name, members in self.plan.spans:
            cast = [votes[v] for v in members if votes[v] is not None]
            if cast:
                suggestions[name] = [{"value": union_spans(cast), "agent": SPANS_AGENT}]
        cast_votes = {
            voter.name: vote
            for voter, vote in zip(self.plan.voters, votes, strict=True)
            if vote is not None
        }
        if "suggestions" not in obj and "_votes" not in obj:
            if not cast_votes:
                return data + b"\n"
            added: dict[str, Any] = {}
            if suggestions:
                added["suggestions"] = suggestions
            added["_votes"] = cast_votes
            tail = _dumps(added)[1:]
            head = data[:-1].rstrip()
            return head + (b"," if obj else b"") + tail + b"\n"
        merged = _merge(obj.get("suggestions"), suggestions, self.plan.path, number)
        new = {k: v for k, v in obj.items() if k not in ("suggestions", "_votes")}
        if merged:
            new["suggestions"] = merged
        if cast_votes:
            new["_votes"] = cast_votes
        try:  # the line's own values too: the standard writer, as the annotation store's
            text = json.dumps(new, ensure_ascii=False, allow_nan=False)
        except ValueError:
            raise LabeltuiError(
                "a number is too large for a float (it reads as infinite); write it as a string",
                self.plan.path,
                number,
            ) from None
        return printable(text).encode() + b"\n"


def _dumps(obj: dict[str, Any]) -> bytes:
    """Compact JSON, UTF-8 as is (orjson when installed: ~10x faster); a lone surrogate, which
    orjson refuses, is written as its escape."""
    if _orjson is not None:
        try:
            return _orjson.dumps(obj)
        except TypeError:  # a lone surrogate, or an integer beyond 64 bits
            pass
    return printable(json.dumps(obj, ensure_ascii=False, separators=(",", ":"))).encode()


try:
    import orjson as _orjson
except ImportError:  # pragma: no cover - orjson is a dependency
    _orjson = None  # type: ignore[assignment]


def _merge(old: Any, new: dict[str, list[Any]], path: Path, line: int) -> dict[str, list[Any]]:
    """Other agents' suggestions kept, this command's own replaced by `new`."""
    if old is None:
        return new
    if not isinstance(old, dict) or not all(
        isinstance(v, list) and all(isinstance(s, dict) for s in v) for v in old.values()
    ):
        raise LabeltuiError(
            "'suggestions' must be an object of task names to lists of "
            "{value, score, agent} objects",
            path,
            line,
        )
    merged: dict[str, list[Any]] = {}
    for task, entries in old.items():
        kept = [s for s in entries if s.get("agent") not in OWN_AGENTS]
        if kept:
            merged[task] = kept
    for task, entries in new.items():
        merged[task] = merged.get(task, []) + entries
    return merged
