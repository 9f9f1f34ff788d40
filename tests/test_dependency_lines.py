"""Every notebook starts with the same dependency cell, at the versions the workspace locks.

evcxr compiles each `:dep` crate once per machine and reuses it (`:cache`) only when the lines
are identical; one notebook asking for another version or feature set would compile tokio and
plotters all over again, and could behave differently from the tested workspace.
"""

from __future__ import annotations

import re
import tomllib

import nbformat
import pytest

from conftest import ROOT

NOTEBOOKS = sorted((ROOT / "notebooks").glob("*.ipynb"))
CANONICAL = ROOT / "notebooks" / "00_start_here.ipynb"


def first_code_cell(path) -> str:
    nb = nbformat.read(path, as_version=4)
    return next(c.source for c in nb.cells if c.cell_type == "code").strip()


def test_the_canonical_cell_loads_the_project_dependencies():
    cell = first_code_cell(CANONICAL)
    assert cell.startswith(":cache"), "the dependency cell must enable evcxr's compiled-crate cache first"
    for name in ("interleave", "tokio", "crossbeam-channel", "plotters"):
        assert re.search(rf"^:dep {name} = ", cell, re.M), f"missing :dep {name}"
    assert ':dep interleave = { path = "../support-crate" }' in cell


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_notebook_starts_with_the_canonical_dependency_cell(path):
    assert first_code_cell(path) == first_code_cell(CANONICAL)


def test_dependency_versions_are_the_locked_ones():
    lock = tomllib.loads((ROOT / "Cargo.lock").read_text())
    locked = {}
    for package in lock["package"]:
        locked.setdefault(package["name"], set()).add(package["version"])
    cell = first_code_cell(CANONICAL)
    pins = dict(re.findall(r'^:dep ([\w-]+) = .*?"=([\d.]+)"', cell, re.M))
    assert set(pins) == {"tokio", "crossbeam-channel", "plotters"}, pins
    for name, version in pins.items():
        assert version in locked.get(name, set()), f"{name} ={version} is not the version in Cargo.lock ({locked.get(name)})"
