"""The help screen: every key of the app, the task editors and the labels, and the guidelines."""

from __future__ import annotations

from typing import TYPE_CHECKING

from rich.table import Table
from rich.text import Text
from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import VerticalScroll
from textual.screen import ModalScreen
from textual.widgets import Static

from labeltui.core.display import visible
from labeltui.core.schema import Schema

if TYPE_CHECKING:
    from rich.markdown import Markdown


def key_label(key: str) -> str:
    """How a key is written on screen: `ctrl+g` -> `^g`, `question_mark` -> `?`."""
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
    }
    parts = []
    for key_part in key.split(","):
        key_part = key_part.strip()
        if key_part.startswith("ctrl+"):
            parts.append("^" + names.get(key_part[5:], key_part[5:]))
        else:
            parts.append(names.get(key_part, key_part))
    return " ".join(parts)


class HelpScreen(ModalScreen[None]):
    """Lists keys in groups; `escape`, `?` or `q` closes it."""

    DEFAULT_CSS = """
    HelpScreen {
        align: center middle;
    }
    HelpScreen > VerticalScroll {
        width: 90%;
        height: 90%;
        border: round $accent;
        background: $surface;
        padding: 0 1;
    }
    """
    BINDINGS = [
        Binding("escape,question_mark,q,f1", "close", "Close help", id="help.close"),
    ]

    def __init__(self, schema: Schema, groups: list[tuple[str, list[tuple[str, str]]]]) -> None:
        super().__init__()
        self.schema = schema
        self.groups = groups

    def compose(self) -> ComposeResult:
        # The guidelines come first: they are what an annotator opens help for most often.
        with VerticalScroll():
            title = self.schema.title or "labeltui"
            yield Static(Text(visible(title), style="bold underline"))
            if self.schema.instructions.strip():
                yield Static(Text("Guidelines", style="bold"))
                yield Static(_guidelines(self.schema.instructions), id="help-guide")
            yield Static(self._keys(), id="help-keys")

    def _keys(self) -> Table:
        table = Table.grid(padding=(0, 2))
        table.add_column(style="bold", no_wrap=True)
        table.add_column()
        for group, rows in self.groups:
            table.add_row("", "")
            table.add_row(Text(group, style="bold underline"), "")
            for key, description in rows:
                table.add_row(Text(key), Text(visible(description)))
        return table

    def action_close(self) -> None:
        self.dismiss(None)


def _guidelines(instructions: str) -> Markdown:
    """The schema's instructions as Markdown, so paragraphs reflow to the screen and lists
    read as lists (the schema is the project's own file, unlike dataset text, which is never
    interpreted); control characters are still shown as stand-ins."""
    from rich.markdown import Markdown

    return Markdown(visible(instructions.strip()))
