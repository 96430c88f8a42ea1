"""Which of the package's modules a piece of code runs: the imports of a notebook or a module, followed
through the package. The build keys each notebook by them (an edited module re-executes exactly the notebooks
that import it) and the cache keys each cached function by them (an edited helper invalidates its entries).
"""

from __future__ import annotations

import ast
import re
from functools import lru_cache
from pathlib import Path

from .data import REPO_ROOT

PACKAGE = "ai_culture_report"
MAGIC = re.compile(r"^\s*[%!]")  # IPython magics and shell lines, which are not Python


def _module_path(name: str, repo: Path) -> Path | None:
    """The file of a package module (``a.b`` -> ``a/b.py`` or ``a/b/__init__.py``), None outside the package."""
    if name != PACKAGE and not name.startswith(PACKAGE + "."):
        return None
    base = repo.joinpath(*name.split("."))
    for candidate in (base.with_suffix(".py"), base / "__init__.py"):
        if candidate.is_file():
            return candidate
    return None


def imported_names(tree: ast.AST, package: str) -> set[str]:
    """Dotted names of the modules that ``tree`` imports, anywhere in it (function bodies included).
    ``package`` resolves relative imports; ``from x import y`` names both ``x`` and ``x.y`` (y may be a module)."""
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            parts = package.split(".")
            base = ".".join(parts[:len(parts) - node.level + 1]) if node.level else ""
            module = ".".join(p for p in (base, node.module or "") if p)
            names.add(module)
            names.update(f"{module}.{alias.name}" for alias in node.names)
    return names


def source_tree(source: str) -> ast.AST:
    return ast.parse("\n".join("" if MAGIC.match(line) else line for line in source.splitlines()))


@lru_cache(maxsize=None)
def _file_imports(path: str, size: int, mtime_ns: int, package: str) -> tuple[str, ...]:
    """A module's imports, parsed once per version of the file (every notebook of every variant asks)."""
    return tuple(sorted(imported_names(ast.parse(Path(path).read_bytes()), package)))


def module_closure(names: set[str], repo: Path = REPO_ROOT) -> list[Path]:
    """The package modules that importing ``names`` runs: each module, the ``__init__`` of its packages, and
    what they import in turn."""
    found: dict[Path, None] = {}
    pending = sorted(names)
    while pending:
        name = pending.pop()
        parts = name.split(".")
        for depth in range(1, len(parts) + 1):  # importing a.b.c runs a/__init__ and a/b/__init__ first
            prefix = ".".join(parts[:depth])
            path = _module_path(prefix, repo)
            if path is None or path in found:
                continue
            found[path] = None
            package = prefix if path.name == "__init__.py" else prefix.rpartition(".")[0]
            stat = path.stat()
            pending.extend(_file_imports(str(path), stat.st_size, stat.st_mtime_ns, package))
    return sorted(found)
