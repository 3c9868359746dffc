"""How the worker side is put together: modules without import cycles, the engine used through its public API,
and every task the settings name known to a worker."""

from __future__ import annotations

import ast
from graphlib import CycleError, TopologicalSorter
from pathlib import Path

import pytest

import grader

SERVER = Path(__file__).resolve().parents[2] / "server"
GRADING = SERVER / "grading"


def modules(folder: Path) -> dict[str, ast.Module]:
    return {
        ".".join(path.relative_to(SERVER.parent).with_suffix("").parts): ast.parse(path.read_text(encoding="utf-8"))
        for path in sorted(folder.rglob("*.py"))
        if "migrations" not in path.parts
    }


def imported(node: ast.AST) -> list[str]:
    """Modules named by an import statement (``from a.b import c`` names ``a.b`` and ``a.b.c``)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    if isinstance(node, ast.ImportFrom) and node.module:
        return [node.module, *(f"{node.module}.{alias.name}" for alias in node.names)]
    return []


def function_level_imports(tree: ast.Module) -> list[str]:
    found = []
    for fn in ast.walk(tree):
        if isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
            found += [name for node in ast.walk(fn) for name in imported(node)]
    return found


def test_no_grading_module_imports_another_inside_a_function():
    hidden = {
        name: sorted({m for m in function_level_imports(tree) if m.startswith("server.")})
        for name, tree in modules(GRADING).items()
    }
    assert {name: found for name, found in hidden.items() if found} == {}


def test_the_grading_modules_import_each_other_without_a_cycle():
    trees = modules(GRADING)
    graph = {
        name: {m for node in ast.walk(tree) for m in imported(node) if m in trees and m != name}
        for name, tree in trees.items()
    }
    try:
        list(TopologicalSorter(graph).static_order())
    except CycleError as exc:
        pytest.fail(f"import cycle: {' -> '.join(exc.args[1])}")


def test_the_server_uses_only_the_engines_public_api():
    public = set(grader.__all__)
    misuse = []
    for name, tree in modules(SERVER).items():
        for node in ast.walk(tree):
            if isinstance(node, ast.ImportFrom) and (node.module or "").split(".")[0] == "grader":
                if node.module != "grader":
                    misuse.append(f"{name}: from {node.module} import ...")
                misuse += [f"{name}: grader.{a.name}" for a in node.names if a.name not in public]
            elif isinstance(node, ast.Import):
                misuse += [f"{name}: import {a.name}" for a in node.names if a.name.startswith("grader.")]
            elif isinstance(node, ast.Attribute) and isinstance(node.value, ast.Name) and node.value.id == "grader":
                misuse += [f"{name}: grader.{node.attr}"] if node.attr not in public else []
    assert misuse == []


def test_the_server_reaches_into_no_compiled_part():
    """Grading one part goes through ``grader.grade_part``, not a compiled part picked out of a compiled rubric."""
    reaches = [
        f"{name}: {ast.unparse(node)}"
        for name, tree in modules(SERVER).items()
        for node in ast.walk(tree)
        if isinstance(node, ast.Subscript)
        and isinstance(node.value, ast.Attribute)
        and node.value.attr == "parts"
        and "compiled" in ast.unparse(node.value.value)
    ]
    assert reaches == []


def test_every_task_the_settings_name_is_registered_by_the_worker_imports():
    from django.conf import settings

    from server.celery import app

    app.loader.import_default_modules()  # what a worker does at start: CELERY_IMPORTS
    named = {entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()} | set(
        getattr(settings, "CELERY_TASK_ROUTES", None) or {}
    )
    assert named and named <= set(app.tasks)
