"""A one-line question in a modal: go to an item by number or id, search ids and text.

Its own key line replaces the screen's underneath, whose keys do not work while it is open.
"""

from __future__ import annotations

from textual.app import ComposeResult
from textual.binding import Binding
from textual.containers import Vertical
from textual.screen import ModalScreen
from textual.widgets import Input, Label

from labeltui.ui.widgets.key_bar import KeyBar


class PromptScreen(ModalScreen[str | None]):
    """Asks for one line; `enter` answers it, `escape` cancels (answers None)."""

    DEFAULT_CSS = """
    PromptScreen {
        align: center middle;
    }
    PromptScreen > Vertical {
        width: 60;
        max-width: 90%;
        height: auto;
        border: round $accent;
        padding: 0 1;
        background: $surface;
    }
    PromptScreen > KeyBar {
        dock: bottom;
    }
    """
    BINDINGS = [
        Binding("escape", "cancel", "Cancel", id="prompt.cancel", key_display="esc"),
    ]

    def __init__(self, question: str, placeholder: str = "", value: str = "") -> None:
        super().__init__()
        self.question = question
        self.placeholder = placeholder
        self.value = value

    def compose(self) -> ComposeResult:
        with Vertical():
            yield Label(self.question, markup=False)
            yield Input(value=self.value, placeholder=self.placeholder, id="answer")
        yield KeyBar(id="prompt-key-bar")

    def on_input_submitted(self, event: Input.Submitted) -> None:
        self.dismiss(event.value)

    def action_cancel(self) -> None:
        self.dismiss(None)
