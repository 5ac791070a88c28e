"""Nested labels (FORMAT section 8): the tree of a task's labels, their paths and keys.

A nested label's value is its path, the names from the root joined by `/`. The schema gives the
tree either inline (`children`, any depth) or as a `labels_file` of JSON lines with `parent`;
both arrive here as `Draft` nodes, and `flatten` turns them into the depth-first list of paths a
`Task` holds, with keys assigned per level (a node's key picks it among its siblings), so that
nine keys a level reach any node. Everything that compares answers (agree, review, stats,
export) sees paths as plain label names.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from labeltui.errors import LabeltuiError

SEPARATOR = "/"
MAX_LEVELS = 32
"""Deepest nesting of labels (a real taxonomy has under ten levels)."""


@dataclass(slots=True)
class Draft:
    """One label as the schema wrote it, before keys and paths."""

    name: str
    line: int | None
    key: str | None = None
    hint: str = ""
    color: str | None = None
    aliases: tuple[str, ...] = ()
    children: list[Draft] = field(default_factory=list)
    path: str = ""
    source: Path | None = None
    """The labels_file the label comes from (None: the schema itself)."""


def walk(roots: Iterable[Draft]) -> Iterator[Draft]:
    """Depth-first, parents before children, in the schema's order."""
    stack = list(reversed(list(roots)))
    while stack:
        node = stack.pop()
        yield node
        stack.extend(reversed(node.children))


def set_paths(roots: list[Draft], where: str, fail: Callable[[str, Draft], Exception]) -> None:
    """Give every node its path; refuse `/` in a nested name and a path given twice."""
    nested = any(root.children for root in roots)
    seen: dict[str, int | None] = {}
    stack: list[tuple[Draft, str]] = [(root, "") for root in reversed(roots)]
    while stack:
        node, prefix = stack.pop()
        if nested and SEPARATOR in node.name:
            raise fail(
                f"{where}: label {node.name!r} holds '/', which joins the names of a path "
                "in a nested task",
                node,
            )
        node.path = prefix + node.name
        if node.path in seen:
            first = seen[node.path]
            at = f" (first at line {first})" if first is not None else ""
            raise fail(f"{where}: duplicate label path {node.path!r}{at}", node)
        seen[node.path] = node.line
        stack.extend((child, node.path + SEPARATOR) for child in reversed(node.children))


def parent_of(path: str) -> str | None:
    """The parent's path, or None for a top-level label (paths of flat tasks have no parent)."""
    cut = path.rfind(SEPARATOR)
    return path[:cut] if cut > 0 else None


def ancestors(path: str) -> list[str]:
    """The paths above `path`, root first (`a/b/c` -> `a`, `a/b`)."""
    parts = path.split(SEPARATOR)
    return [SEPARATOR.join(parts[:i]) for i in range(1, len(parts))]


def cut(path: str, depth: int) -> str:
    """The path cut to `depth` names (a shorter path stays whole)."""
    return SEPARATOR.join(path.split(SEPARATOR)[:depth])


def depth_of(path: str) -> int:
    return path.count(SEPARATOR) + 1


def with_ancestors(paths: Iterable[str]) -> set[str]:
    """The paths and every ancestor of each (choosing a node implies its ancestors)."""
    out: set[str] = set()
    for path in paths:
        out.add(path)
        out.update(ancestors(path))
    return out


# -- labels_file ---------------------------------------------------------------------------------

_FILE_KEYS = {"name", "parent", "aliases", "hint", "key", "color"}
MAX_FILE_BYTES = 64 << 20
"""A labels file larger than this is refused (a million labels are about 50 MB)."""


