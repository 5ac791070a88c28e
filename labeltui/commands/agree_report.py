"""The readable `labeltui agree` report, printed with Rich tables.

Every piece of text that comes from the files (annotator names, item ids, labels, span text)
goes into a `rich.text.Text` after `visible()`: markup stays literal and control characters
show as stand-ins (FORMAT section 6); a lone surrogate (a `\ud800` escape in a file) shows as
that escape.
"""

from __future__ import annotations

from typing import Any

from rich import box
from rich.console import Console
from rich.measure import Measurement
from rich.padding import Padding
from rich.table import Table
from rich.text import Text

from labeltui.core.agree import Agreement, TaskResult, pair_key
from labeltui.core.agree import report as data
from labeltui.core.annotations.notes import printable
from labeltui.core.display import visible as _visible

#: Landis & Koch (1977), "The measurement of observer agreement for categorical data".
KAPPA_BANDS = ((0.20, "slight"), (0.40, "fair"), (0.60, "moderate"), (0.80, "substantial"))


def kappa_band(value: float | None) -> str:
    """The Landis & Koch reading of a kappa (< 0 poor, ..., > .80 almost perfect)."""
    if value is None:
        return ""
    if value < 0:
        return "poor"
    for limit, name in KAPPA_BANDS:
        if value <= limit:
            return name
    return "almost perfect"


def alpha_band(value: float | None) -> str:
    """Krippendorff's (2004) reading: >= .800 reliable, >= .667 tentative, else not."""
    if value is None:
        return ""
    if value >= 0.8:
        return "reliable (≥ .800)"
    if value >= 0.667:
        return "tentative (≥ .667)"
    return "unreliable (< .667)"


def visible(text: str) -> str:
    """`display.visible`, and a lone surrogate (no UTF-8 form) shown as its escape."""
    return _visible(printable(text))


def t(text: object) -> Text:
    """Untrusted text, shown inertly."""
    return Text(visible(str(text)))


def num(value: float | None) -> Text:
    return Text("—" if value is None else f"{value:.3f}", style="dim" if value is None else "")


def interval(value: list[float] | None) -> Text:
    return Text("" if value is None else f"[{value[0]:.3f}, {value[1]:.3f}]")


def _table(console: Console, title: str | Text) -> Table:
    """A table under its own heading line (a table title would wrap to the table's width)."""
    console.print(Text.assemble("  ", title if isinstance(title, Text) else Text(title)),
                  style="italic")  # fmt: skip
    return Table(box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=True)


def print_report(
    result: Agreement, pair: tuple[str, str] | None = None, top: int = 10, console: Any = None
) -> None:
    console = console or Console(highlight=False, soft_wrap=False)
    files = ", ".join(visible(p) for p in result.table.paths)
    console.print(Text(f"Agreement of {files}", style="bold"))
    first_seen = result.table.first_seen() if top else None
    for task in result.tasks:
        console.print()
        _task(console, task, result, pair, top, first_seen)
    if result.shared_items == 0:
        console.print(Text("No item was labelled by two annotators or more.", style="bold"))


def _task(console: Console, task: TaskResult, result: Agreement, pair, top, first_seen) -> None:
    d, j = task.data, task.json
    people = ", ".join(visible(a) for a in d.annotators) or "nobody"
    head = Text.assemble(
        Text(f"Task {visible(d.name)}", style="bold"),
        f" ({d.kind}) — annotators: {people}; {j['items']} items labelled by two or more, "
        f"{j['items_complete']} by all",
    )
    console.print(head)
    if len(d.annotators) < 2:
        console.print("  fewer than two annotators labelled this task: nothing to compare")
        return
    _statistics(console, task)
    _pairwise(console, task)
    _per_label(console, task)
    if d.kind == "choice" and j["items"]:
        _confusion(console, task, pair)
    if "gold" in j:
        _gold(console, task)
    if "competence" in j:
        _competence(console, task)
    _disagreements(console, task, result, top, first_seen)


