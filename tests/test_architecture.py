"""Guards the design's boundaries by reading the source with `ast`:
`blog` never imports `editorial`, and `logic/` modules never import Django."""

import ast
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


def imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module)
    return names


def python_files(*parts: str) -> list[Path]:
    return sorted((ROOT.joinpath(*parts)).rglob("*.py"))


def test_the_guard_sees_the_source_files():
    assert python_files("blog"), "blog/ has no Python files: the guard would pass vacuously"
    assert python_files("blog", "logic")


@pytest.mark.parametrize("path", python_files("blog"), ids=lambda p: str(p.relative_to(ROOT)))
def test_blog_never_imports_editorial(path):
    offending = {
        m for m in imported_modules(path) if m == "editorial" or m.startswith("editorial.")
    }
    assert not offending, f"{path} imports {offending}: blog must not depend on editorial"


@pytest.mark.parametrize(
    "path",
    python_files("blog", "logic") + python_files("editorial", "logic"),
    ids=lambda p: str(p.relative_to(ROOT)),
)
def test_logic_modules_never_import_django(path):
    offending = {
        m
        for m in imported_modules(path)
        if m.split(".")[0] in {"django", "taggit"}
        or m.startswith(("blog.models", "editorial.models"))
    }
    assert not offending, f"{path} imports {offending}: logic/ must stay free of Django"


def test_guard_detects_a_forbidden_import(tmp_path):
    bad = tmp_path / "bad.py"
    bad.write_text("from editorial.workflow import apply\nimport django.db\n", encoding="utf-8")
    assert {"editorial.workflow", "django.db"} <= imported_modules(bad)
