"""Every tutorial notebook, run top to bottom in a fresh kernel, must pass the harness."""

from __future__ import annotations

import pytest

import nbharness
from conftest import NOTEBOOK_RESULTS, ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))


def test_there_are_notebooks():
    assert NOTEBOOKS, "notebooks/ holds no .ipynb file"


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook(path):
    result = nbharness.run_notebook(path, root=ROOT)
    NOTEBOOK_RESULTS.append(result)
    if not result.ok:
        pytest.fail(result.report(), pytrace=False)
