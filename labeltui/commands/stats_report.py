"""`labeltui stats`' readable report: Rich tables and a bar chart per task.

Text from the files (annotator, task and label names) goes into `rich.text.Text` after
`visible()`, so markup and control characters stay inert (FORMAT 6), and through
`printable()`, so a lone surrogate (a `\\ud800` escape in a file) shows as that escape
instead of crashing the print.
"""

from __future__ import annotations

from typing import Any

#: Eighths of a block, for bars with sub-character precision.
_EIGHTHS = " ▏▎▍▌▋▊▉"
BAR_WIDTH = 30


def tree_label(path: str) -> str:
    """A nested label as a line of an indented tree: its own name under its parent's."""
    depth = path.count("/")
    return "  " * depth + path.rsplit("/", 1)[-1]


def bar(share: float, width: int = BAR_WIDTH) -> str:
    """A bar of `share` (0..1) of `width` cells, in full and partial blocks."""
    eighths = round(max(0.0, min(1.0, share)) * width * 8)
    full, part = divmod(eighths, 8)
    return ("█" * full + (_EIGHTHS[part] if part else "")).ljust(width)


def print_stats(result: dict[str, Any], console: Any = None) -> None:
    """The readable report: annotators, then a table and a bar chart per task."""
    from rich import box
    from rich.console import Console
    from rich.table import Table
    from rich.text import Text

    from labeltui.core.annotations.notes import printable
    from labeltui.core.display import visible as _visible

    def visible(text: str) -> str:
        return _visible(printable(text))

    def t(text: object) -> Text:
        return Text(visible(str(text)))

    def num(value: float | None, fmt: str) -> Text:
        return Text("—" if value is None else format(value, fmt), justify="right")

    console = console or Console(highlight=False, soft_wrap=False)
    console.print(Text("Label statistics of " + visible(", ".join(result["files"])), style="bold"))
    annotators = result["annotators"]
    names = list(annotators)
    if not names:
        console.print(Text("No annotations and no pre-annotations in these files."))
        return
    table = Table(title=Text("Annotators"), box=box.SIMPLE_HEAD, title_justify="left")
    widest = max(len(visible(name)) for name in names)
    table.add_column("Annotator", overflow="fold", min_width=min(max(widest, len("Annotator")), 32))
    for header in ("Done", "Skipped", "Median\ns/item", "Per hour\n(screen)", "Per hour\n(wall)"):
        table.add_column(header, justify="right")
    for name, a in annotators.items():
        table.add_row(t(name), Text(str(a["done"])), Text(str(a["skipped"])),
                      num(a["median_seconds"], ".1f"), num(a["per_hour_on_screen"], ".1f"),
                      num(a["per_hour_wall"], ".1f"))  # fmt: skip
    console.print(table)

    for task, data in result["tasks"].items():
        title = Text.assemble(("Task ", "bold"), (visible(task), "bold"), f" ({data['kind']})")
        table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left")
        nested = any("total_with_descendants" in e for e in data["labels"].values())
        table.add_column("Label", overflow="fold")
        table.add_column("Total", justify="right")
        if nested:
            table.add_column("With\nlabels under", justify="right")
        table.add_column("Share %", justify="right")
        for name in names:
            table.add_column(t(name), justify="right")
        for label, entry in data["labels"].items():
            shown = t(tree_label(label)) if nested else t(label)
            cells = [shown, Text(str(entry["total"]))]
            if nested:
                cells.append(Text(str(entry.get("total_with_descendants", ""))))
            cells.append(num(_pct(entry["share"]), ".1f"))
            for name in names:
                n = entry["by_annotator"][name]
                share = entry["share_by_annotator"][name]
                cells.append(Text(f"{n} ({share:.0%})" if share is not None else str(n)))
            if "seconds" in entry:
                cells[0] = Text.assemble(cells[0], (f" ({entry['seconds']:.1f} s)", "dim"))
            table.add_row(*cells)
        blanks = [Text("")] * (2 if nested else 1)
        table.add_row(Text("(no answer)", style="dim"), Text(str(sum(data["empty"].values()))),
                      *blanks, *(Text(str(data["empty"][n])) for n in names))  # fmt: skip
        console.print(table)
        if data["total"]:
            chart = Table.grid(padding=(0, 1))
            chart.add_column()
            chart.add_column()
            chart.add_column(justify="right")
            for label, entry in data["labels"].items():
                share = entry["share"] or 0.0
                name = tree_label(label) if nested else label
                chart.add_row(t(name), Text(bar(share)), Text(f"{share:6.1%}"))
            console.print(chart)
            console.print()
    if "gold_accuracy" in result:
        print_gold(result["gold_accuracy"], console, t, num)


def print_gold(gold: dict[str, Any], console: Any, t: Any, num: Any) -> None:
    """The table of each annotator's accuracy on the gold items, overall, first and last."""
    from rich import box
    from rich.table import Table
    from rich.text import Text

    window = gold["window"]
    title = Text.assemble(("Gold accuracy", "bold"), " against ", t(gold["file"]))
    table = Table(title=title, box=box.SIMPLE_HEAD, title_justify="left")
    table.add_column("Annotator", overflow="fold")
    for header in ("Gold\nitems", "Accuracy\n%", f"First {window}\n%", f"Last {window}\n%"):
        table.add_column(header, justify="right")
    for name, a in gold["annotators"].items():
        table.add_row(t(name), Text(str(a["items"])), num(_pct(a["accuracy"]), ".1f"),
                      num(_pct(a["first"]["accuracy"]), ".1f"),
                      num(_pct(a["last"]["accuracy"]), ".1f"))  # fmt: skip
    if not gold["annotators"]:
        console.print(Text.assemble(title, ": no annotator answered a gold item."))
        return
    console.print(table)


def _pct(share: float | None) -> float | None:
    return None if share is None else 100 * share
