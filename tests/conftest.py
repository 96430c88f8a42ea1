"""Shared fixtures: a small snapshot the tests can break, and the repository paths."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
FIXTURES = Path(__file__).parent / "fixtures"


@pytest.fixture
def fixture_snapshot(tmp_path) -> Path:
    """A copy of the fixture snapshot (one CSV file, its SHA256SUMS and registry) that a test may alter."""
    target = tmp_path / "snapshot"
    shutil.copytree(FIXTURES / "snapshot", target)
    return target


def real_snapshot_available() -> bool:
    from ai_culture_report.data import default_snapshot_dir

    return (default_snapshot_dir() / "SHA256SUMS").exists()


needs_snapshot = pytest.mark.skipif(not real_snapshot_available(), reason="the data snapshot is not available")


def run_build(*args, env_extra=None, timeout=3000):
    """Run scripts/build.py as a user would; return the completed process."""
    import os
    import subprocess
    import sys

    env = {**os.environ, **(env_extra or {})}
    return subprocess.run([sys.executable, str(REPO / "scripts" / "build.py"), *args], capture_output=True,
                          text=True, env=env, cwd=REPO, timeout=timeout)


@pytest.fixture(scope="session")
def built_book(tmp_path_factory):
    """The whole published book, built once per test session into a temporary stage root."""
    if not real_snapshot_available():
        pytest.skip("the data snapshot is not available")
    root = tmp_path_factory.mktemp("book")
    result = run_build("--stage-root", str(root))
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-3000:]
    return {"root": root, "html": root / "html", "log": result.stdout}
