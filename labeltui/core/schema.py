"""The label schema (FORMAT section 2): load, validate, and assign keys.

YAML is read with the safe loader only, as a node tree, so that every message can name the line
it is about. Validation is strict: a typo in a key is an error, not a silently ignored option.
"""

from __future__ import annotations

import os
import stat
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import yaml

from labeltui.core import taxonomy
from labeltui.errors import LabeltuiError

KINDS = ("choice", "multi_choice", "spans", "audio_marks")
TOKENIZERS = ("words", "chars")

#: Printable keys the app keeps for itself: help, search, and the span/audio editing keys.
RESERVED_KEYS = frozenset("?/[]+- ")
#: Keys the app assigns, in order, to labels that have none.
AUTO_KEYS = "1234567890abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ"

_SCHEMA_KEYS = {"title", "instructions", "text_field", "audio_field", "tasks"}
_TASK_KEYS = {
    "name",
    "kind",
    "labels",
    "ordinal",
    "tokenizer",
    "allow_overlap",
    "hint",
    "required",
    "labels_file",
    "leaf_only",
}
_LABEL_KEYS = {"name", "key", "hint", "color", "children", "aliases"}


@dataclass(frozen=True, slots=True)
class Label:
    """One answer a task offers."""

    name: str
    key: str
    """The single character that picks this label (assigned when the schema gives none)."""
    hint: str = ""
    color: str | None = None
    aliases: tuple[str, ...] = ()
    """Other words the label picker matches (nested and large label sets)."""
    parent: str | None = None
    """Nested tasks: the parent's path (`name` is the label's path); None at the top level."""
    inner: bool = False
    """Nested tasks: the label has children (its key opens them)."""


@dataclass(frozen=True, slots=True)
class Task:
    """One question asked of every item; its answer is stored under `labels[name]`."""

    name: str
    kind: str
    labels: tuple[Label, ...]
    ordinal: bool = False
    """Labels are in order (choice only): agreement also reports weighted statistics."""
    tokenizer: str = "words"
    """How span selection moves (spans only): `words` or `chars`."""
    allow_overlap: bool = False
    """Whether spans of this task may overlap (spans only)."""
    hint: str = ""
    required: bool = False
    """An answer must be given before the item can be saved as done (skipping stays open).
    Default true for `choice`, false for the other kinds, where an empty answer means something
    ("no entities")."""
    leaf_only: bool = False
    """Nested tasks: only a label without children is an answer."""

    @property
    def label_names(self) -> tuple[str, ...]:
        return tuple(label.name for label in self.labels)

    @property
    def nested(self) -> bool:
        """The labels form a tree (FORMAT section 8): values are paths."""
        return any(label.inner for label in self.labels)

    def label_for_key(self, key: str, parent: str | None = None) -> Label | None:
        """The label `key` picks among the children of `parent` (None: the top level)."""
        if not key:
            return None
        for label in self.labels:
            if label.key == key and label.parent == parent:
                return label
        return None

    def answerable(self, name: str) -> bool:
        """Whether `name` may be given as an answer (a known label; a leaf when `leaf_only`)."""
        for label in self.labels:
            if label.name == name:
                return not (self.leaf_only and label.inner)
        return False


@dataclass(frozen=True, slots=True)
class Schema:
    """A validated schema."""

    tasks: tuple[Task, ...]
    title: str = ""
    instructions: str = ""
    text_field: str = "text"
    audio_field: str = "audio"
    path: str | None = field(default=None, compare=False)

    def task(self, name: str) -> Task:
        for task in self.tasks:
            if task.name == name:
                return task
        raise KeyError(name)

    @property
    def is_triage(self) -> bool:
        """A single choice task: a label key saves and advances."""
        return len(self.tasks) == 1 and self.tasks[0].kind == "choice"


