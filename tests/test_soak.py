"""The soak script's comparison of executed notebooks across runs."""

from __future__ import annotations

import json
import sys

from conftest import REPO

sys.path.insert(0, str(REPO / "scripts"))

import soak  # noqa: E402


def executed(path, started, output):
    path.write_text(json.dumps({
        "metadata": {"papermill": {"start_time": started, "duration": 1.5}},
        "cells": [{"cell_type": "code", "source": "print(1)", "execution_count": 1,
                   "metadata": {"execution": {"iopub.status.busy": started}, "papermill": {"duration": 0.1}},
                   "outputs": [{"output_type": "stream", "name": "stdout", "text": output}]}],
        "nbformat": 4, "nbformat_minor": 5}))
    return path


def test_time_stamps_do_not_count_but_outputs_do(tmp_path):
    first = soak.stable_digest(executed(tmp_path / "a.ipynb", "2026-01-01T10:00:00", "1\n"))
    again = soak.stable_digest(executed(tmp_path / "b.ipynb", "2026-01-02T11:30:00", "1\n"))
    other = soak.stable_digest(executed(tmp_path / "c.ipynb", "2026-01-01T10:00:00", "2\n"))
    assert first == again != other


def test_table_names_the_notebooks_that_differ():
    runs = [{"run": 1, "ok": True, "returncode": 0, "seconds": 100.0, "retries": 0, "noise": 0, "log": None,
             "raw": {"chapters/a.ipynb": "r1", "chapters/b.ipynb": "r2"},
             "stable": {"chapters/a.ipynb": "s1", "chapters/b.ipynb": "s2"}},
            {"run": 2, "ok": True, "returncode": 0, "seconds": 101.0, "retries": 1, "noise": 0, "log": None,
             "raw": {"chapters/a.ipynb": "r3", "chapters/b.ipynb": "r4"},
             "stable": {"chapters/a.ipynb": "s1", "chapters/b.ipynb": "s9"}},
            {"run": 3, "ok": False, "returncode": 1, "seconds": 50.0, "retries": 0, "noise": 2, "log": "run-3.log",
             "raw": {}, "stable": {}}]
    lines = soak.table(runs)
    assert lines[2] == "| 1 | passed | 100.0 | 0 | 0 | yes | yes |"
    assert lines[3] == "| 2 | passed | 101.0 | 1 | 0 | no: b | no: all 2 |"
    assert lines[4].startswith("| 3 | FAILED (exit 1; log: run-3.log) | 50.0 |")
