"""Labelling rules in YAML (FORMAT section 9): load, validate, and match.

Read like the schema: the safe loader composing nodes only (aliases and tags guarded by the
schema's own loader), so every message names the file and the line. A rule names its task and
label, which must exist in the schema, and has exactly one of `any` (phrases) and `regex`.

Matching, the same for every rule kind:
- `any`: a phrase matches where it is not preceded or followed by a word character,
  case-insensitively (Unicode case folding of `re.IGNORECASE`); a space inside a phrase matches
  any run of whitespace ("charged twice" matches "charged\\ntwice"). All phrases of a rule are
  one compiled alternation, longest first, so "Acme Router X2" wins over "Acme" at one place.
- `regex`: `re.search`, case-sensitive unless the pattern says `(?i)`.
A rule on a `choice` or `multi_choice` task votes its label when it matches anywhere; a rule on
a `spans` task votes every non-overlapping match as a span (code-point offsets into the text,
`text == item_text[start:end]`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import yaml

from labeltui.core.schema import Schema, _line, _Parser, _reject_tags, _SchemaLoader
from labeltui.errors import LabeltuiError

VOTING_KINDS = ("choice", "multi_choice", "spans")
"""Task kinds a rule can vote on (audio marks have no text to match)."""
_RULE_KEYS = {"name", "task", "label", "any", "regex"}


@dataclass(frozen=True)
class Rule:
    """One validated rule."""

    name: str
    task: str
    kind: str
    """The task's kind: `spans` rules vote spans, the others vote their label."""
    label: str
    pattern: re.Pattern[str]
    line: int
    keys: tuple[str, ...] | None = None
    """`any` rules of ASCII phrases: one lower-case word of each phrase. On ASCII text, the
    pattern can only match where one of them is a substring of the lower-cased text, which a
    plain `in` finds far faster than the regex engine (`vote`'s `lowered`)."""

    def vote(self, text: str, lowered: str | None = None) -> Any:
        """The rule's vote on `text`: its label, a list of spans, or None (abstain).

        `lowered`: `text.lower()` when `text` is ASCII (else None), for the quick test."""
        if lowered is not None and self.keys is not None:
            for key in self.keys:
                if key in lowered:
                    break
            else:
                return None
        if self.kind != "spans":
            return self.label if self.pattern.search(text) is not None else None
        spans = [
            {"start": m.start(), "end": m.end(), "label": self.label, "text": m.group()}
            for m in self.pattern.finditer(text)
            if m.end() > m.start()
        ]
        return spans or None


def phrase_keys(phrases: list[str]) -> tuple[str, ...] | None:
    """The longest word of each phrase, lower-cased, when every phrase is ASCII (see `Rule.keys`):
    an ASCII text matches an ASCII phrase case-insensitively only where the text, lower-cased,
    contains each of its words lower-cased."""
    if not all(p.isascii() for p in phrases):
        return None
    return tuple(sorted({max(p.split(), key=len).lower() for p in phrases}))


def phrase_pattern(phrases: list[str]) -> re.Pattern[str]:
    """One pattern for `any`: the phrases, not inside a longer word, any case."""
    parts = []
    for phrase in sorted(set(phrases), key=lambda p: (-len(p), p)):
        words = phrase.split()
        parts.append(r"\s+".join(re.escape(w) for w in words))
    return re.compile(r"(?<!\w)(?:" + "|".join(parts) + r")(?!\w)", re.IGNORECASE)


def load_rules(path: str | Path, schema: Schema) -> list[Rule]:
    """Read and validate a rules file against `schema`; `LabeltuiError` with file and line."""
    path = Path(path)
    try:
        text = path.read_text(encoding="utf-8")
    except FileNotFoundError:
        raise LabeltuiError("rules file not found", path) from None
    except IsADirectoryError:
        raise LabeltuiError("is a folder, not a rules file", path) from None
    except (OSError, UnicodeDecodeError) as exc:
        raise LabeltuiError(f"cannot read rules file: {exc}", path) from None
    return parse_rules(text, schema, str(path))


