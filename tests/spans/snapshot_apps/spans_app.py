"""A SpanEditor with pre-annotated spans in four colours, for the snapshot test.

Run it by hand with `python tests/spans/snapshot_apps/spans_app.py`.
"""

from __future__ import annotations

from textual.app import App, ComposeResult

from labeltui.core.items import Item
from labeltui.core.schema import parse_schema
from labeltui.ui.widgets.key_bar import KeyBar
from labeltui.ui.widgets.span_editor import SpanEditor

SCHEMA = """\
tasks:
  - name: entities
    kind: spans
    labels:
      - {name: PERSON, key: p, color: magenta}
      - {name: ORG, key: o, color: cyan}
      - {name: LOC, key: l, color: green}
      - {name: DATE, key: d}
"""

TEXT = (
    "Angela Merkel met Emmanuel Macron at the Élysée Palace in Paris on 3 May 2021. "
    "Later, 東京 hosted a delegation from Société Générale 🏦 and 👩🏽\u200d💻 engineers "
    "from [bold]Mozilla[/bold].\n"
    "Their joint statement was short."
)


def find(word: str, label: str) -> dict:
    start = TEXT.index(word)
    return {"start": start, "end": start + len(word), "label": label}


VALUE = [
    find("Angela Merkel", "PERSON"),
    find("Emmanuel Macron", "PERSON"),
    find("Élysée Palace", "LOC"),
    find("Paris", "LOC"),
    find("3 May 2021", "DATE"),
    find("東京", "LOC"),
    find("Société Générale", "ORG"),
    find("[bold]Mozilla[/bold]", "ORG"),
]


class SpansApp(App[None]):
    def compose(self) -> ComposeResult:
        task = parse_schema(SCHEMA).tasks[0]
        self.editor = SpanEditor(task, id="task-entities")
        yield self.editor
        yield KeyBar()

    def on_mount(self) -> None:
        self.editor.load(Item(0, "snap", {"text": TEXT}, text=TEXT), VALUE)
        self.editor.focus()


app = SpansApp()

if __name__ == "__main__":
    app.run()
