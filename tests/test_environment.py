"""environment.yml (conda) and requirements.txt (pip) must describe the same Python environment."""

from __future__ import annotations

import re

import yaml

from conftest import ROOT


def environment():
    return yaml.safe_load((ROOT / "environment.yml").read_text())


def test_conda_pip_section_reuses_the_requirements_file():
    deps = environment()["dependencies"]
    pip_sections = [d["pip"] for d in deps if isinstance(d, dict) and "pip" in d]
    assert pip_sections == [["-r requirements.txt"]], (
        "environment.yml's pip section must be exactly '-r requirements.txt' so the pins live in one place"
    )


def test_conda_python_is_the_one_the_requirements_were_frozen_with():
    pins = [d for d in environment()["dependencies"] if isinstance(d, str) and d.startswith("python=")]
    frozen = re.search(r"^# Frozen with Python (\d+\.\d+)", (ROOT / "requirements.txt").read_text(), re.M)
    assert frozen, "requirements.txt's header must say which Python it was frozen with"
    assert pins == [f"python={frozen.group(1)}"], f"environment.yml pins {pins}, requirements.txt was frozen with {frozen.group(1)}"


def test_every_requirement_is_pinned_exactly():
    lines = [
        line.strip()
        for line in (ROOT / "requirements.txt").read_text().splitlines()
        if line.strip() and not line.startswith("#")
    ]
    loose = [line for line in lines if not re.fullmatch(r"[A-Za-z0-9_.\-\[\]]+==[\w.\-+]+", line)]
    assert not loose, f"unpinned requirements: {loose}"
    names = {line.split("==")[0].lower() for line in lines}
    assert {"jupyterlab", "nbclient", "nbconvert", "nbformat", "pytest", "playwright", "pyyaml"} <= names