def load_schema(path: str | Path) -> Schema:
    """Read and validate a schema file; raise `LabeltuiError` naming the file and line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LabeltuiError("schema file not found", path) from None
    except IsADirectoryError:
        raise LabeltuiError("is a folder, not a schema file", path) from None
    except OSError as exc:
        raise LabeltuiError(f"cannot read schema: {exc.strerror or exc}", path) from None
    except UnicodeDecodeError as exc:
        raise LabeltuiError(f"cannot read schema: not UTF-8 text ({exc.reason})", path) from None
    try:
        return parse_schema(text, str(path))
    except LabeltuiError as exc:
        if not looks_like_dataset(path, text):
            raise
        raise LabeltuiError(exc.message + DATASET_HINT, exc.path, exc.line) from None


#: Added to a schema's or a dataset's first error when the file looks like the other one.
DATASET_HINT = (
    "; this file looks like a dataset, not a schema: were the dataset and --schema swapped?"
)
SCHEMA_HINT = (
    "; this file looks like a schema, not a dataset: were the dataset and --schema swapped?"
)


def looks_like_dataset(path: str | Path, text: str) -> bool:
    """A .jsonl/.json file, or one whose first line is a JSON object: given as the schema, it
    is most likely the dataset, put where the schema goes."""
    import json

    if Path(path).suffix.lower() in (".jsonl", ".json"):
        return True
    first = next((line for line in text.splitlines() if line.strip()), "")
    try:
        return isinstance(json.loads(first), dict)
    except (ValueError, RecursionError):
        return False


def looks_like_schema(path: str | Path, limit: int = 1 << 20) -> bool:
    """A .yaml/.yml file, or a small one that YAML reads as a mapping with `tasks`: given as
    the dataset, it is most likely the schema (read with the same guards as a schema)."""
    path = Path(path)
    if path.suffix.lower() in (".yaml", ".yml"):
        return True
    loader = None
    try:
        fd = os.open(path, os.O_RDONLY | os.O_NONBLOCK)  # a FIFO must not block here
        try:
            if not stat.S_ISREG(os.fstat(fd).st_mode):
                return False
            text = os.pread(fd, limit + 1, 0).decode("utf-8")
        finally:
            os.close(fd)
        if len(text) > limit:
            return False
        loader = _SchemaLoader(text, str(path))
        root = loader.get_single_node()
    except (OSError, UnicodeDecodeError, yaml.YAMLError, LabeltuiError):
        return False
    finally:
        if loader is not None:
            loader.dispose()
    return isinstance(root, yaml.MappingNode) and any(
        isinstance(key, yaml.ScalarNode) and key.value == "tasks" for key, _ in root.value
    )


def parse_schema(text: str, path: str = "<schema>") -> Schema:
    """Validate schema YAML given as text."""
    loader = None
    try:
        loader = _SchemaLoader(text, path)  # checks every character first
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        problem = exc.problem or exc.context or "cannot be read"
        if exc.problem and exc.context:
            at = f" at line {exc.context_mark.line + 1}" if exc.context_mark else ""
            problem = f"{exc.problem} ({exc.context}{at})"
        problem = " ".join(problem.split())
        raise LabeltuiError(f"invalid YAML: {problem}", path, line) from None
    except yaml.reader.ReaderError as exc:
        code = exc.character if isinstance(exc.character, int) else ord(exc.character)
        line = text.count("\n", 0, exc.position) + 1
        raise LabeltuiError(
            f"invalid YAML: character U+{code:04X} is not allowed in a YAML file "
            f'(to mean it, write "\\u{code:04x}" inside a double-quoted string)',
            path,
            line,
        ) from None
    except yaml.YAMLError as exc:
        reason = " ".join(str(exc).split())
        raise LabeltuiError(f"invalid YAML: {reason}", path) from None
    finally:
        if loader is not None:
            loader.dispose()
    _reject_tags(root, path)
    return _Parser(path).schema(root)


MAX_DEPTH = 64
"""Deepest nesting a schema may have (a real one needs 5 levels): deeper YAML is refused before
PyYAML's recursive composer could overflow the stack."""
MAX_ALIASED = 100_000
"""Most YAML nodes that aliases (`*name`) may add to a schema, counted as if written out: sharing
a label list between tasks is fine, a "billion laughs" (aliases of aliases) is refused at once."""


