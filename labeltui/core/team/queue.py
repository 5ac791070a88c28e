"""`annotate --db`: the team project as an `ItemQueue` the annotate screen works through.

`TeamQueue` shows items the server leased to this annotator (`TeamClient.claim`), one after
another, and never makes a key wait on the network:

- Items are fetched ahead by a background thread: while the person decides on the item on
  screen, the next one is claimed (`ahead` items, default 1), so `enter` shows it at once.
- A save is appended and fsynced locally (`TeamClient.save(send=False)`) before the next item
  shows; the thread sends it. Undo takes the line back locally, and the thread sends the undo
  when the line had reached the server.
- The thread renews the leases this client holds (the item on screen and the one fetched
  ahead) every `renew_every` seconds, and while the server cannot be reached retries every
  `retry` seconds (at most 10 s between tries, a connect attempt included).
- Offline, the items already leased are still served; after them the queue is `empty` (the
  screen says it is waiting for the server) until the server is back. `Progress.connection`
  says `offline, N to send` while lines wait.

Items the thread fetched wait in `_ahead` and join the shown sequence (`items`) only on the
caller's thread (a save, a move, `poll`): the screen never sees an item it has not drawn.
Positions are over this session's items (the ones shown so far): page up goes back to them.

Gold items (`team init --gold`, FORMAT section 11) are mixed in as `annotate --gold` does: the
annotator's queue position (lines in their file) picks a gold item where `GoldPlan` says so;
its answer is saved with `"_gold": true` and never counts as done on the server.
"""

from __future__ import annotations

import contextlib
import json
import threading
import time
from collections import deque
from collections.abc import Callable
from datetime import datetime, timezone
from pathlib import Path
from typing import TYPE_CHECKING, Any

from labeltui.core.gold_queue import GoldItem, GoldPlan, expected_answer
from labeltui.core.items import Item
from labeltui.core.moving import _NUMBER, Moving
from labeltui.core.schema import Schema
from labeltui.core.session import Progress
from labeltui.core.store import AnnotationStore
from labeltui.core.suggestions import Suggested, suggested_for
from labeltui.core.team.answers import make_item, refusal
from labeltui.core.team.claim import Claimed
from labeltui.core.team.outbox import TeamClient
from labeltui.errors import LabeltuiError

RETRY = 3.0
"""Seconds between tries while the server cannot be reached (plus up to 5 s of connecting)."""
IDLE = 10.0
"""Seconds between claims while the server has nothing left (leases of others may expire)."""


