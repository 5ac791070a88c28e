"""The core never imports the UI, and commands that do not need Textual do not load it."""

from __future__ import annotations

import pkgutil
import subprocess
import sys

import labeltui.core


def core_modules() -> list[str]:
    return [
        m.name
        for m in pkgutil.walk_packages(labeltui.core.__path__, prefix="labeltui.core.")
        if not m.name.split(".")[-1].startswith("_")
    ]


def loaded_after(code: str) -> set[str]:
    probe = code + "\nimport sys\nprint(' '.join(sorted(sys.modules)))"
    out = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True)
    return set(out.stdout.split())


def test_core_imports_no_ui():
    modules = core_modules()
    assert "labeltui.core.dataset" in modules and "labeltui.core.store" in modules
    loaded = loaded_after("\n".join(f"import {m}" for m in modules))
    for ui in ("textual", "rich", "typer"):
        assert ui not in loaded, f"a core module imports {ui}"


def test_cli_help_and_validate_do_not_import_textual(tmp_path):
    schema = tmp_path / "s.yaml"
    schema.write_text("tasks:\n  - name: t\n    kind: choice\n    labels: [a, b]\n")
    loaded = loaded_after(
        "import sys\nfrom labeltui.cli import app\n"
        f"sys.argv = ['labeltui', 'validate', '--schema', {str(schema)!r}]\n"
        "try:\n    app()\nexcept SystemExit:\n    pass"
    )
    assert "labeltui.cli" in loaded and "labeltui.core.schema" in loaded
    assert "textual" not in loaded