class _SchemaLoader(yaml.SafeLoader):
    """The safe loader, composing nodes only, that refuses what would make the walk explode.

    PyYAML composes an alias as the very node it names, so the tree can be a graph: an alias
    inside its own anchor makes a loop, and aliases of aliases describe a tree of billions of
    nodes in a few lines. Both are refused here with the alias's line, while composing, and
    before anything walks the tree; so is nesting deeper than `MAX_DEPTH`.
    """

    def __init__(self, text: str, path: str) -> None:
        super().__init__(text)
        self.path = path
        self._open: set[str] = set()
        """Anchors whose node is being composed: an alias to one of them is a loop."""
        self._sizes: dict[str, int] = {}
        """Anchor -> the number of nodes its node holds, counted as if written out."""
        self._count = 0
        self._aliased = 0
        self._depth = 0

    def _refuse(self, message: str, mark: Any) -> LabeltuiError:
        return LabeltuiError(message, self.path, None if mark is None else mark.line + 1)

    def compose_node(self, parent: yaml.Node | None, index: int) -> yaml.Node | None:
        event = self.peek_event()  # type: ignore[no-untyped-call,unused-ignore]
        anchor = event.anchor
        if isinstance(event, yaml.AliasEvent):
            if anchor in self._open:
                raise self._refuse(
                    f"YAML alias *{anchor} is inside its own anchor &{anchor} (a loop): "
                    "a schema cannot contain itself",
                    event.start_mark,
                )
            size = self._sizes.get(anchor, 1)  # an undefined alias: PyYAML says so
            self._count += size
            self._aliased += size
            if self._aliased > MAX_ALIASED:
                raise self._refuse(
                    f"YAML aliases (*{anchor}) expand the schema to more than {MAX_ALIASED} "
                    "values; write the repeated parts out instead",
                    event.start_mark,
                )
            return super().compose_node(parent, index)
        self._depth += 1
        if self._depth > MAX_DEPTH:
            raise self._refuse(
                f"the schema is nested more than {MAX_DEPTH} levels deep", event.start_mark
            )
        before = self._count
        self._count += 1
        if anchor is not None:
            self._open.add(anchor)
        node = super().compose_node(parent, index)
        if anchor is not None:
            self._open.discard(anchor)
            self._sizes[anchor] = self._count - before
        self._depth -= 1
        return node


_PLAIN_TAG = "tag:yaml.org,2002:"
_PLAIN_KINDS = {"str", "int", "float", "bool", "null", "map", "seq", "timestamp", "merge"}


def _reject_tags(node: yaml.Node | None, path: str) -> None:
    """Refuse every tag but YAML's plain types, as `yaml.safe_load` would (never construct).

    Each node is looked at once, however many aliases name it.
    """
    stack = [node] if node is not None else []
    seen: set[int] = set()
    while stack:
        current = stack.pop()
        if id(current) in seen:
            continue
        seen.add(id(current))
        tag = current.tag or ""
        if not tag.startswith(_PLAIN_TAG) or tag[len(_PLAIN_TAG) :] not in _PLAIN_KINDS:
            raise LabeltuiError(
                f"YAML tag {tag!r} is not allowed in a schema", path, _line(current)
            )
        if isinstance(current, yaml.MappingNode):
            for key, value in current.value:
                stack.extend((key, value))
        elif isinstance(current, yaml.SequenceNode):
            stack.extend(current.value)


def _line(node: yaml.Node) -> int:
    return node.start_mark.line + 1


