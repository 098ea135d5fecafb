"""The examples in core's and bot's docstrings are tests too."""

from __future__ import annotations

import doctest
import importlib
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]
MODULES = sorted(
    f"{path.parent.name}.{path.stem}"
    for package in ("core", "bot")
    for path in (ROOT / package).glob("*.py")
    if path.stem not in ("__init__", "__main__")
)


@pytest.mark.parametrize("name", MODULES)
def test_docstring_examples_hold(name: str) -> None:
    results = doctest.testmod(importlib.import_module(name), optionflags=doctest.ELLIPSIS)

    assert results.failed == 0


def test_the_doctests_are_found() -> None:
    found = sum(doctest.testmod(importlib.import_module(n)).attempted for n in MODULES)

    assert found >= 20
