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


# --- the import graph: no circles, no reaching into another module's private names ----------

PACKAGES = ("blog", "editorial", "config")


def module_name(path: Path) -> str:
    parts = path.relative_to(ROOT).with_suffix("").parts
    return ".".join(parts[:-1] if parts[-1] == "__init__" else parts)


def project_modules() -> dict[str, Path]:
    modules = {}
    for package in PACKAGES:
        for path in python_files(package):
            if "migrations" not in path.parts:
                modules[module_name(path)] = path
    return modules


def imports_of(path: Path, modules: dict[str, Path]) -> list[tuple[str, list[str]]]:
    """(module imported, names taken from it) for every import in the file, at any depth
    (imports inside functions and under TYPE_CHECKING count too)."""
    tree = ast.parse(path.read_text(encoding="utf-8"), filename=str(path))
    found = []
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            found += [(alias.name, []) for alias in node.names if alias.name in modules]
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            if node.module not in modules:
                continue
            names = []
            for alias in node.names:
                submodule = f"{node.module}.{alias.name}"
                if submodule in modules:
                    found.append((submodule, []))
                else:
                    names.append(alias.name)
            if names:
                found.append((node.module, names))
    return found


def import_graph(modules: dict[str, Path]) -> dict[str, set[str]]:
    return {
        name: {target for target, _ in imports_of(path, modules) if target != name}
        for name, path in modules.items()
    }


def cycles(graph: dict[str, set[str]]) -> list[list[str]]:
    """Strongly connected components of more than one module (Tarjan)."""
    index, low, stack, on_stack, found = {}, {}, [], set(), []

    def visit(node: str) -> None:
        index[node] = low[node] = len(index)
        stack.append(node)
        on_stack.add(node)
        for target in graph.get(node, ()):
            if target not in index:
                visit(target)
                low[node] = min(low[node], low[target])
            elif target in on_stack:
                low[node] = min(low[node], index[target])
        if low[node] == index[node]:
            component = []
            while True:
                member = stack.pop()
                on_stack.discard(member)
                component.append(member)
                if member == node:
                    break
            if len(component) > 1:
                found.append(sorted(component))

    for node in sorted(graph):
        if node not in index:
            visit(node)
    return found


def test_the_project_has_no_import_circles():
    modules = project_modules()
    assert len(modules) > 50, "the guard would pass vacuously"
    assert cycles(import_graph(modules)) == []


def test_the_circle_guard_finds_a_circle():
    graph = {"a": {"b"}, "b": {"c"}, "c": {"a"}, "d": {"a"}}
    assert cycles(graph) == [["a", "b", "c"]]
    assert cycles({"a": {"b"}, "b": set()}) == []


def test_no_module_imports_another_modules_private_names():
    modules = project_modules()
    offending = [
        f"{name} takes {taken} from {target}"
        for name, path in modules.items()
        for target, names in imports_of(path, modules)
        for taken in names
        if taken.startswith("_") and not taken.startswith("__")
    ]
    assert offending == []


def test_logic_modules_import_no_module_above_them():
    """logic/ is the ground floor: it imports other logic/ modules only (of this project)."""
    modules = project_modules()
    offending = [
        f"{name} -> {target}"
        for name, path in modules.items()
        if ".logic" in name
        for target, _ in imports_of(path, modules)
        if ".logic" not in target
    ]
    assert offending == []


# --- admin classes: one per model, declared where it is registered ---------------------------


def test_every_model_admin_is_declared_once_statically():
    from django.contrib import admin

    from blog.models import Post

    registered = type(admin.site._registry[Post])
    assert (registered.__module__, registered.__name__) == ("editorial.admin.posts", "PostAdmin")
    for model, model_admin in admin.site._registry.items():
        cls = type(model_admin)
        source = ROOT / Path(*cls.__module__.split(".")).with_suffix(".py")
        if not source.exists():  # Django's or taggit's own admin
            continue
        assert f"class {cls.__name__}(" in source.read_text(encoding="utf-8"), (
            f"{model.__name__}'s admin {cls.__name__} is not declared in {cls.__module__}"
        )


def test_no_admin_is_composed_or_swapped_at_run_time():
    offending = []
    for path in python_files("blog") + python_files("editorial"):
        text = path.read_text(encoding="utf-8")
        replaces = str(path.relative_to(ROOT)) in {"editorial/admin/access.py", "blog/admin.py"}
        if 'type(f"' in text or ".unregister(" in text and not replaces:
            offending.append(str(path.relative_to(ROOT)))
    # access.py replaces django.contrib.auth's own admins for users and groups (audited);
    # blog/admin.py replaces taggit's tag admin (its merge ignores the posts' TaggedPost rows).
    assert offending == []