def _statistics(console: Console, task: TaskResult) -> None:
    j = task.json
    ci = j.get("ci", {})
    table = _table(console, "Statistics")
    # the figures never shrink; in a narrow terminal the names and readings wrap instead
    table.add_column("statistic", overflow="fold")
    table.add_column("value", justify="right", no_wrap=True)
    if ci:
        table.add_column("95% CI", justify="right", no_wrap=True)
    table.add_column("reading")

    def row(name: str, value, band: str = "", bounds=None) -> None:
        cells = [Text(name), num(value)]
        if ci:
            cells.append(interval(bounds))
        cells.append(Text(band))
        table.add_row(*cells)

    if task.data.kind in ("choice", "multi_choice"):
        macro = " (macro mean over labels)" if task.data.kind == "multi_choice" else ""
        row("percent agreement" + macro, j["percent_agreement"], "",
            ci.get("percent_agreement"))  # fmt: skip
        kappas = [v for v in j["cohen_kappa"].values() if v is not None]
        mean = sum(kappas) / len(kappas) if kappas else None
        row("Cohen's kappa, mean of pairs", mean, kappa_band(mean))
        row("Fleiss' kappa", j["fleiss_kappa"], kappa_band(j["fleiss_kappa"]),
            ci.get("fleiss_kappa"))  # fmt: skip
        row("Krippendorff's alpha (nominal)", j["krippendorff_alpha"],
            alpha_band(j["krippendorff_alpha"]), ci.get("krippendorff_alpha"))  # fmt: skip
        if "krippendorff_alpha_ordinal" in j:
            weighted = [v for v in j["cohen_kappa_weighted"].values() if v is not None]
            wmean = sum(weighted) / len(weighted) if weighted else None
            row(f"weighted Cohen's kappa ({j['weights']}), mean", wmean, kappa_band(wmean))
            row("Krippendorff's alpha (ordinal)", j["krippendorff_alpha_ordinal"],
                alpha_band(j["krippendorff_alpha_ordinal"]),
                ci.get("krippendorff_alpha_ordinal"))  # fmt: skip
        if "krippendorff_alpha_interval" in j:
            row("Krippendorff's alpha (interval)", j["krippendorff_alpha_interval"],
                alpha_band(j["krippendorff_alpha_interval"]),
                ci.get("krippendorff_alpha_interval"))  # fmt: skip
        if "gwet_ac1" in j:
            row("Gwet's AC1", j["gwet_ac1"], kappa_band(j["gwet_ac1"]), ci.get("gwet_ac1"))
        if "gwet_ac2" in j:
            row(f"Gwet's AC2 ({j['weights']})", j["gwet_ac2"], kappa_band(j["gwet_ac2"]),
                ci.get("gwet_ac2"))  # fmt: skip
        if "brennan_prediger" in j:
            row("Brennan-Prediger", j["brennan_prediger"], kappa_band(j["brennan_prediger"]),
                ci.get("brennan_prediger"))  # fmt: skip
    elif task.data.kind == "spans":
        row("span F1, exact match (mean of pairs)", j["span_f1_mean"], "", ci.get("span_f1_mean"))
        row("span F1, overlap (mean of pairs)", j["span_f1_partial_mean"], "",
            ci.get("span_f1_partial_mean"))  # fmt: skip
    else:
        row(f"mark F1 within {j['tolerance']:g} s (mean of pairs)", j["mark_f1_mean"], "",
            ci.get("mark_f1_mean"))  # fmt: skip
    console.print(table)
    for warning in j.get("warnings", []):  # a long one wraps under its own first word
        console.print(
            Padding(Text(f"⚠ {visible(warning)}", style="bold"), (0, 0, 0, 2), expand=False)
        )
    if task.data.kind in ("choice", "multi_choice"):
        readings = "readings: kappa after Landis & Koch (1977), alpha after Krippendorff (2004)"
        console.print(Padding(Text(readings, style="dim"), (0, 0, 0, 2), expand=False))
        console.print()


