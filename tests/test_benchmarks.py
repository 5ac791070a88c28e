"""The benchmark scripts still run (small sizes); `pytest -m slow` runs this, CI does not."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

BENCH = Path(__file__).resolve().parents[1] / "benchmarks"

CASES = {
    "keys.py": (["--items", "20"], "median"),
    "span_keys.py": (["--chars", "2000", "--keys", "20"], "median"),
    "audio_open.py": (["--minutes", "0.5"], "s"),
    "agree.py": (["--items", "3000", "--runs", "1"], "agree"),
    "open_large.py": (["--lines", "3000", "--runs", "1"], "ratio"),
    "stats.py": (["--items", "3000", "--runs", "1"], "stats / agree"),
    "review_big.py": (["--items", "3000"], "load_review + open_review"),
    "huge_line.py": (["--mb", "2", "--timeout", "60"], "first screen"),
    "team_load.py": (["--lines", "20000", "--items", "500"], "claims/s"),
    "suggest.py": (["--lines", "3000"], "suggest ("),
    "taxonomy.py": (["--labels", "2000"], "per keystroke"),
    "learn.py": (["--runs", "1", "--pool", "2000", "--test", "300"], "uncertainty"),
}
NEEDS_TMUX = {"open_large.py", "huge_line.py"}


@pytest.mark.slow
@pytest.mark.parametrize("script", sorted(CASES))
def test_benchmark_script_runs(script):
    if script in NEEDS_TMUX and shutil.which("tmux") is None:
        pytest.skip("needs tmux")
    args, expected = CASES[script]
    done = subprocess.run(
        [sys.executable, str(BENCH / script), *args],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=BENCH.parent,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert expected in done.stdout


@pytest.mark.slow
def test_keys_learn_case_runs():
    done = subprocess.run(
        [sys.executable, str(BENCH / "keys.py"), "--learn", "--items", "30", "--rounds", "1"],
        capture_output=True,
        text=True,
        timeout=600,
        cwd=BENCH.parent,
    )
    assert done.returncode == 0, done.stderr[-2000:]
    assert "--learn / plain (medians)" in done.stdout
