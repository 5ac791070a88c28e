"""`import --from` and `export --to` take their names from the one registry (`FORMATS`): the
help lists every one, and an unknown name is one line naming the nearest."""

from __future__ import annotations

import re

import pytest
from test_formats_variants import fails, ok

from labeltui.core.formats import FORMATS, export_formats, import_formats


def listed(help_text: str, option: str) -> list[str]:
    match = re.search(re.escape(option) + r" \[([a-z0-9|]+)\]", help_text)
    assert match, help_text
    return match.group(1).split("|")


def test_help_lists_every_format_of_the_registry(tmp_path):
    assert listed(ok("import", "--help", cwd=tmp_path).stdout, "--from") == list(import_formats())
    assert listed(ok("export", "--help", cwd=tmp_path).stdout, "--to") == list(export_formats())
    readers = {name for name, f in FORMATS.items() if f.read is not None}
    assert set(import_formats()) == readers and "doccano" in readers


@pytest.mark.parametrize(
    ("args", "line"),
    [
        (
            ["export", "d.jsonl", "--to", "conl", "-o", "x"],
            "cannot export 'conl': did you mean conll?",
        ),
        (
            ["import", "d.jsonl", "--from", "Doccano", "-o", "x"],
            "cannot import 'Doccano': did you mean doccano?",
        ),
        (
            ["import", "d.jsonl", "--from", "spacey", "-o", "x"],
            "cannot import 'spacy': did you mean spacy?",
        ),
    ],
)
def test_an_unknown_format_names_the_nearest(tmp_path, args, line):
    (tmp_path / "d.jsonl").write_text('{"text": "a"}\n', "utf-8")
    said = fails(*args, cwd=tmp_path)
    assert said.startswith("labeltui: " + line.replace("'spacy'", "'spacey'"))
    assert (
        "the formats are "
        + ", ".join(import_formats() if args[0] == "import" else export_formats())
        in said
    )
    assert not (tmp_path / "x").exists()
