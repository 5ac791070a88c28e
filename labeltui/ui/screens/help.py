"""The help screen: every key, the current task's first, then the guidelines one key away.

Its first line says how to close and scroll it; its key line (a `KeyBar`, as on every screen)
shows its own keys. The groups come from the screen that opened it (`LabellingScreen.key_groups`):
the keys of the task being labelled first, then moving and saving, then the rest. The
guidelines (the schema's `instructions`) follow the keys; `g` jumps to them and back.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.cells import cell_len
from rich.console import Group
from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from labeltui.core.display import visible, visible_line
from labeltui.core.schema import Schema
from labeltui.ui.widgets.key_bar import KeyBar

if TYPE_CHECKING:
    from rich.markdown import Markdown

KeyGroups = list[tuple[str, list[tuple[str, str]]]]
"""(group title, [(key, what it does), ...]) in the order help shows them."""


def key_label(key: str) -> str:
    """How a key is written on screen: `ctrl+g` -> `^g`, `question_mark` -> `?`,
    `shift+left` -> `⇧←`; several keys for one action are separated by spaces."""
    names = {
        "question_mark": "?",
        "slash": "/",
        "space": "space",
        "pagedown": "PgDn",
        "pageup": "PgUp",
        "left_square_bracket": "[",
        "right_square_bracket": "]",
        "plus": "+",
        "minus": "-",
        "enter": "Enter",
        "escape": "Esc",
        "backspace": "⌫",
        "delete": "Del",
        "tab": "Tab",
        "home": "Home",
        "end": "End",
        "left": "←",
        "right": "→",
        "up": "↑",
        "down": "↓",
    }
    modifiers = {"ctrl": "^", "shift": "⇧", "alt": "alt+"}
    parts = []
    for key_part in key.split(","):
        *mods, name = key_part.strip().split("+")
        prefix = "".join(modifiers.get(mod, mod + "+") for mod in mods)
        parts.append(prefix + names.get(name, name))
    return " ".join(parts)


_SCROLL = Binding.Group("Scroll")


class HelpScreen(ModalScreen[None]):
    """Lists keys in groups, then the guidelines; `escape`, `?`, `q` or `f1` closes it."""

    DEFAULT_CSS = """
    HelpScreen {
        background: $surface;
    }
    HelpScreen > #help-first {
        height: auto;
        padding: 0 1;
        text-style: bold;
        background: $panel;
    }
    HelpScreen > #help-scroll {
        height: 1fr;
        padding: 0 1;
    }
    HelpScreen #help-guide-title {
        margin-top: 1;
        text-style: bold underline;
    }
    """
    BINDINGS = [
        Binding("escape,question_mark,q,f1", "close", "Close", id="help.close", key_display="esc"),
        Binding("up", "scroll_lines(-1)", "Scroll", id="help.up", key_display="↑", group=_SCROLL),
        Binding(
            "down", "scroll_lines(1)", "Scroll", id="help.down", key_display="↓", group=_SCROLL
        ),
        Binding("pageup", "scroll_page(-1)", "Scroll", id="help.pageup", group=_SCROLL),
        Binding("pagedown", "scroll_page(1)", "Scroll", id="help.pagedown", group=_SCROLL),
        Binding("home", "scroll_to_edge(0)", "Top", id="help.home", show=False),
        Binding("end", "scroll_to_edge(1)", "Bottom", id="help.end", show=False),
        Binding("g", "guidelines", "Guidelines", id="help.guidelines"),
    ]

    def __init__(self, schema: Schema, groups: KeyGroups) -> None:
        super().__init__()
        self.schema = schema
        self.groups = groups
        self.has_guidelines = bool(schema.instructions.strip())
        self.scroller = VerticalScroll(id="help-scroll", can_focus=False)
        """Scrolled by the screen's keys: a focused scroll view's own keys would hide them
        from the key line."""

    def compose(self) -> ComposeResult:
        yield Static(self.first_line(), id="help-first")
        with self.scroller:
            yield Static(self._keys(), id="help-keys")
            if self.has_guidelines:
                title = f"Guidelines: {self.schema.title}" if self.schema.title else "Guidelines"
                yield Static(Text(visible_line(title)), id="help-guide-title")
                yield Static(_guidelines(self.schema.instructions), id="help-guide")
        yield KeyBar(id="help-key-bar")

    def first_line(self) -> Text:
        """How to close and scroll help, and how to reach the guidelines (when there are)."""
        text = Text("esc or ? closes · ↑↓ pgup pgdn scroll", no_wrap=False)
        if self.has_guidelines:
            text.append(" · g guidelines")
        return text

    def _keys(self) -> Group:
        """Each group under its title, the keys in one column as wide as the widest key (a
        title over the whole line, so a long task name never widens the key column)."""
        width = max(
            (cell_len(visible_line(key)) for _, rows in self.groups for key, _ in rows),
            default=1,
        )
        parts: list[Text | Table] = []
        for number, (group, rows) in enumerate(self.groups):
            title = Text(visible_line(group), style="bold underline")
            if number:
                title = Text("\n").append_text(title)
            parts.append(title)
            table = Table.grid(padding=(0, 2))
            table.add_column(style="bold", no_wrap=True, width=width)
            table.add_column(overflow="fold")
            for key, description in rows:
                table.add_row(Text(visible_line(key)), Text(visible(description)))
            parts.append(table)
        return Group(*parts)

    def check_action(self, action: str, parameters: tuple[object, ...]) -> bool | None:
        """`g` is only there when the schema has guidelines."""
        if action == "guidelines":
            return self.has_guidelines
        return True

    def action_close(self) -> None:
        self.dismiss(None)

    def action_scroll_lines(self, lines: int) -> None:
        self.scroller.scroll_relative(y=lines, animate=False)

    def action_scroll_page(self, pages: int) -> None:
        if pages < 0:
            self.scroller.scroll_page_up(animate=False)
        else:
            self.scroller.scroll_page_down(animate=False)

    def action_scroll_to_edge(self, end: int) -> None:
        if end:
            self.scroller.scroll_end(animate=False)
        else:
            self.scroller.scroll_home(animate=False)

    def action_guidelines(self) -> None:
        """Show the guidelines at the top; pressed again there, go back to the keys."""
        if not self.has_guidelines:
            return
        title = self.query_one("#help-guide-title", Static)
        top = title.virtual_region.y
        if self.scroller.scroll_y >= min(top, self.scroller.max_scroll_y):
            self.scroller.scroll_home(animate=False)
        else:
            self.scroller.scroll_to(y=top, animate=False)


def _guidelines(instructions: str) -> Markdown:
    """The schema's instructions as Markdown, so paragraphs reflow to the screen and lists
    read as lists (the schema is the project's own file, unlike dataset text, which is never
    interpreted); control characters are still shown as stand-ins."""
    from rich.markdown import Markdown

    return Markdown(visible(instructions.strip()))