class _Parser:
    """Walks the YAML node tree so every error knows its line."""

    def __init__(self, path: str) -> None:
        self.path = path

    def fail(self, node: yaml.Node | None, message: str) -> LabeltuiError:
        return LabeltuiError(message, self.path, None if node is None else _line(node))

    def mapping(
        self, node: yaml.Node, what: str, allowed: set[str]
    ) -> dict[str, tuple[yaml.Node, yaml.Node]]:
        if not isinstance(node, yaml.MappingNode):
            raise self.fail(node, f"{what} must be a mapping of keys to values")
        out: dict[str, tuple[yaml.Node, yaml.Node]] = {}
        for key_node, value_node in node.value:
            key = key_node.value if isinstance(key_node, yaml.ScalarNode) else None
            if not isinstance(key, str) or key not in allowed:
                known = ", ".join(sorted(allowed))
                raise self.fail(key_node, f"unknown key {key!r} in {what} (known: {known})")
            if key in out:
                raise self.fail(key_node, f"key {key!r} appears twice in {what}")
            out[key] = (key_node, value_node)
        return out

    def string(self, node: yaml.Node, what: str, allow_empty: bool = False) -> str:
        if not isinstance(node, yaml.ScalarNode) or node.tag == "tag:yaml.org,2002:null":
            raise self.fail(node, f"{what} must be a string")
        value = str(node.value)
        surrogate = next((c for c in value if "\ud800" <= c <= "\udfff"), None)
        if surrogate is not None:
            raise self.fail(
                node,
                f"{what} holds a lone surrogate (\\u{ord(surrogate):04x}), which is not text "
                "and cannot be written to a file",
            )
        if not allow_empty and not value.strip():
            raise self.fail(node, f"{what} must not be empty")
        return value

    def boolean(self, node: yaml.Node, what: str) -> bool:
        if not isinstance(node, yaml.ScalarNode) or node.tag != "tag:yaml.org,2002:bool":
            raise self.fail(node, f"{what} must be true or false")
        return node.value.lower() in ("true", "yes", "on")

    def schema(self, root: yaml.Node | None) -> Schema:
        if root is None:
            raise LabeltuiError("the schema is empty: it needs a 'tasks' list", self.path)
        top = self.mapping(root, "the schema", _SCHEMA_KEYS)
        if "tasks" not in top:
            raise self.fail(root, "the schema has no 'tasks' list")
        opts: dict[str, str] = {}
        for key in ("title", "instructions"):
            if key in top:
                opts[key] = self.string(top[key][1], f"'{key}'", allow_empty=True)
        for key in ("text_field", "audio_field"):
            if key in top:  # null or "" says the dataset has no such field
                node = top[key][1]
                is_null = isinstance(node, yaml.ScalarNode) and node.tag.endswith(":null")
                opts[key] = "" if is_null else self.string(node, f"'{key}'", allow_empty=True)
        tasks_node = top["tasks"][1]
        if not isinstance(tasks_node, yaml.SequenceNode) or not tasks_node.value:
            raise self.fail(tasks_node, "'tasks' must be a non-empty list")
        drafts = [self.task(node) for node in tasks_node.value]
        seen: dict[str, int] = {}
        for task_node, draft in zip(tasks_node.value, drafts, strict=True):
            if draft["name"] in seen:
                raise self.fail(
                    task_node,
                    f"duplicate task name {draft['name']!r} (first at line {seen[draft['name']]})",
                )
            seen[draft["name"]] = _line(task_node)
        for task_node, draft in zip(tasks_node.value, drafts, strict=True):
            for kind, field_key, what in (
                ("spans", "text_field", "text"),
                ("audio_marks", "audio_field", "audio"),
            ):
                if draft["kind"] == kind and opts.get(field_key, what) == "":
                    raise self.fail(
                        task_node,
                        f"task {draft['name']!r} is a {kind} task but '{field_key}' is empty: "
                        f"it needs the {what} field",
                    )
        tasks = _assign_keys(drafts, self)
        return Schema(tasks=tasks, path=self.path, **opts)

    def task(self, node: yaml.Node) -> dict[str, Any]:
        fields = self.mapping(node, "a task", _TASK_KEYS)
        if "name" not in fields:
            raise self.fail(node, "a task needs a 'name'")
        name = self.string(fields["name"][1], "a task's 'name'")
        where = f"task {name!r}"
        if name.startswith("_"):
            raise self.fail(
                fields["name"][1],
                f"task name {name!r} starts with '_': such names are labeltui's own keys "
                "(e.g. _scores, _status); rename the task",
            )
        if "kind" not in fields:
            raise self.fail(node, f"{where} needs a 'kind' ({', '.join(KINDS)})")
        kind_node = fields["kind"][1]
        kind = self.string(kind_node, f"{where}: 'kind'")
        if kind not in KINDS:
            raise self.fail(
                kind_node, f"{where}: unknown kind {kind!r} (known: {', '.join(KINDS)})"
            )
        if "labels" in fields and "labels_file" in fields:
            raise self.fail(
                fields["labels_file"][0], f"{where}: give 'labels' or 'labels_file', not both"
            )
        if "labels" not in fields and "labels_file" not in fields:
            raise self.fail(node, f"{where} needs a 'labels' list")
        draft: dict[str, Any] = {"name": name, "kind": kind, "labels": [], "line": _line(node)}
        if "leaf_only" in fields:
            if kind not in ("choice", "multi_choice"):
                raise self.fail(
                    fields["leaf_only"][0],
                    f"{where}: 'leaf_only' is for choice and multi_choice tasks",
                )
            draft["leaf_only"] = self.boolean(fields["leaf_only"][1], f"{where}: 'leaf_only'")
        if "ordinal" in fields:
            if kind != "choice":
                raise self.fail(fields["ordinal"][0], f"{where}: 'ordinal' is for choice tasks")
            draft["ordinal"] = self.boolean(fields["ordinal"][1], f"{where}: 'ordinal'")
        for key in ("tokenizer", "allow_overlap"):
            if key in fields and kind != "spans":
                raise self.fail(fields[key][0], f"{where}: '{key}' is for spans tasks")
        if "tokenizer" in fields:
            tok = self.string(fields["tokenizer"][1], f"{where}: 'tokenizer'")
            if tok not in TOKENIZERS:
                raise self.fail(
                    fields["tokenizer"][1],
                    f"{where}: unknown tokenizer {tok!r} (known: {', '.join(TOKENIZERS)})",
                )
            draft["tokenizer"] = tok
        if "allow_overlap" in fields:
            draft["allow_overlap"] = self.boolean(
                fields["allow_overlap"][1], f"{where}: 'allow_overlap'"
            )
        if "hint" in fields:
            draft["hint"] = self.string(fields["hint"][1], f"{where}: 'hint'", allow_empty=True)
        draft["required"] = kind == "choice"
        if "required" in fields:
            draft["required"] = self.boolean(fields["required"][1], f"{where}: 'required'")
        if "labels_file" in fields:
            file_node = fields["labels_file"][1]
            relative = self.string(file_node, f"{where}: 'labels_file'")
            folder = Path(self.path).parent if self.path != "<schema>" else Path.cwd()
            draft["labels"] = taxonomy.read_labels_file(folder / relative, where)
        else:
            labels_node = fields["labels"][1]
            if not isinstance(labels_node, yaml.SequenceNode) or not labels_node.value:
                raise self.fail(labels_node, f"{where}: 'labels' must be a non-empty list")
            draft["labels"] = [self.label(n, where, kind) for n in labels_node.value]

        def fail(message: str, node: taxonomy.Draft) -> LabeltuiError:
            return LabeltuiError(message, node.source or self.path, node.line)

        roots: list[taxonomy.Draft] = draft["labels"]
        nested = any(root.children for root in roots)
        if not nested:  # flat: names are unique (nested: paths, checked with the keys below)
            names: dict[str, int | None] = {}
            for label in roots:
                if label.name in names:
                    first = names[label.name]
                    raise fail(
                        f"{where}: duplicate label name {label.name!r} (first at line {first})",
                        label,
                    )
                names[label.name] = label.line
        taxonomy.set_paths(roots, where, fail)
        for group in [roots] + [n.children for n in taxonomy.walk(roots) if n.children]:
            keys: dict[str, str] = {}
            for label in group:
                if label.key is None:
                    continue
                if label.key in keys:
                    raise fail(
                        f"{where}: labels {keys[label.key]!r} and {label.path!r} both use key "
                        f"{label.key!r}",
                        label,
                    )
                keys[label.key] = label.path
        return draft

    def label(self, node: yaml.Node, where: str, kind: str) -> taxonomy.Draft:
        if isinstance(node, yaml.ScalarNode):
            return taxonomy.Draft(self.string(node, f"{where}: a label name"), _line(node))
        fields = self.mapping(node, f"a label of {where}", _LABEL_KEYS)
        if "name" not in fields:
            raise self.fail(node, f"{where}: a label needs a 'name'")
        label = taxonomy.Draft(
            self.string(fields["name"][1], f"{where}: a label's 'name'"), _line(node)
        )
        lwhere = f"{where}, label {label.name!r}"
        if "key" in fields:
            key_node = fields["key"][1]
            if not isinstance(key_node, yaml.ScalarNode) or key_node.tag.endswith(":null"):
                raise self.fail(key_node, f"{lwhere}: 'key' must be a single character")
            key = str(key_node.value)
            if len(key) != 1 or not key.isprintable():
                raise self.fail(
                    key_node, f"{lwhere}: 'key' must be a single character, not {key!r}"
                )
            if key in RESERVED_KEYS:
                raise self.fail(
                    key_node,
                    f"{lwhere}: key {key!r} clashes with an app key "
                    f"(reserved: {' '.join(sorted(RESERVED_KEYS - {' '}))} and space)",
                )
            label.key = key
        if "hint" in fields:
            label.hint = self.string(fields["hint"][1], f"{lwhere}: 'hint'", allow_empty=True)
        if "color" in fields:
            label.color = self.string(fields["color"][1], f"{lwhere}: 'color'")
        if "aliases" in fields:
            aliases = fields["aliases"][1]
            if not isinstance(aliases, yaml.SequenceNode):
                raise self.fail(aliases, f"{lwhere}: 'aliases' must be a list of strings")
            label.aliases = tuple(self.string(a, f"{lwhere}: an alias") for a in aliases.value)
        if "children" in fields:
            children = fields["children"][1]
            if kind not in ("choice", "multi_choice"):
                raise self.fail(
                    fields["children"][0],
                    f"{lwhere}: 'children' is for choice and multi_choice tasks",
                )
            if not isinstance(children, yaml.SequenceNode) or not children.value:
                raise self.fail(children, f"{lwhere}: 'children' must be a non-empty list")
            label.children = [self.label(n, where, kind) for n in children.value]
        return label


