"""Every public package's ``__all__`` is exactly its public names (compare httpx's test).

A public name is one that does not start with ``_``, is not a module and is not an import
helper (``annotations``, ``TYPE_CHECKING``, ``lazy_exports``) or a name of another library
(``StrEnum``); a package may re-export this project's names, a plain module (``adapters``)
only lists what it defines. A lazy package
(PEP 562) declares its API once more: the names it imports under ``TYPE_CHECKING`` and
the map to their modules must both be ``__all__``.
"""

from __future__ import annotations

import ast
import importlib
import inspect
from pathlib import Path

import pytest

PURE = [
    "harvester_iac",
    "harvester_iac.core",
    "harvester_iac.errors",
    "harvester_iac.incident",
    "harvester_iac.model",
    "harvester_iac.observe",
    "harvester_iac.observe.logs",
    "harvester_iac.observe.longhorn",
    "harvester_iac.policy",
    "harvester_iac.preview",
    "harvester_iac.render",
    "harvester_iac.report",
    "harvester_iac.scheduler",
    "harvester_iac.scheduler.adapters",
]
CDK = ["harvester_iac.constructs", "harvester_iac.stacks"]
HELPERS = {"annotations", "TYPE_CHECKING", "lazy_exports"}
REEXPORTING = {"harvester_iac.errors"}  # the error tree at its old path


def _public_names(name: str) -> set[str]:
    module = importlib.import_module(name)
    package = Path(module.__file__ or "").name == "__init__.py" or name in REEXPORTING

    def ours(value: object) -> bool:
        if inspect.ismodule(value):
            return False
        if inspect.isclass(value) or inspect.isroutine(value):
            home = value.__module__
            return home.startswith("harvester_iac") if package else home == name
        return True  # a constant or a type alias

    return {n for n in dir(module)
            if not n.startswith("_") and n not in HELPERS and ours(getattr(module, n))}


def _check(name: str) -> None:
    module = importlib.import_module(name)
    exported = list(module.__all__)
    assert len(exported) == len(set(exported)), f"{name}: a name is listed twice"
    dunders = {n for n in exported if n.startswith("__")}  # __version__
    assert sorted(set(exported) - dunders) == sorted(_public_names(name)), name
    for member in exported:
        assert getattr(module, member) is not None, f"{name}.{member}"


@pytest.mark.parametrize("name", PURE)
def test_all_is_the_public_api(name: str) -> None:
    _check(name)


@pytest.mark.cdk
@pytest.mark.parametrize("name", CDK)
def test_all_is_the_public_api_of_the_cdk_packages(name: str) -> None:
    _check(name)


def _type_checking_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names: set[str] = set()
    for node in tree.body:
        if isinstance(node, ast.If) and isinstance(node.test, ast.Name) and node.test.id == "TYPE_CHECKING":
            for stmt in node.body:
                if isinstance(stmt, ast.ImportFrom):
                    names |= {a.asname or a.name for a in stmt.names}
    return names


@pytest.mark.parametrize("name", [n for n in PURE if hasattr(importlib.import_module(n), "_HOME")])
def test_a_lazy_package_declares_each_name_once_per_role(name: str) -> None:
    module = importlib.import_module(name)
    file = module.__file__
    assert file is not None
    typed = _type_checking_imports(Path(file))
    home = set(module._HOME)
    defined_here = {n for n in module.__all__ if n in vars(module) and n not in home}
    assert home | defined_here == set(module.__all__), name
    assert home <= typed, f"{name}: names mapped but not imported for the type checker: {home - typed}"
