"""Which tasks an export writes, and the one line for an unknown format name.

Kept apart from the registry (`labeltui.core.formats`) so that it stays short: formats that
carry several kinds (doccano and spaCy also carry classification; Label Studio every kind)
need to know each task's kind, from the schema when given, else from the values themselves.
"""

from __future__ import annotations

import difflib
from typing import Any

from labeltui.core.annotations.values import value_kind
from labeltui.core.formats.current import Current
from labeltui.core.schema import Schema
from labeltui.errors import LabeltuiError

CLASS_KINDS = ("choice", "multi_choice")


def schema_class_task(schema: Schema | None) -> tuple[str | None, str | None]:
    """The schema's one `choice`/`multi_choice` task and its kind, when it has exactly one."""
    tasks = [t for t in schema.tasks if t.kind in CLASS_KINDS] if schema else []
    return (tasks[0].name, tasks[0].kind) if len(tasks) == 1 else (None, None)


def all_kinds(current: Current, schema: Schema | None) -> dict[str, str]:
    """Every task's kind (`taxonomy` for a nested classification task), schema order first."""
    kinds: dict[str, str] = {}
    if schema is not None:
        for t in schema.tasks:
            kinds[t.name] = "taxonomy" if t.kind in CLASS_KINDS and t.nested else t.kind
        return kinds
    for entry in current.entries:
        for name, value in entry.labels.items():
            kind = value_kind(value)
            if kind is not None and name not in kinds:
                kinds[name] = kind
    for entry in current.entries:  # tasks whose every value is empty or null
        for name in entry.labels:
            kinds.setdefault(name, "spans")
    return kinds


def class_export(
    spec: Any, current: Current, requested: str | None, schema: Schema | None
) -> tuple[str, tuple[str, ...]]:
    """(kind, (task,)) when the export writes a `choice`/`multi_choice` task, else
    (the format's kind, ()): the requested task when it is one, else the only one of a file
    without a task of the format's own kind."""
    if not spec.classes:
        return spec.kind, ()
    kinds: dict[str, str] = {}
    if schema is not None:
        kinds = {t.name: t.kind for t in schema.tasks}
    else:
        for entry in current.entries:
            for name, value in entry.labels.items():
                kind = value_kind(value)
                if kind is not None:
                    kinds.setdefault(name, kind)
    if requested is not None:
        kind = kinds.get(requested)
        return (kind, (requested,)) if kind in CLASS_KINDS else (spec.kind, ())
    if any(kind == spec.kind for kind in kinds.values()):
        return spec.kind, ()
    classes = [name for name, kind in kinds.items() if kind in CLASS_KINDS]
    if len(classes) == 1:
        return kinds[classes[0]], (classes[0],)
    if len(classes) > 1:
        raise LabeltuiError(
            f"there are several classification tasks ({', '.join(classes)}); choose one "
            "with --task",
            current.path,
        )
    return spec.kind, ()


def unknown_format(fmt: str, allowed: tuple[str, ...], verb: str) -> str:
    """The one line for a format name labeltui does not know, with the nearest one."""
    near = difflib.get_close_matches(fmt.lower(), allowed, n=1, cutoff=0.5)
    if not near:
        near = [name for name in allowed if fmt.lower() and name.startswith(fmt.lower()[:3])]
    hint = f"did you mean {near[0]}? " if near else ""
    return f"cannot {verb} {fmt!r}: {hint}the formats are {', '.join(allowed)}"
