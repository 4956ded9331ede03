"""The shape of the package: the engine's imports, and sizes a reader can hold."""

import ast
import pathlib

import pytest

PACKAGE = pathlib.Path(__file__).resolve().parents[1] / "skae"
MODULES = sorted(PACKAGE.rglob("*.py"))


def _imports(path):
    """``(module, level)`` of every import statement in ``path``."""
    for node in ast.walk(ast.parse(path.read_text())):
        if isinstance(node, ast.Import):
            yield from ((alias.name, 0) for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            yield node.module or "", node.level


@pytest.mark.parametrize("path", sorted((PACKAGE / "_engine").glob("*.py")),
                         ids=lambda p: p.name)
def test_the_engine_imports_torch_and_skorch_but_not_scikit_learn(path):
    for module, level in _imports(path):
        assert not module.startswith("sklearn"), f"{path.name} imports {module}"
        # Within the engine only: nothing of the estimators above it.
        assert level <= 1, f"{path.name} imports {'.' * level}{module}"
        assert not module.startswith("skae"), f"{path.name} imports {module}"


def _function_code_lines(node, lines):
    body = node.body
    if isinstance(body[0], ast.Expr) and isinstance(getattr(body[0], "value", None),
                                                    ast.Constant):
        body = body[1:]  # the docstring
    if not body:
        return 0
    return sum(1 for line in lines[body[0].lineno - 1 : node.end_lineno]
               if line.strip() and not line.strip().startswith("#"))


@pytest.mark.parametrize("path", MODULES, ids=lambda p: str(p.relative_to(PACKAGE)))
def test_modules_classes_and_functions_stay_small(path):
    source = path.read_text()
    lines = source.splitlines()
    assert len(lines) <= 400, f"{path.name}: {len(lines)} lines"
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.ClassDef):
            assert node.end_lineno - node.lineno < 400, node.name
        if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
            assert _function_code_lines(node, lines) <= 60, node.name
