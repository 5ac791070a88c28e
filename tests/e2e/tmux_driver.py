"""Drive the real `labeltui` command in tmux, as a person at a terminal would.

Each `Tmux` is its own tmux server (`-L` socket), so tests never touch the user's sessions or
each other's. The command runs under `sh -c '...; echo EXIT=$?; sleep 60'` so that the exit
status and the last lines the command printed stay readable after the app quits. The app's
stderr is never redirected: Textual draws on it.
"""

from __future__ import annotations

import os
import re
import shlex
import shutil
import subprocess
import sys
import time
import uuid
from pathlib import Path

import pytest

LABELTUI = Path(sys.executable).parent / "labeltui"

needs_tmux = pytest.mark.skipif(shutil.which("tmux") is None, reason="tmux is not installed")


class Tmux:
    """One tmux server with one window of a fixed size running one command."""

    def __init__(
        self, args: list[str], cwd: Path, width: int = 100, height: int = 30, env=None
    ) -> None:
        self.socket = f"labeltui-e2e-{uuid.uuid4().hex[:10]}"
        command = " ".join(shlex.quote(str(a)) for a in [LABELTUI, *args])
        script = f'cd {shlex.quote(str(cwd))} && {command}; echo " EXIT=$? "; sleep 60'
        extra = []
        for key, value in {"LABELTUI_CACHE_DIR": str(cwd / ".cache"), **(env or {})}.items():
            extra += ["-e", f"{key}={value}"]
        size = ["-x", str(width), "-y", str(height)]
        self.tmux("new-session", "-d", "-s", "e2e", *size, *extra, script)

    def tmux(self, *args: str) -> str:
        done = subprocess.run(
            ["tmux", "-L", self.socket, *args], capture_output=True, text=True, timeout=20
        )
        if done.returncode != 0:
            raise RuntimeError(f"tmux {' '.join(args)}: {done.stderr.strip()}")
        return done.stdout

    def send(self, *keys: str) -> None:
        """Keys in tmux's names (`Right`, `S-Right`, `C-k`, `Enter`, `PageDown`) or text."""
        self.tmux("send-keys", "-t", "e2e", *keys)

    def screen(self) -> str:
        return self.tmux("capture-pane", "-p", "-t", "e2e")

    def wait_for(self, *texts: str, timeout: float = 15.0) -> str:
        """Poll the screen until every one of `texts` is on it; fail with the screen otherwise.

        Give more than one to wait for a whole frame: tmux 3.3 has no synchronized output,
        so a capture can land while a frame is half drawn.
        """
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if all(text in screen for text in texts):
                return screen
            time.sleep(0.05)
        raise AssertionError(f"{texts!r} never all appeared; the screen was:\n{screen}")

    def wait_gone(self, text: str, timeout: float = 15.0) -> str:
        deadline = time.monotonic() + timeout
        screen = ""
        while time.monotonic() < deadline:
            screen = self.screen()
            if text not in screen:
                return screen
            time.sleep(0.05)
        raise AssertionError(f"{text!r} stayed on the screen:\n{screen}")

    def app_pid(self) -> int:
        """The labeltui process: a child of the pane's shell, which runs the script."""
        shell = int(self.tmux("list-panes", "-t", "e2e", "-F", "#{pane_pid}").split()[0])
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            children = Path(f"/proc/{shell}/task/{shell}/children")
            pids = children.read_text().split() if children.exists() else []
            if pids:
                return int(pids[0])
            time.sleep(0.05)
        raise AssertionError("labeltui did not start")

    def exit_status(self, timeout: float = 15.0) -> int:
        screen = self.wait_for("EXIT=", timeout=timeout)
        return int(re.search(r"EXIT=(\d+)", screen).group(1))

    def close(self) -> None:
        subprocess.run(["tmux", "-L", self.socket, "kill-server"], capture_output=True)


def pid_alive(pid: int) -> bool:
    try:
        os.kill(pid, 0)
    except ProcessLookupError:
        return False
    return True
