"""The harness tests itself: each fixture notebook must get exactly the verdict it was made for.

A harness that passes everything would make every notebook test worthless, so each way a notebook
can be broken has a fixture here, and the failure must name the notebook, the cell, and the cause.
"""

from __future__ import annotations

import functools
import pathlib

import pytest

import nbharness

FIXTURES = pathlib.Path(__file__).resolve().parent / "fixtures"

# fixture -> (kind of failure, 1-based cell it must name or None, text the report must contain)
BROKEN = {
    "panics": ("panic", 3, "fixture: this assertion must fail the run"),
    "compile_error": ("error", 2, "E0308"),
    "expected_error_missing": ("expected-error", 2, "ran without error"),
    "wrong_error_code": ("expected-error", 2, "expected rustc error E0373, got E0308"),
    "raises_without_code": ("committed-form", 2, "does not name the rustc error"),
    "timeout": ("timeout", 2, "still running after 8 s"),
    "with_outputs": ("committed-form", 2, "committed with outputs"),
    "with_execution_count": ("committed-form", 2, "an execution count"),
    "wrong_kernel": ("committed-form", None, "kernelspec name is 'python3'"),
}


@functools.lru_cache(maxsize=None)
def run(name: str) -> nbharness.RunResult:
    return nbharness.run_notebook(FIXTURES / f"{name}.ipynb", root=FIXTURES)


def test_every_fixture_is_listed():
    on_disk = {p.stem for p in FIXTURES.glob("*.ipynb")}
    assert on_disk == set(BROKEN) | {"passes"}


def test_a_good_notebook_passes_and_is_timed():
    result = run("passes")
    assert result.ok, result.report()
    # Three code cells ran (the expected compile error included) and each was timed.
    assert [t.number for t in result.timings] == [2, 3, 4]
    assert result.executed is not None
    assert "ok" in "".join(o.get("text", "") for o in result.executed.cells[3].outputs)


@pytest.mark.parametrize("name", sorted(BROKEN))
def test_a_broken_notebook_fails_for_the_right_reason(name):
    kind, cell, text = BROKEN[name]
    result = run(name)
    assert not result.ok, f"{name}.ipynb passed but must fail ({kind})"
    first = result.failures[0]
    assert (first.kind, first.cell) == (kind, cell), result.report()
    report = result.report()
    assert text in report
    assert f"{name}.ipynb" in report
    if cell is not None:
        assert f"cell {cell}:" in report
        assert first.head, "the report must quote the cell's first lines"


def test_a_timeout_report_ends_with_the_kernels_own_log():
    # The kernel's stdout and stderr go to a log file, not the test output; a stuck or dead
    # kernel's report quotes its end (run("timeout") is cached: no second run).
    report = run("timeout").report()
    assert "last lines of the kernel's log" in report
    assert (nbharness.KERNEL_LOGS / "timeout.log").is_file()


def test_the_summary_table_names_every_notebook_and_the_median():
    results = [run("passes"), nbharness.RunResult("other.ipynb", 1.0, [nbharness.CellTiming(2, "x", 0.5)], [])]
    table = nbharness.summary_table(results)
    assert "passes.ipynb" in table and "other.ipynb" in table
    assert "median cell time" in table