def _pairwise(console: Console, task: TaskResult) -> None:
    d, j = task.data, task.json
    key = {"spans": "span_f1", "audio_marks": "mark_f1"}.get(d.kind, "cohen_kappa")
    second = {"spans": "span_f1_partial"}.get(d.kind)
    if "cohen_kappa_weighted" in j:
        second = "cohen_kappa_weighted"
    title = {
        "cohen_kappa": "Cohen's kappa per pair (items both labelled)",
        "span_f1": "span F1 per pair: exact / overlap (items both labelled)",
        "mark_f1": "mark F1 per pair (items both labelled)",
    }[key]
    if second == "cohen_kappa_weighted":
        title = "Cohen's kappa per pair: plain / weighted (items both labelled)"
    if d.kind == "multi_choice":
        title = "Cohen's kappa per pair, macro mean over labels (items both labelled)"
    shared = data.shared_items(task)
    table = _table(console, title)
    table.add_column("")
    for who in d.annotators[1:]:
        table.add_column(t(who), justify="right")
    for i, a in enumerate(d.annotators[:-1]):
        cells: list[Text] = [t(a)]
        for k, b in enumerate(d.annotators[1:], start=1):
            if k <= i:
                cells.append(Text(""))
                continue
            p = pair_key(a, b)
            text = num(j[key].get(p))
            if second:
                text = Text.assemble(text, " / ", num(j[second].get(p)))
            cells.append(Text.assemble(text, Text(f" ({shared[(a, b)]})", style="dim")))
        table.add_row(*cells)
    console.print(table)


def _per_label(console: Console, task: TaskResult) -> None:
    d, j = task.data, task.json
    if not d.labels:
        return
    counts = data.label_counts(task)
    # the annotators' columns are counts (said in the heading, so that the columns stay as
    # narrow as their names and a 60-column terminal keeps every figure whole)
    table = _table(console, "Per label (under each annotator: how often they gave it)")
    table.add_column("label", overflow="fold")
    if d.kind == "choice":
        table.add_column("kappa, one vs rest", justify="right")
        extra = {label: v.get("fleiss_kappa") for label, v in j["per_label"].items()}
    elif d.kind == "multi_choice":
        for name in ("agreement", "Fleiss' kappa", "alpha"):
            table.add_column(name, justify="right")
    for who in d.annotators:
        table.add_column(t(who), justify="right", overflow="fold")
    for label in d.labels:
        cells = [t(label)]
        if d.kind == "choice":
            cells.append(num(extra.get(label)))
        elif d.kind == "multi_choice":
            stats = j["per_label"].get(label, {})
            cells += [num(stats.get("percent_agreement")), num(stats.get("fleiss_kappa")),
                      num(stats.get("krippendorff_alpha"))]  # fmt: skip
        cells += [Text(str(counts[label][who])) for who in d.annotators]
        table.add_row(*cells)
    console.print(table)


def abbreviations(labels: list[str], least: int = 3) -> dict[str, str]:
    """Each label's shortest start of at least `least` characters that starts no other label
    (the whole label when every start of it does: `bug` next to `bugfix`)."""
    short = {}
    for label in labels:
        others = [other for other in labels if other != label]
        for end in range(min(least, len(label)), len(label) + 1):
            if not any(other.startswith(label[:end]) for other in others):
                short[label] = label[:end]
                break
        else:
            short[label] = label
    return short


def _confusion(console: Console, task: TaskResult, pair) -> None:
    """The confusion matrix; when its label columns would not fit the console (80 columns
    when printed to a file or a pipe), they are headed by abbreviations, explained below."""
    d = task.data
    if pair is None or pair[0] not in d.annotators or pair[1] not in d.annotators:
        pair = (d.annotators[0], d.annotators[1])
    a, b = pair
    matrix = data.confusion_matrix(task, a, b)
    title = Text.assemble("Confusion: ", t(a), " (rows) vs ", t(b), " (columns)")
    _matrix(console, d.labels, matrix, title)


def _matrix(console: Console, labels: list[str], matrix: Any, title: Text) -> None:
    """A (K, K) count matrix under `title`, labels abbreviated with a legend when too wide."""
    names = {label: t(label) for label in labels}

    def confusion_table(heads: dict[str, Text]) -> Table:
        table = Table(box=box.SIMPLE_HEAD, padding=(0, 1), pad_edge=True)
        table.add_column("")
        for label in labels:
            table.add_column(heads[label], justify="right")
        for i, label in enumerate(labels):
            table.add_row(names[label], *[Text(str(int(v)), style="bold" if i == k else "")
                                          for k, v in enumerate(matrix[i])])  # fmt: skip
        return table

    heads = names
    table = confusion_table(heads)
    wide = console.options.update_width(10_000)  # the width the table wants, not its cut
    if Measurement.get(console, wide, table).maximum > console.width:
        heads = {label: t(short) for label, short in abbreviations(labels).items()}
        table = confusion_table(heads)
    _table(console, title)
    console.print(table)
    shortened = [(heads[label], names[label]) for label in labels
                 if heads[label].plain != names[label].plain]  # fmt: skip
    if shortened:
        console.print(legend([Text.assemble(h, " = ", n) for h, n in shortened], console.width))
        console.print()


