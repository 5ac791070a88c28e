"""Type-to-filter over a task's labels: the picker's search (FORMAT section 8).

A label set may hold thousands of labels, and the picker filters on every keystroke, so a search
must fit in one frame (benchmarks/taxonomy.py measures 10,000 labels). Matches are ranked by
how surely they are what the annotator means, then kept in schema order:

0. the label's own name starts with the query (`gen` -> `science/biology/genetics`);
1. an alias, or any name on the path, starts with it (`sci`, `bio`);
2. the query is inside the name or an alias; a query of several words matches when every word
   is inside the path or an alias (`bio gen`);
3. the query is inside a name above the label, or inside the hint;
4. typo-tolerant: the name or an alias shares most character pairs with the query (Dice
   coefficient of bigrams >= 0.5: `gentics`, `geneitcs`), tried only when the tiers above found
   fewer than `FUZZY_BELOW` labels.

Case and accents are folded (`Ärzte` matches `arzte`). The exact tiers scan all names joined in
one string with `str.find`, stopping at `limit`; the typo tier counts shared character pairs
with NumPy over an inverted index built once per task. No dependency beyond NumPy.
"""

from __future__ import annotations

import unicodedata
from bisect import bisect_right
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from labeltui.core.schema import Label

FUZZY_MIN = 0.5
"""Smallest Dice coefficient of character pairs for a typo-tolerant match."""
FUZZY_BELOW = 5
"""The typo tier is tried only when the exact tiers found fewer labels than this."""


def fold(text: str) -> str:
    """Lower case without accents, for matching only (never shown)."""
    decomposed = unicodedata.normalize("NFKD", text.casefold())
    return "".join(c for c in decomposed if not unicodedata.combining(c))


def bigrams(text: str) -> set[str]:
    padded = f" {text} "
    return {padded[i : i + 2] for i in range(len(padded) - 1)}


@dataclass(frozen=True, slots=True)
class Hit:
    label: Label
    tier: int
    """0 (name prefix) .. 4 (typo-tolerant); see the module docstring."""


class _Blob:
    """Many short strings in one, so that `str.find` (C speed) finds a query in all of them;
    each match maps back to its label in schema order, and a search stops at `limit`."""

    def __init__(self, texts: Sequence[str], owners: Sequence[int]) -> None:
        self.text = "\n" + "\n".join(t.replace("\n", " ") for t in texts) + "\n"
        self.starts: list[int] = []
        at = 1
        for t in texts:
            self.starts.append(at)
            at += len(t) + 1
        self.owners = list(owners)

    def find(self, needle: str, limit: int, skip: set[int]) -> list[int]:
        """Owners (in order, each once) of the strings that hold `needle`, at most `limit`."""
        out: list[int] = []
        last = -1
        text, starts, owners = self.text, self.starts, self.owners
        at = text.find(needle)
        while at >= 0 and len(out) < limit:
            k = bisect_right(starts, at + (needle[0] == "\n")) - 1
            owner = owners[k]
            if owner != last and owner not in skip:
                out.append(owner)
                skip.add(owner)
            last = owner
            nxt = starts[k + 1] if k + 1 < len(starts) else len(text)
            at = text.find(needle, max(at + 1, nxt - (needle[0] == "\n")))
        return out


