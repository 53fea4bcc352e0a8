"""Static security analysis in CI (clause 6.1.5): bandit finds nothing unexplained.

Ruff's S rules run with the code standard test; bandit adds its own checks. A finding is
fixed, or explained where it occurs with ``# nosec BXXX`` and the reason (configuration:
``[tool.bandit]`` in pyproject.toml, which skips only B101, assert).
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.spec("6.1.5")
def test_bandit_finds_nothing():
    # bandit comes with the test extras (pip install -e '.[test]'); run it from this Python.
    result = subprocess.run(
        [sys.executable, "-m", "bandit", "-q", "-r", "core", "addons", "-c", "pyproject.toml"],
        cwd=ROOT,
        capture_output=True,
        text=True,
    )
    assert result.returncode == 0, result.stdout + result.stderr
