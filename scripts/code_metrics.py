"""Print the style metrics of issue 16 for a package directory (default: ``cloudgeo/``).

Plain :mod:`ast`, no extra dependency. Definitions:

* module lines: physical lines of a ``.py`` file;
* code lines of a function: lines of its span that are not blank, not comment-only and not
  part of its docstring (nested functions count towards their parent too);
* branches of a function: ``if``/``elif``, ``for``, ``while``, ``except``, ``case``,
  conditional expressions, comprehension ``if``\\s and each extra operand of ``and``/``or``
  (nested functions included), as in McCabe's count minus one;
* private share: module-level and class-level ``def``/``class`` names starting with ``_``
  (dunder methods excluded) over all such definitions;
* subpackages: directories below the package holding an ``__init__.py``.

Run::

    python scripts/code_metrics.py [package_dir]
"""

from __future__ import annotations

import ast
import sys
from pathlib import Path

LONG_FUNCTION_LINES = 60
MANY_BRANCHES = 30

FunctionNode = ast.FunctionDef | ast.AsyncFunctionDef
_BRANCH_NODES = (ast.If, ast.For, ast.AsyncFor, ast.While, ast.ExceptHandler, ast.IfExp, ast.match_case)


def branches(node: ast.AST) -> int:
    """Count the branch points below ``node`` (see the module docstring)."""
    count = 0
    for sub in ast.walk(node):
        if isinstance(sub, _BRANCH_NODES):
            count += 1
        elif isinstance(sub, ast.BoolOp):
            count += len(sub.values) - 1
        elif isinstance(sub, ast.comprehension):
            count += len(sub.ifs)
    return count


def code_lines(node: FunctionNode, lines: list[str]) -> int:
    """Count the code lines of a function (no blank, comment-only or docstring lines)."""
    assert node.end_lineno is not None
    skip: set[int] = set()
    body = node.body
    first = body[0] if body else None
    if (
        isinstance(first, ast.Expr)
        and isinstance(first.value, ast.Constant)
        and isinstance(first.value.value, str)
        and first.end_lineno is not None
    ):
        skip = set(range(body[0].lineno, body[0].end_lineno + 1))
    count = 0
    for no in range(node.lineno, node.end_lineno + 1):
        text = lines[no - 1].strip()
        if no in skip or not text or text.startswith("#"):
            continue
        count += 1
    return count


def definitions(tree: ast.Module) -> list[str]:
    """Names of the module-level and class-level functions and classes."""
    names: list[str] = []
    for node in tree.body:
        if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef):
            names.append(node.name)
        if isinstance(node, ast.ClassDef):
            for sub in node.body:
                is_def = isinstance(sub, ast.FunctionDef | ast.AsyncFunctionDef | ast.ClassDef)
                if is_def and not (sub.name.startswith("__") and sub.name.endswith("__")):
                    names.append(sub.name)
    return names


def main() -> None:
    root = Path(sys.argv[1] if len(sys.argv) > 1 else "cloudgeo")
    files = sorted(root.rglob("*.py"))
    largest = (0, "")
    long_functions: list[tuple[int, str]] = []
    branchy: list[tuple[int, str]] = []
    names: list[str] = []
    for path in files:
        text = path.read_text(encoding="utf-8")
        lines = text.splitlines()
        largest = max(largest, (len(lines), str(path)))
        tree = ast.parse(text)
        names += definitions(tree)
        for node in ast.walk(tree):
            if isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef):
                where = f"{path}:{node.lineno} {node.name}"
                n_lines = code_lines(node, lines)
                if n_lines > LONG_FUNCTION_LINES:
                    long_functions.append((n_lines, where))
                n_branches = branches(node)
                if n_branches >= MANY_BRANCHES:
                    branchy.append((n_branches, where))
    subpackages = [p.parent for p in root.rglob("__init__.py") if p.parent != root]
    private = sum(n.startswith("_") for n in names)
    print(f"package: {root} ({len(files)} modules)")
    print(f"largest module [lines]: {largest[0]:,} ({largest[1]})")
    print(f"functions over {LONG_FUNCTION_LINES} code lines: {len(long_functions)}")
    for n, where in sorted(long_functions, reverse=True):
        print(f"    {n:4d} lines  {where}")
    print(f"functions with {MANY_BRANCHES}+ branches: {len(branchy)}")
    for n, where in sorted(branchy, reverse=True):
        print(f"    {n:4d} branches  {where}")
    print(f"share of private definitions: {private / max(1, len(names)):.2f} ({private} of {len(names)})")
    print(f"subpackages: {len(subpackages)} {sorted(str(p) for p in subpackages)}")


if __name__ == "__main__":
    main()
