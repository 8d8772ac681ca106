"""The package's layout: one subpackage per domain, imports running one way, small modules."""

import ast
import graphlib

import pytest
from conftest import ROOT

PACKAGE = ROOT / "widget"
TOP_MODULES = {"__init__.py", "settings.py", "keys.py"}
# The bottom of the house: they may use each other (web's health check reads the store) and
# the top-level modules, never a domain. The outbox is used by every domain, so it knows none.
PLUMBING = {"store": set(), "web": {"store"}, "outbox": {"store", "web"}}
MAX_LINES = 250


def subpackages():
    return sorted(path.name for path in PACKAGE.iterdir() if (path / "__init__.py").exists())


def imported_packages(path):
    """Return the widget subpackages (and top-level modules) a module imports."""
    here = path.relative_to(PACKAGE).parts[:-1]
    found = set()
    for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
        if isinstance(node, ast.ImportFrom) and node.level:
            base = list(here[: len(here) - node.level + 1])
            target = base + (node.module.split(".") if node.module else [])
            names = target or [alias.name for alias in node.names]
            found.update(names[:1])
        elif isinstance(node, ast.ImportFrom) and (node.module or "").startswith("widget."):
            found.add(node.module.split(".")[1])
    return found


def package_graph():
    """Return {subpackage: the other subpackages it imports}."""
    graph = {name: set() for name in subpackages()}
    for name in graph:
        for path in (PACKAGE / name).rglob("*.py"):
            graph[name] |= {other for other in imported_packages(path) if other in graph} - {name}
    return graph


def test_the_top_holds_only_the_factory_settings_and_keys():
    assert {path.name for path in PACKAGE.glob("*.py")} == TOP_MODULES


def test_no_two_packages_import_each_other():
    # A cycle of any length raises CycleError, naming it.
    graphlib.TopologicalSorter(package_graph()).prepare()


def test_store_and_web_import_no_domain():
    graph = package_graph()
    for name, allowed in PLUMBING.items():
        assert graph[name] <= allowed, f"{name} imports {graph[name] - allowed}"


@pytest.mark.parametrize("name", subpackages())
def test_each_package_says_what_its_domain_is(name):
    docstring = ast.get_docstring(ast.parse((PACKAGE / name / "__init__.py").read_text()))
    assert docstring and "\n" not in docstring.strip()


def test_every_module_is_small_and_says_what_it_does():
    for path in PACKAGE.rglob("*.py"):
        text = path.read_text(encoding="utf-8")
        assert len(text.splitlines()) <= MAX_LINES, f"{path} is over {MAX_LINES} lines"
        docstring = ast.get_docstring(ast.parse(text))
        assert docstring and "\n" not in docstring.strip(), f"{path} needs a one-line docstring"