class TeamQueue(Moving):
    """This session's items from the team server, with more fetched ahead in a thread."""

    def __init__(
        self,
        client: TeamClient,
        *,
        media: str | Path = ".",
        ahead: int = 1,
        retry: float = RETRY,
        renew_every: float | None = None,
        gold: list[GoldItem] | None = None,
        gold_every: int | None = None,
    ) -> None:
        self.client = client
        self.store: AnnotationStore = client.store
        """The local annotation file (`<project>.<annotator>.jsonl` or `--out`)."""
        self._schema = client.schema()
        self.media = Path(media)
        self.ahead = max(1, ahead)
        self.retry = retry
        self.renew_every = renew_every or max(1.0, min(client.lease / 3, 300.0))
        self.items: list[Item] = []
        """The items shown this session, in the order they came (page up goes back)."""
        self.position = 0
        """The shown item; `len(items)` while waiting for the next one (`empty`)."""
        self.saves = 0
        self.started = self.shown_at = time.monotonic()
        self.last_search = ""
        self.expected: str | None = None
        self.exhausted = False
        """The server had nothing left for this annotator at the last claim."""
        self.failure: str | None = None
        """A background failure that is not the network (a bug, bad data), once, for the screen."""
        self.on_change: Callable[[], None] | None = None
        """Called from the thread when an item arrived or the connection changed."""
        self.gold = gold or []
        self.gold_ids = {g.id: g for g in self.gold}
        self.plan = GoldPlan(len(self.gold), gold_every or 2, client.annotator)
        self._ahead: deque[Claimed] = deque()
        self._relet: list[Item] = []
        """Items back on screen after an undo, to lease again (after the undo is sent)."""
        self._lock = threading.Lock()
        self._wake = threading.Event()
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None

    # -- ItemQueue --------------------------------------------------------------------------

    @property
    def schema(self) -> Schema:
        return self._schema

    @property
    def empty(self) -> bool:
        """No item to show: waiting for the server, or nothing left."""
        return self.position >= len(self.items)

    @property
    def waiting(self) -> str:
        """Why there is no item to show (the screen's one line)."""
        if not self.client.online:
            return "Waiting for the server: every save is on disk and goes out when it is back."
        if self.exhausted:
            return (
                f"No items left for you in project {self.client.project.name} "
                "(asking again every few seconds)."
            )
        return "Fetching the next item…"

    def item(self) -> Item:
        return self.items[self.position]

    def editor_item(self, item: Item | None = None) -> Item:
        return item or self.item()

    def values(self, item: Item | None = None) -> dict[str, Any]:
        """As `Session.values`: the annotator's current line, else the item's `labels` and
        best suggestions (a gold item: nothing pre-filled)."""
        item = item or self.item()
        record = self.store.current.get(item.id)
        if record is not None:
            return {task.name: record.labels.get(task.name) for task in self.schema.tasks}
        if self.is_gold(item):
            return {task.name: None for task in self.schema.tasks}
        values = {task.name: item.prefilled.get(task.name) for task in self.schema.tasks}
        for name, suggestion in self.suggested(item).prefilled.items():
            values[name] = suggestion.value
        return values

    def suggested(self, item: Item | None = None) -> Suggested:
        """As `Session.suggested`: the item's suggestions checked and ranked per task."""
        item = item or self.item()
        answered = item.id in self.store.current
        more = {} if self.is_gold(item) else self.more_suggestions(item)
        where = f"project {self.client.project.name}"
        return suggested_for(self.schema.tasks, item, more, where, answered)

    def more_suggestions(self, item: Item) -> dict[str, list[dict[str, Any]]]:
        return {}

    def status(self, item: Item | None = None) -> str | None:
        record = self.store.current.get((item or self.item()).id)
        return None if record is None else record.status

    def remaining(self) -> int:
        shown = sum(1 for item in self.items if not self.store.is_done(item.id))
        return shown + len(self._ahead)

    def is_gold(self, item: Item | None = None) -> bool:
        return (item or self.item()).id in self.gold_ids

    # -- moving -----------------------------------------------------------------------------

    def item_count(self) -> int:
        return len(self.items)

    def item_id(self, position: int) -> str:
        return self.items[position].id

    def next(self) -> bool:
        if self.position >= len(self.items) - 1:
            self._take()
        return self.go(self.position + 1)

    def next_unanswered(self) -> bool:
        if super().next_unanswered():
            return True
        if self._take():
            return self.go(len(self.items) - 1)
        return False

    def poll(self) -> bool:
        """While waiting, show an item that arrived; True when one did (the screen redraws)."""
        if self.empty and self._take():
            self.position = len(self.items) - 1
            self.shown_at = time.monotonic()
            return True
        return False

    @property
    def still_reading(self) -> bool:
        return False

    def locate(self, answer: str, read: bool = True) -> int | str | None:
        """An item of this session by id, or by its number (as the status line counts)."""
        text = answer.strip()
        if not text:
            return "Type an item number or an id."
        for ident in dict.fromkeys((answer, text)):
            for position in range(len(self.items) - 1, -1, -1):
                if self.items[position].id == ident:
                    return position
        number = text[1:].strip() if text.startswith("#") else text
        if _NUMBER.fullmatch(number) and 1 <= int(number) <= len(self.items):
            return int(number) - 1
        return f"No item of this session has the id or number {text!r}."

    def find_next(self, needle: str | None = None) -> int | None:
        if needle is not None:
            self.last_search = needle
        wanted = self.last_search.casefold()
        total = len(self.items)
        for step in range(1, total + 1):
            candidate = (self.position + step) % total
            item = self.items[candidate]
            if wanted in item.id.casefold() or wanted in (item.text or "").casefold():
                return candidate
        return None

    # -- saving -----------------------------------------------------------------------------

    def save(self, labels: dict[str, Any], status: str = "done") -> list[str]:
        """On disk when this returns (sent by the thread); then the next item, or waiting."""
        if self.empty:
            raise LabeltuiError("no item on screen to save")
        item = self.item()
        refused = refusal(self.schema, labels, status, item)
        if refused is not None:
            raise refused
        gold = self.gold_ids.get(item.id)
        ms = int((time.monotonic() - self.shown_at) * 1000)
        extra = {"_gold": True} if gold is not None else None
        self.client.save(item.data, item.id, labels, status, ms, extra, send=False)
        self.saves += 1
        self.expected = None
        if gold is not None and status == "done":
            self.expected = expected_answer(self.schema, gold.labels, labels)
        if self.position >= len(self.items) - 1 and not self._take():
            self.position = len(self.items)  # waiting for the server
        else:
            self.position += 1
        self.shown_at = time.monotonic()
        self._wake.set()
        return []

    def undo(self) -> bool:
        undone = self.client.undo(send=False)
        if undone is None:
            return False
        self.saves = max(0, self.saves - 1)
        self.expected = None
        for position in range(len(self.items) - 1, -1, -1):
            if self.items[position].id == undone:
                self.position = position
                self.shown_at = time.monotonic()
                if self.items[position].index >= 0:  # a project item: lease it again
                    with self._lock:
                        self._relet.append(self.items[position])
                break
        self._wake.set()
        return True

    # -- the items ----------------------------------------------------------------------------

    def _take(self) -> bool:
        """Add the next item to the shown ones: a gold item where the plan has one, else one
        fetched ahead. False: none is here yet."""
        gold = self._next_gold()
        if gold is not None:
            self.items.append(gold)
            return True
        with self._lock:
            claimed = self._ahead.popleft() if self._ahead else None
        if claimed is None:
            return False
        self.items.append(self._item(claimed))
        self._wake.set()  # fetch the next one ahead
        return True

    def _next_gold(self) -> Item | None:
        if not self.gold:
            return None
        answered = len(self.store.current)
        is_gold, k = self.plan.slot(answered)
        if not is_gold:
            return None
        gold = self.gold[self.plan.order[k]]
        if self.store.is_done(gold.id) or any(item.id == gold.id for item in self.items):
            return None
        return make_item(self.schema, self.media, -1, gold.id, gold.data)

    def _item(self, claimed: Claimed) -> Item:
        return make_item(self.schema, self.media, claimed.no, claimed.item_id, claimed.data)

    # -- progress -----------------------------------------------------------------------------

    @property
    def unsent(self) -> int:
        """Lines and undos the server has not acknowledged (said once the app quit)."""
        return self.client.to_send

    def connection(self) -> str | None:
        """`offline, N to send`, or None."""
        return self.client.status_line()

    def progress(self) -> Progress:
        total = len(self.items)
        done = skipped = 0
        for ident in {item.id for item in self.items}:
            state = self.status_of(ident)
            done += state == "done"
            skipped += state == "skipped"
        elapsed = time.monotonic() - self.started
        rate = self.saves / elapsed * 3600 if self.saves and elapsed > 0 else None
        return Progress(
            position=min(self.position + 1, max(total, 1)),
            total=total,
            total_known=True,
            done=done,
            saved_this_session=self.saves,
            rate_per_hour=rate,
            remaining_seconds=None,
            skipped=skipped,
            connection=self.connection(),
        )

    def status_of(self, ident: str) -> str | None:
        record = self.store.current.get(ident)
        return None if record is None else record.status

    # -- the thread ---------------------------------------------------------------------------

    def start(self) -> TeamQueue:
        """Claim the first item (so the first screen has it) and start the thread."""
        first = self.client.claim()
        if first is not None:
            self._ahead.append(first)
        elif self.client.online:
            self.exhausted = True
        self._take()
        self._thread = threading.Thread(target=self._run, name="labeltui-team", daemon=True)
        self._thread.start()
        return self

    def _run(self) -> None:
        renewed = time.monotonic()
        while not self._stop.is_set():
            before = (self.client.online, self.client.to_send, self.exhausted)
            arrived = False
            try:
                if self.client.to_send:
                    self.client.flush()
                with self._lock:
                    need = len(self._ahead) < self.ahead
                if need:
                    got = self.client.claim()  # sends what is waiting first
                    if got is not None:
                        with self._lock:
                            self._ahead.append(got)
                        arrived = True
                    self.exhausted = got is None and self.client.online
                self._lease_again()
                if time.monotonic() - renewed >= self.renew_every:
                    renewed = time.monotonic()
                    for no in self.client.held_items():
                        self.client.renew(no)
            except Exception as exc:  # not the network: say it once, keep going
                self.failure = str(exc) or type(exc).__name__
                arrived = True
            after = (self.client.online, self.client.to_send, self.exhausted)
            if (arrived or after != before) and self.on_change is not None:
                with contextlib.suppress(Exception):  # a screen that has gone: nothing to tell
                    self.on_change()
            with self._lock:
                need = len(self._ahead) < self.ahead
            if arrived and need:
                continue
            if not self.client.online:
                timeout = self.retry
            elif need:
                timeout = IDLE if self.exhausted else self.retry
            else:
                timeout = self.renew_every
            self._wake.wait(timeout)
            self._wake.clear()

    def _lease_again(self) -> None:
        """Lease the items whose save was undone again (kept for later while offline)."""
        with self._lock:
            waiting, self._relet = self._relet, []
        for n, item in enumerate(waiting):
            if self.store.is_done(item.id):
                continue  # answered again meanwhile
            line = json.dumps(item.data, ensure_ascii=False)
            claimed = Claimed(item.index, item.id, line, datetime.now(timezone.utc))
            if not self.client.relet(claimed) and not self.client.online:
                with self._lock:
                    self._relet[:0] = waiting[n:]
                return

    def close(self) -> None:
        """Stop the thread, release the leases held (ctrl+q: the item on screen and the one
        fetched ahead), send what is left when online, close the file."""
        self._stop.set()
        self._wake.set()
        if self._thread is not None:
            self._thread.join(timeout=3)
        online = self.client.online
        self.client.close(release_held=online, send=online, timeout=3)


if TYPE_CHECKING:
    from labeltui.core.queue import ItemQueue

    def _is_a_queue(queue: TeamQueue) -> ItemQueue:  # mypy checks TeamQueue satisfies it
        return queue
