"""`.ci/run` guards types and form (issue 15, part 4): it fails on a type error planted in
`labeltui/core` and on an unformatted line.

The checks run on a copy of `labeltui/` and `pyproject.toml` in `tmp_path` (the working tree is
never touched), with the commands `.ci/run` itself runs (read from it, the venv's tools as
`python -m ...`). The planted error is asserted by its own file and line, so errors elsewhere
in the tree (work in progress) neither hide nor fake a result. A last test pins that `.ci/run`
still runs these checks before pytest, under `set -e`.
"""

from __future__ import annotations

import shlex
import shutil
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
CI_RUN = ROOT / ".ci" / "run"


def ci_command(tool: str, *first: str) -> list[str]:
    """The arguments `.ci/run` passes to `.venv/bin/<tool> <first...>` (the first such line)."""
    for line in CI_RUN.read_text(encoding="utf-8").splitlines():
        if f".venv/bin/{tool}" not in line:
            continue
        lexer = shlex.shlex(line, posix=True, punctuation_chars=";&|")
        lexer.whitespace_split = True
        words: list[str] = []
        for word in [*lexer, ";"]:  # one command at a time, split at ; && ||
            if word.strip(";&|"):
                words.append(word)
                continue
            if words[: 1 + len(first)] == [f".venv/bin/{tool}", *first]:
                return words[1:]
            words = []
    raise AssertionError(f".ci/run does not run .venv/bin/{tool} {' '.join(first)}")


def copy_tree(tmp_path: Path) -> Path:
    """labeltui/ and pyproject.toml (the tools' configuration) copied, without caches."""
    shutil.copytree(
        ROOT / "labeltui",
        tmp_path / "labeltui",
        ignore=shutil.ignore_patterns("__pycache__", "*.pyc"),
    )
    shutil.copy2(ROOT / "pyproject.toml", tmp_path / "pyproject.toml")
    return tmp_path


def run_tool(cwd: Path, tool: str, args: list[str]) -> subprocess.CompletedProcess[str]:
    for arg in args:  # paths .ci/run checks that the copy leaves out: present, empty
        if not arg.startswith("-") and not (cwd / arg).exists():
            (cwd / arg).mkdir(parents=True)
    return subprocess.run(
        [sys.executable, "-m", tool, *args],
        cwd=cwd,
        capture_output=True,
        text=True,
        timeout=240,
    )


def test_mypy_as_ci_runs_it_fails_on_type_errors_planted_in_core(tmp_path):
    """One mypy run (they take seconds) on two planted errors: one in an existing core module,
    one in a core module added later (`files = labeltui/core` must cover it), typed across
    modules."""
    tree = copy_tree(tmp_path)
    planted = tree / "labeltui" / "core" / "ids.py"
    text = planted.read_text(encoding="utf-8")
    line = text.count("\n") + 3
    planted.write_text(text + "\n\ndef _planted() -> int:\n    return 'not a number'\n")
    (tree / "labeltui" / "core" / "_planted.py").write_text(
        "from labeltui.core.ids import item_id\n\nNUMBER: int = item_id({}, 'text', 'audio')\n",
        encoding="utf-8",
    )
    done = run_tool(tree, "mypy", ci_command("mypy"))
    assert done.returncode != 0, done.stdout
    where = f"labeltui/core/ids.py:{line + 1}: error: Incompatible return value type"
    assert where in done.stdout, done.stdout[-3000:]
    assert "labeltui/core/_planted.py:3: error: Incompatible types" in done.stdout, done.stdout


def test_ruff_format_check_as_ci_runs_it_fails_on_an_unformatted_line(tmp_path):
    tree = copy_tree(tmp_path)
    args = ci_command("ruff", "format", "--check")
    module = tree / "labeltui" / "core" / "_planted_form.py"
    module.write_text('"""A planted module."""\n\nSIZES = {"a": 1, "b": 2}\n', encoding="utf-8")
    alone = run_tool(tree, "ruff", [*args[:2], str(module.relative_to(tree))])
    assert alone.returncode == 0, alone.stdout + alone.stderr  # formatted: passes
    module.write_text('"""A planted module."""\n\nSIZES = {  "a":1,"b" :2 }\n', encoding="utf-8")
    done = run_tool(tree, "ruff", args)
    assert done.returncode == 1, done.stdout + done.stderr
    out = done.stdout.lower()
    assert "labeltui/core/_planted_form.py" in out and "would be reformatted" in out, out


def test_ci_run_checks_form_lint_imports_and_types_before_the_tests():
    text = CI_RUN.read_text(encoding="utf-8")
    assert "set -euo pipefail" in text, "a failing check must fail the run"
    lines = [line for line in text.splitlines() if not line.lstrip().startswith("#")]

    def first(needle: str) -> int:
        found = [i for i, line in enumerate(lines) if needle in line]
        assert found, f".ci/run no longer runs {needle!r}"
        return found[0]

    tests = first(".venv/bin/python -m pytest")
    for check in (
        ".venv/bin/ruff format --check",
        ".venv/bin/ruff check",
        ".venv/bin/lint-imports",
        ".venv/bin/mypy",
    ):
        assert first(check) < tests, f"{check} must run before the tests"
    assert "labeltui" in ci_command("ruff", "format", "--check")
    assert "labeltui" in ci_command("ruff", "check")
