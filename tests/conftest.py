"""Shared pytest setup: the project root, and the timing table printed after the run."""

from __future__ import annotations

import pathlib
import sys

import pytest

ROOT = pathlib.Path(__file__).resolve().parent.parent
sys.path.insert(0, str(pathlib.Path(__file__).resolve().parent))

import nbharness  # noqa: E402  (needs the path above)

# Results of the tutorial notebooks, in the order they ran, for the summary table.
NOTEBOOK_RESULTS: list[nbharness.RunResult] = []


@pytest.fixture(scope="session")
def root() -> pathlib.Path:
    return ROOT


def pytest_terminal_summary(terminalreporter):
    if NOTEBOOK_RESULTS:
        terminalreporter.section("notebook timings")
        terminalreporter.write_line(nbharness.summary_table(NOTEBOOK_RESULTS))
