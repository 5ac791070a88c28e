"""The footer: the keys of the focused widget, the screen and the app, on one line.

The keys a person needs on every screen (help, save, next, skip, undo, quit) come first and
always fit, at 60 columns too; the other keys follow while whole entries fit, and help (`?`),
which lists every key, says so.

Textual's `Footer` composes one widget per key, and only after the screen's bindings are
known, so the first complete screen waits for a second compose and layout pass (about 30 ms
of the time to the first screen, measured with benchmarks/open_large.py). This draws the
same line as the compact `Footer` (keys in a group share one description) as one `Static`
that is updated in place. Clicking a key presses it, as in `Footer`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable
from itertools import groupby

from rich.style import Style
from rich.text import Text
from textual.binding import Binding
from textual.events import Click
from textual.screen import Screen
from textual.widgets import Static

Entry = tuple[str, str, str | None, bool]
"""(key display, description, key to press on a click or None, enabled)."""

ESSENTIAL = ("help", "save", "next", "skip", "undo", "quit")
"""Actions whose keys the line always shows, in this order (issue: every key readable at 80x24)."""
HELP_DESCRIPTION = "All keys"
"""What the help key says on the line: every other key is one press away."""


def key_entries(
    bindings: Iterable[tuple[Binding, bool]],
    key_display: Callable[[Binding], str],
    first: tuple[str, ...] = ESSENTIAL,
) -> list[Entry]:
    """What the footer shows for the active bindings (in their order) that have `show` set.

    Several keys for one action show once (the first); neighbours that share a group show
    their keys together under the group's description, as Textual's Footer does. The actions
    in `first` come first, in that order: at 80 columns the span and audio keys fill the
    line, and help, save, next, skip, undo and quit must stay visible.
    """
    by_action: dict[str, tuple[Binding, bool]] = {}
    for binding, enabled in bindings:
        if binding.show:
            by_action.setdefault(binding.action, (binding, enabled))
    for action in reversed(first):
        if action in by_action:
            by_action = {action: by_action.pop(action), **by_action}
    entries: list[Entry] = []
    for group, grouped in groupby(by_action.values(), lambda pair: pair[0].group):
        members = list(grouped)
        if group is not None and len(members) > 1:
            keys = ("" if group.compact else " ").join(key_display(b) for b, _ in members)
            enabled = any(e for _, e in members)
            entries.append((keys, group.description, None, enabled))
        else:
            for binding, enabled in members:
                first_key = binding.key.split(",")[0].strip()
                entries.append((key_display(binding), binding.description, first_key, enabled))
    return entries


def fit_entries(entries: list[Entry], width: int, keep: int) -> list[Entry]:
    """The first `keep` entries, then as many of the others, in order, as fit whole in `width`
    cells (one space between entries)."""
    from rich.cells import cell_len

    def size(entry: Entry) -> int:
        keys, description, _, _ = entry
        return cell_len(keys) + (cell_len(description) + 1 if description else 0)

    shown = entries[:keep]
    used = sum(size(e) for e in shown) + max(0, len(shown) - 1)
    for entry in entries[keep:]:
        extra = size(entry) + (1 if shown else 0)
        if used + extra <= width:
            shown.append(entry)
            used += extra
    return shown


class KeyBar(Static):
    """One line of `key description` pairs for the keys that are active now."""

    DEFAULT_CSS = """
    KeyBar {
        height: 1;
        width: 1fr;
        background: $footer-background;
        color: $footer-description-foreground;
        text-wrap: nowrap;
        text-overflow: clip;
    }
    /* Keys in reverse video, as nano shows its keys: readable in any number of colours
       (the theme's orange key colour turns bright red, an error's colour, in 8 and 16). */
    KeyBar > .key-bar--key {
        text-style: bold reverse;
    }
    KeyBar > .key-bar--disabled {
        color: $text-disabled;
    }
    """
    COMPONENT_CLASSES = {"key-bar--key", "key-bar--disabled"}

    def __init__(self, *, id: str | None = None) -> None:
        super().__init__(markup=False, id=id)
        self._keys: list[tuple[int, int, str]] = []
        """(first cell, end cell, key) of every key that a click presses."""

    def on_mount(self) -> None:
        self.screen.bindings_updated_signal.subscribe(self, self._bindings_changed)
        self.show_keys()

    def on_unmount(self) -> None:
        self.screen.bindings_updated_signal.unsubscribe(self)

    def _bindings_changed(self, screen: Screen) -> None:
        if screen is self.screen:
            self.show_keys()

    def on_resize(self) -> None:
        self.show_keys()

    def show_keys(self) -> None:
        """Draw the keys of the bindings active now (focus decides which widget's count)."""
        active = list(self.screen.active_bindings.values())
        entries = key_entries(((b.binding, b.enabled) for b in active), self.app.get_key_display)
        actions = {b.binding.action for b in active if b.binding.show}
        keep = sum(1 for action in ESSENTIAL if action in actions)
        entries = [
            (keys, HELP_DESCRIPTION, press, on)
            if press == "question_mark"
            else (keys, d, press, on)
            for keys, d, press, on in entries
        ]
        width = self.size.width or self.app.size.width
        self.update(self.render_entries(fit_entries(entries, width, keep)))

    def render_entries(self, entries: list[Entry]) -> Text:
        key_style = self.get_component_rich_style("key-bar--key", partial=True)
        off_style = self.get_component_rich_style("key-bar--disabled", partial=True)
        text = Text(no_wrap=True, overflow="crop", end="")
        self._keys = []
        for keys, description, press, enabled in entries:
            if text:
                text.append(" ")
            start = text.cell_len
            text.append(keys, key_style if enabled else off_style + Style(bold=True))
            if description:
                text.append(" " + description, None if enabled else off_style)
            if press is not None and enabled:
                self._keys.append((start, text.cell_len, press))
        return text

    def on_click(self, event: Click) -> None:
        for start, end, key in self._keys:
            if start <= event.x < end:
                self.app.simulate_key(key)
                return
