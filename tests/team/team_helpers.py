"""Helpers shared by the team tests."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

LABELTUI = [sys.executable, "-m", "labeltui"]


def run(*args: str, cwd: Path | None = None, env: dict | None = None):
    """`labeltui ARGS` as a real subprocess (no terminal)."""
    return subprocess.run(
        [*LABELTUI, *args],
        capture_output=True,
        text=True,
        cwd=cwd,
        env={**os.environ, **(env or {})},
        timeout=120,
    )


def read_lines(path: Path) -> list[dict]:
    return [json.loads(line) for line in path.read_text().splitlines() if line.strip()]