def parse_rules(text: str, schema: Schema, path: str = "<rules>") -> list[Rule]:
    """Validate rules YAML given as text."""
    root = _compose(text, path)
    parser = _RulesParser(path)
    if root is None:
        raise LabeltuiError("the rules file is empty: it needs a 'rules' list", path)
    top = parser.mapping(root, "the rules file", {"rules"})
    if "rules" not in top:
        raise parser.fail(root, "the rules file has no 'rules' list")
    node = top["rules"][1]
    if not isinstance(node, yaml.SequenceNode) or not node.value:
        raise parser.fail(node, "'rules' must be a non-empty list")
    rules: list[Rule] = []
    seen: dict[str, int] = {}
    for rule_node in node.value:
        rule = parser.rule(rule_node, schema)
        if rule.name in seen:
            raise parser.fail(
                rule_node, f"duplicate rule name {rule.name!r} (first at line {seen[rule.name]})"
            )
        seen[rule.name] = rule.line
        rules.append(rule)
    return rules


def _compose(text: str, path: str) -> yaml.Node | None:
    """The YAML node tree, safe loader only; YAML's own errors as one line with their line."""
    loader = None
    try:
        loader = _SchemaLoader(text, path)
        root = loader.get_single_node()
    except yaml.MarkedYAMLError as exc:
        line = exc.problem_mark.line + 1 if exc.problem_mark else None
        problem = " ".join((exc.problem or exc.context or "cannot be read").split())
        raise LabeltuiError(f"invalid YAML: {problem}", path, line) from None
    except yaml.reader.ReaderError as exc:
        line = text.count("\n", 0, exc.position) + 1
        raise LabeltuiError("invalid YAML: a character not allowed in YAML", path, line) from None
    except yaml.YAMLError as exc:
        raise LabeltuiError(f"invalid YAML: {' '.join(str(exc).split())}", path) from None
    finally:
        if loader is not None:
            loader.dispose()
    _reject_tags(root, path)
    return root


class _RulesParser(_Parser):
    """The schema's node walker (mapping, string: each error knows its line), for rules."""

    def rule(self, node: yaml.Node, schema: Schema) -> Rule:
        fields = self.mapping(node, "a rule", _RULE_KEYS)
        for key in ("name", "task", "label"):
            if key not in fields:
                raise self.fail(node, f"a rule needs a '{key}'")
        name = self.string(fields["name"][1], "a rule's 'name'")
        where = f"rule {name!r}"
        if name.startswith("_"):
            raise self.fail(fields["name"][1], f"{where}: a rule name may not start with '_'")
        task_node = fields["task"][1]
        task_name = self.string(task_node, f"{where}: 'task'")
        try:
            task = schema.task(task_name)
        except KeyError:
            known = ", ".join(t.name for t in schema.tasks)
            raise self.fail(
                task_node, f"{where}: unknown task {task_name!r} (known: {known})"
            ) from None
        if task.kind not in VOTING_KINDS:
            raise self.fail(
                task_node,
                f"{where}: task {task_name!r} is a {task.kind} task; rules vote on "
                f"{', '.join(VOTING_KINDS)} tasks",
            )
        label_node = fields["label"][1]
        label = self.string(label_node, f"{where}: 'label'")
        if not task.answerable(label):
            known = ", ".join(n for n in task.label_names if task.answerable(n))
            raise self.fail(
                label_node,
                f"{where}: unknown label {label!r} in task {task_name!r} (known: {known})",
            )
        has = [key for key in ("any", "regex") if key in fields]
        if len(has) != 1:
            said = "both 'any' and 'regex'" if has else "neither 'any' nor 'regex'"
            raise self.fail(node, f"{where} has {said}: give exactly one")
        keys = None
        if has[0] == "any":
            phrases = self.phrases(fields["any"][1], where)
            pattern = phrase_pattern(phrases)
            keys = phrase_keys(phrases)
        else:
            regex_node = fields["regex"][1]
            source = self.string(regex_node, f"{where}: 'regex'")
            try:
                pattern = re.compile(source)
            except (re.error, OverflowError, RecursionError) as exc:
                raise self.fail(regex_node, f"{where}: bad regex: {exc}") from None
        return Rule(name, task_name, task.kind, label, pattern, _line(node), keys)

    def phrases(self, node: yaml.Node, where: str) -> list[str]:
        if isinstance(node, yaml.ScalarNode):
            items = [node]
        elif isinstance(node, yaml.SequenceNode) and node.value:
            items = list(node.value)
        else:
            raise self.fail(node, f"{where}: 'any' must be a non-empty list of phrases")
        return [self.string(item, f"{where}: a phrase of 'any'") for item in items]
