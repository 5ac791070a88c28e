"""Run the real `labeltui` command as a script would: one shared helper for the CLI tests.

No terminal on stdin (a command that wants one must say so and stop), stdout and stderr
captured as text, a timeout so that a hang fails the test instead of stalling the suite.
The child writes UTF-8 (`PYTHONIOENCODING`) unless a test asks otherwise through `env`.
"""

from __future__ import annotations

import os
import subprocess
import time
from pathlib import Path

from tmux_driver import LABELTUI


def run(
    cwd: Path, *args: str, timeout: float = 60, env: dict[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """`labeltui ARGS` in `cwd`; `env`: variables set on top of this process's environment."""
    return subprocess.run(
        [str(LABELTUI), *args],
        cwd=cwd,
        stdin=subprocess.DEVNULL,
        capture_output=True,
        text=True,
        timeout=timeout,
        env={**os.environ, "PYTHONIOENCODING": "utf-8", **(env or {})},
    )


def run_timed(
    cwd: Path, *args: str, timeout: float = 60, env: dict[str, str] | None = None
) -> tuple[subprocess.CompletedProcess[str], float]:
    """`run`, and how long the command took in seconds."""
    started = time.perf_counter()
    done = run(cwd, *args, timeout=timeout, env=env)
    return done, time.perf_counter() - started