def _assign_keys(drafts: list[dict[str, Any]], parser: _Parser) -> tuple[Task, ...]:
    """Give every label without a key the first free key of `AUTO_KEYS`.

    Top-level keys the app assigns avoid every top-level key the schema sets anywhere, so that an
    assigned key is unique across tasks; keys the schema sets may repeat across tasks (the
    focused task wins). Below the top, keys are per level: a label's key picks it among its
    siblings once their parent is open, so they are assigned per group of siblings.

    A `choice` or `multi_choice` task may have more labels on a level than there are free
    keys: those left over get no key (`""`) and are reached with the picker (FORMAT section 8);
    a key never means another label. Spans and audio tasks have no picker: refused.
    """
    taken = {label.key for d in drafts for label in d["labels"] if label.key is not None}
    free = iter(k for k in AUTO_KEYS if k not in taken)
    keys: dict[int, str] = {}
    short = sum(k not in taken for k in AUTO_KEYS) < sum(
        label.key is None for d in drafts for label in d["labels"]
    )
    # When keys run out, tasks without a picker (spans, audio) take theirs first.
    order = sorted(drafts, key=lambda d: short and d["kind"] in ("choice", "multi_choice"))
    for d in order:
        picker = d["kind"] in ("choice", "multi_choice")
        for label in d["labels"]:
            key = label.key if label.key is not None else next(free, "")
            if not key and not picker:
                raise LabeltuiError(
                    f"task {d['name']!r}: more labels than free keys; set 'key' on some "
                    "(any printable character except the app's own)",
                    parser.path,
                    d["line"],
                )
            keys[id(label)] = key
    tasks = []
    for d in drafts:
        roots: list[taxonomy.Draft] = d["labels"]
        for node in taxonomy.walk(roots):
            if not node.children:
                continue
            used = {c.key for c in node.children if c.key is not None}
            spare = iter(k for k in AUTO_KEYS if k not in used)
            for child in node.children:
                # children exist in choice tasks only: the picker reaches those left without
                keys[id(child)] = child.key if child.key is not None else next(spare, "")
        labels = []
        for node in taxonomy.walk(roots):
            if taxonomy.depth_of(node.path) > taxonomy.MAX_LEVELS:
                raise LabeltuiError(
                    f"task {d['name']!r}: label {node.path!r} is deeper than "
                    f"{taxonomy.MAX_LEVELS} levels",
                    parser.path,
                    node.line,
                )
            labels.append(
                Label(
                    node.path,
                    keys[id(node)],
                    node.hint,
                    node.color,
                    node.aliases,
                    taxonomy.parent_of(node.path) if node.path != node.name else None,
                    bool(node.children),
                )
            )
        tasks.append(
            Task(
                name=d["name"],
                kind=d["kind"],
                labels=tuple(labels),
                ordinal=d.get("ordinal", False),
                tokenizer=d.get("tokenizer", "words"),
                allow_overlap=d.get("allow_overlap", False),
                hint=d.get("hint", ""),
                required=d.get("required", d["kind"] == "choice"),
                leaf_only=d.get("leaf_only", False),
            )
        )
    return tuple(tasks)