def read_labels_file(path: Path, where: str) -> list[Draft]:
    """A `labels_file`: one `{"name", "parent"?, "aliases"?, "hint"?, "key"?}` per line.

    `parent` is the parent's name, or its path when names repeat; parents may come after their
    children in the file. Unknown parents, cycles and duplicate paths are refused with the
    file's line."""
    try:
        with open(path, "rb") as f:
            raw = f.read(MAX_FILE_BYTES + 1)
    except FileNotFoundError:
        raise LabeltuiError(f"{where}: labels_file not found", path) from None
    except OSError as exc:
        raise LabeltuiError(f"{where}: cannot read labels_file: {exc.strerror}", path) from None
    if len(raw) > MAX_FILE_BYTES:
        raise LabeltuiError(f"{where}: labels_file is larger than 64 MB", path)
    if raw.startswith(b"\xef\xbb\xbf"):
        raw = raw[3:]
    nodes: list[Draft] = []
    parents: list[str | None] = []
    for number, line in enumerate(raw.split(b"\n"), start=1):
        if not line.strip():
            continue

        def fail(message: str, number: int = number) -> LabeltuiError:
            return LabeltuiError(f"{where}: {message}", path, number)

        try:
            obj = json.loads(line.decode("utf-8"))
        except UnicodeDecodeError:
            raise fail("not UTF-8 text") from None
        except (ValueError, RecursionError) as exc:
            raise fail(f"not valid JSON ({str(exc).split(':')[0]})") from None
        if not isinstance(obj, dict):
            raise fail("a line must be a JSON object with a 'name'")
        unknown = sorted(set(obj) - _FILE_KEYS)
        if unknown:
            raise fail(f"unknown key {unknown[0]!r} (known: {', '.join(sorted(_FILE_KEYS))})")
        name = _text(obj.get("name"), "'name'", fail)
        parent = obj.get("parent")
        if parent is not None:
            parent = _text(parent, "'parent'", fail)
        aliases = obj.get("aliases", [])
        if not isinstance(aliases, list):
            raise fail("'aliases' must be a list of strings")
        key = obj.get("key")
        if key is not None and (not isinstance(key, str) or len(key) != 1):
            raise fail("'key' must be a single character")
        hint = obj.get("hint", "")
        color = obj.get("color")
        nodes.append(
            Draft(
                name,
                number,
                key=key,
                hint=_text(hint, "'hint'", fail, allow_empty=True),
                color=None if color is None else _text(color, "'color'", fail),
                aliases=tuple(_text(a, "an alias", fail) for a in aliases),
                source=path,
            )
        )
        parents.append(parent)
    if not nodes:
        raise LabeltuiError(f"{where}: labels_file holds no labels", path)
    return _link(nodes, parents, path, where)


def _text(
    value: Any, what: str, fail: Callable[[str], LabeltuiError], allow_empty: bool = False
) -> str:
    if not isinstance(value, str) or not (allow_empty or value.strip()):
        raise fail(f"{what} must be a {'string' if allow_empty else 'non-empty string'}")
    if any("\ud800" <= c <= "\udfff" for c in value):
        raise fail(f"{what} holds a lone surrogate, which is not text")
    return value


def _link(nodes: list[Draft], parents: list[str | None], path: Path, where: str) -> list[Draft]:
    """Attach each node to its parent: by name, or by path when the parent holds a `/`."""
    by_name: dict[str, list[int]] = {}
    for i, node in enumerate(nodes):
        by_name.setdefault(node.name, []).append(i)

    def fail(message: str, i: int) -> LabeltuiError:
        return LabeltuiError(f"{where}: {message}", path, nodes[i].line)

    link: list[int | None] = [None] * len(nodes)
    by_path: dict[int, str] = {}  # children whose parent is given as a path
    for i, parent in enumerate(parents):
        if parent is None:
            continue
        if SEPARATOR in parent:
            by_path[i] = parent
            continue
        found = by_name.get(parent)
        if not found:
            raise fail(f"unknown parent {parent!r}", i)
        if len(found) > 1:
            raise fail(
                f"parent {parent!r} names several labels; give its path (names joined by '/')", i
            )
        link[i] = found[0]
    paths: list[str | None] = [None] * len(nodes)
    index: dict[str, int] = {}
    changed, passes = True, 0
    while changed and passes <= MAX_LEVELS:  # a node's path is known once its parent's is
        changed, passes = False, passes + 1
        for i, node in enumerate(nodes):
            if paths[i] is not None:
                continue
            if i in by_path:
                j = index.get(by_path[i])
                if j is None:
                    continue
                link[i] = j
                del by_path[i]
            if parents[i] is None:
                paths[i] = node.name
            elif link[i] is not None and paths[link[i]] is not None:  # type: ignore[index]
                paths[i] = f"{paths[link[i]]}{SEPARATOR}{node.name}"  # type: ignore[index]
            else:
                continue
            index.setdefault(paths[i], i)  # type: ignore[arg-type]
            changed = True
    for i, parent in by_path.items():
        raise fail(f"unknown parent {parent!r}", i)
    for i, known in enumerate(paths):
        if known is None:
            raise fail(
                f"label {nodes[i].name!r} has no way up to a top-level label: its parents form a "
                f"cycle, or it is deeper than {MAX_LEVELS} levels",
                i,
            )
    roots = []
    for node, up in zip(nodes, link, strict=True):
        if up is None:
            roots.append(node)
        else:
            nodes[up].children.append(node)
    return roots


def abbreviate(path: str, width: int, measure: Callable[[str], int] = len) -> str:
    """`path` in at most `width` cells, cut from the left at a `/` when it can be
    (`…/biology/genetics`): the end of a path says what the label is, the start where it is.

    `measure` gives a string's width in cells (the UI passes one that counts wide characters).
    """
    if measure(path) <= width:
        return path
    parts = path.split(SEPARATOR)
    tail = parts[-1]
    for part in reversed(parts[:-1]):
        longer = f"{part}{SEPARATOR}{tail}"
        if measure("…" + SEPARATOR + longer) > width:
            break
        tail = longer
    shown = "…" + SEPARATOR + tail
    while measure(shown) > width and len(shown) > 1:
        shown = "…" + shown[2:]  # even the last name is too long: cut it from the left too
    return shown
