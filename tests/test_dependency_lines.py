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


def locked_versions() -> dict[str, set[str]]:
    """Crate name -> the versions Cargo.lock holds for it."""
    locked: dict[str, set[str]] = {}
    for package in tomllib.loads((ROOT / "Cargo.lock").read_text())["package"]:
        locked.setdefault(package["name"], set()).add(package["version"])
    return locked


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
    locked = locked_versions()
    cell = first_code_cell(CANONICAL)
    pins = dict(re.findall(r'^:dep ([\w-]+) = .*?"=([\d.]+)"', cell, re.M))
    assert set(pins) == {"tokio", "crossbeam-channel", "plotters"}, pins
    for name, version in pins.items():
        assert version in locked.get(name, set()), f"{name} ={version} is not the version in Cargo.lock ({locked.get(name)})"


def pinned_deps(path):
    """Every `:dep name = ... "=x.y.z"` line in a notebook, from any cell."""
    nb = nbformat.read(path, as_version=4)
    for cell in nb.cells:
        if cell.cell_type == "code":
            yield from re.findall(r'^:dep ([\w-]+) = .*?"=([\d.]+)"', cell.source, re.M)


@pytest.mark.parametrize("path", NOTEBOOKS, ids=[p.name for p in NOTEBOOKS])
def test_every_pinned_dependency_is_the_workspace_version(path):
    """Extra `:dep` lines (loom, tokio-util...) use the workspace's version too."""
    locked = locked_versions()
    declared = tomllib.loads((ROOT / "Cargo.toml").read_text())["workspace"]["dependencies"]
    for name, version in pinned_deps(path):
        if name in locked:
            assert version in locked[name], f"{name} ={version}: Cargo.lock has {sorted(locked[name])}"
        else:
            spec = declared.get(name)
            assert spec is not None, f"{name} is not a workspace dependency (add it to [workspace.dependencies])"
            want = spec if isinstance(spec, str) else spec["version"]
            assert version == want, f"{name} ={version}: the workspace declares {want}"
    unpinned = [
        line
        for cell in nbformat.read(path, as_version=4).cells
        if cell.cell_type == "code"
        for line in cell.source.splitlines()
        if line.startswith(":dep ") and "path =" not in line and '"=' not in line
    ]
    assert not unpinned, f"unpinned :dep lines: {unpinned}"