def _gold(console: Console, task: TaskResult) -> None:
    """Each annotator against the gold file, and for choice tasks their confusion matrices."""
    d, scores = task.data, task.json["gold"]
    if not scores:
        console.print("  the gold file has no answers for this task\n")
        return
    table = _table(console, "Against the gold file (items both labelled)")
    table.add_column("annotator")
    table.add_column("items", justify="right")
    if d.kind == "choice":
        table.add_column("accuracy", justify="right")
        table.add_column("kappa vs gold", justify="right")
        table.add_column("reading")
    else:
        table.add_column("F1 (macro over labels)" if d.kind == "multi_choice" else "F1",
                         justify="right")  # fmt: skip
    for who, s in scores.items():
        cells = [t(who), Text(str(s["items"]))]
        if d.kind == "choice":
            cells += [num(s["accuracy"]), num(s["kappa"]), Text(kappa_band(s["kappa"]))]
        else:
            cells.append(num(s["f1"]))
        table.add_row(*cells)
    console.print(table)
    labels = list(task.data.labels)
    for who, matrix in (task.gold_confusion or {}).items():
        if scores[who]["items"]:
            k = len(labels)
            title = Text.assemble("Confusion: ", t(who), " (rows) vs gold (columns)")
            _matrix(console, labels, matrix[:k, :k], title)


def _competence(console: Console, task: TaskResult) -> None:
    """Each annotator's accuracy as Dawid-Skene estimates it from the answers alone."""
    found = task.json["competence"]
    table = _table(console, "Estimated accuracy without gold (Dawid-Skene)")
    table.add_column("annotator")
    table.add_column("accuracy", justify="right")
    for who, value in found["accuracy"].items():
        table.add_row(t(who), num(value))
    console.print(table)
    console.print(
        "  an estimate from the answers alone: check it against gold (--gold) when you can\n",
        style="dim",
    )


def legend(entries: list[Text], width: int) -> Text:
    """`  columns: acc = account, fea = feature_request`, wrapped between entries (never
    inside one) under the first entry."""
    lead = "  columns: "
    out = Text(lead)
    line = len(lead)
    for n, entry in enumerate(entries):
        if n:
            if line + 2 + entry.cell_len > width:
                out.append(",\n" + " " * len(lead))
                line = len(lead)
            else:
                out.append(", ")
                line += 2
        out.append_text(entry)
        line += entry.cell_len
    return out


def describe(kind: str, value: Any) -> str:
    """A value as short text for the disagreement table."""
    if value is None:
        return "—"
    if kind == "choice":
        return str(value)
    if kind == "multi_choice":
        return ", ".join(value) if value else "(none)"
    if not value:
        return "(none)"
    if kind == "spans":
        parts = [f"{s['label']} {s['start']}-{s['end']} {s['text'][:20]!r}" for s in value]
    else:
        parts = [f"{m['label']} {m['start']:.3f}-{m['end']:.3f}" for m in value]
    text = "; ".join(parts)
    return text if len(text) <= 80 else text[:79] + "…"


def _disagreements(
    console: Console, task: TaskResult, result: Agreement, top: int, first_seen
) -> None:
    d = task.data
    rows = data.disagreements(task, result.table.item_ids, top, first_seen)
    if not rows:
        if top:
            console.print("  no disagreements")
        return
    measure = "agreement" if d.kind in ("choice", "multi_choice") else "matched"
    table = _table(console, f"Items with the most disagreement (top {len(rows)})")
    table.add_column("item id", overflow="fold")
    table.add_column(measure, justify="right")
    for who in d.annotators:  # a long value folds: a narrow terminal shows all of it
        table.add_column(t(who), overflow="fold")
    for row in rows:
        cells = [t(row.item_id), Text(f"{row.agreement:.2f}")]
        cells += [t(describe(d.kind, row.values[who])) for who in d.annotators]
        table.add_row(*cells)
    console.print(table)