class LabelIndex:
    """The labels of one task, folded once, searched on every keystroke."""

    def __init__(self, labels: Sequence[Label]) -> None:
        self.labels = list(labels)
        n = len(self.labels)
        names = [fold(label.name.rsplit("/", 1)[-1]) for label in self.labels]
        self._paths = [fold(label.name) for label in self.labels]
        self._aliases = [tuple(fold(a) for a in label.aliases) for label in self.labels]
        self._hints = [fold(label.hint) for label in self.labels]
        self._names = names
        self._name_blob = _Blob(names, range(n))
        self._path_blob = _Blob(self._paths, range(n))
        alias_owner = [i for i, aliases in enumerate(self._aliases) for _ in aliases]
        self._alias_blob = _Blob([a for aliases in self._aliases for a in aliases], alias_owner)
        self._hint_blob = _Blob(self._hints, range(n))
        self._pairs: dict[str, Any] | None = None
        """Character pair -> NumPy array of the words holding it (built at the first typo)."""

    def search(self, query: str, limit: int = 50) -> list[Hit]:
        """The best `limit` labels for `query`, best first (all labels in order when empty)."""
        words = fold(query).split()
        if not words:
            return [Hit(label, 0) for label in self.labels[:limit]]
        taken: set[int] = set()
        tiers: list[list[int]] = []
        left = limit
        for finds in self._tiers(words):
            found: list[int] = []
            for blob, needle in finds:
                if left - len(found) <= 0:
                    break
                found += blob.find(needle, left + limit, taken)
            found.sort()
            tiers.append(found[:left])
            left -= len(tiers[-1])
            if left <= 0:
                break
        if limit - left < FUZZY_BELOW and len(words) == 1 and len(words[0]) >= 3:
            tiers += [[], [], [], []][: 4 - len(tiers)]
            tiers.append([i for i in self._fuzzy(words[0]) if i not in taken][:left])
        return [Hit(self.labels[i], t) for t, found in enumerate(tiers) for i in found]

    def _tiers(self, words: list[str]) -> list[list[tuple[_Blob, str]]]:
        """Per tier, the (blob, needle) scans whose matches make it (see the module docstring)."""
        if len(words) > 1:
            return [[], [], [(_AllWords(self, words, hints=False), "")],
                    [(_AllWords(self, words, hints=True), "")]]  # fmt: skip
        q = words[0]
        names, paths, aliases, hints = (
            self._name_blob, self._path_blob, self._alias_blob, self._hint_blob,
        )  # fmt: skip
        return [
            [(names, "\n" + q)],
            [(paths, "\n" + q), (paths, "/" + q), (aliases, "\n" + q)],
            [(names, q), (aliases, q)],
            [(paths, q), (hints, q)],
        ]

    def prepare(self) -> None:
        """Build the typo tier's index now (a picker may call it in a worker when it opens)."""
        if self._pairs is None:
            self._build_pairs()

    def _fuzzy(self, q: str) -> list[int]:
        """Labels whose name or an alias shares enough character pairs with `q`, best first."""
        import numpy as np

        self.prepare()
        assert self._pairs is not None
        wanted = [self._pairs[p] for p in bigrams(q) if p in self._pairs]
        if not wanted:
            return []
        shared = np.bincount(np.concatenate(wanted), minlength=len(self._word_owner))
        dice = 2.0 * shared / (len(bigrams(q)) + self._word_sizes)
        good = np.flatnonzero(dice >= FUZZY_MIN)
        best: dict[int, float] = {}
        for w in good[np.argsort(-dice[good], kind="stable")].tolist():
            best.setdefault(int(self._word_owner[w]), float(dice[w]))
        return sorted(best, key=lambda i: (-best[i], i))

    def _build_pairs(self) -> None:
        """Character pair -> the words (a label's name, then its aliases) that hold it."""
        import numpy as np

        pairs: dict[str, list[int]] = {}
        owner: list[int] = []
        sizes: list[int] = []
        for i, name in enumerate(self._names):
            for word in (name, *self._aliases[i]):
                w = len(owner)
                owner.append(i)
                grams = bigrams(word)
                sizes.append(len(grams))
                for pair in grams:
                    pairs.setdefault(pair, []).append(w)
        self._word_owner = np.array(owner, dtype=np.int64)
        self._word_sizes = np.array(sizes, dtype=np.float64)
        self._pairs = {p: np.array(ws, dtype=np.int64) for p, ws in pairs.items()}


class _AllWords(_Blob):
    """A query of several words: labels whose path or aliases (and hint, in the next tier) hold
    every word. Not a blob: a scan of the folded strings, for the rare multi-word query."""

    def __init__(self, index: LabelIndex, words: list[str], hints: bool) -> None:
        self.index, self.words, self.hints = index, words, hints

    def find(self, needle: str, limit: int, skip: set[int]) -> list[int]:
        out: list[int] = []
        idx = self.index
        for i in range(len(idx.labels)):
            if i in skip:
                continue
            where = " ".join((idx._paths[i], *idx._aliases[i]))
            if self.hints:
                where += " " + idx._hints[i]
            if all(w in where for w in self.words):
                out.append(i)
                skip.add(i)
                if len(out) >= limit:
                    break
        return out
