"""One code standard for the whole repository (clause 4.3.3): ruff lint and format clean."""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PATHS = ["core", "addons", "tests", "benchmarks"]


@pytest.mark.spec("4.3.3")
@pytest.mark.parametrize("command", [["check"], ["format", "--check"]], ids=["lint", "format"])
def test_ruff_is_clean(command):
    # ruff comes with the test extras (pip install -e '.[test]'); run it from this Python.
    result = subprocess.run(
        [sys.executable, "-m", "ruff", *command, *PATHS], cwd=ROOT, capture_output=True, text=True
    )
    assert result.returncode == 0, result.stdout + result.stderr
