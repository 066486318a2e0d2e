"""The layers hold: engine knows nothing of Flask or the web, the interface nothing of the API,
and no import cycle anywhere — each module imports alone, as the first import of an interpreter.

Read from the sources (`ast`) and from child interpreters: nothing is imported in this process.
"""

import ast
import json
import subprocess
import sys
from functools import cache
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
PACKAGES = ("engine", "web", "cli")
# What the engine never imports: the web framework and the layers above it.
OUTSIDE_ENGINE = ("flask", "flask_babel", "flask_login", "flask_smorest", "flask_wtf", "web", "cli")


@cache
def modules() -> dict[str, Path]:
    """Every module of the first-party packages, by dotted name (a package by its own name)."""
    found = {}
    for package in PACKAGES:
        for path in sorted((ROOT / package).rglob("*.py")):
            parts = list(path.relative_to(ROOT).with_suffix("").parts)
            if parts[-1] == "__init__":
                parts.pop()
            found[".".join(parts)] = path
    return found


@cache
def tree(name: str) -> ast.Module:
    return ast.parse(modules()[name].read_text(), filename=str(modules()[name]))


def _imported(name: str, node: ast.Import | ast.ImportFrom) -> list[str]:
    """The dotted names an import statement of module `name` brings in (submodules resolved)."""
    if isinstance(node, ast.Import):
        return [alias.name for alias in node.names]
    base = node.module or ""
    if node.level:  # a relative import, from the module's own package
        package = name.split(".") if modules()[name].name == "__init__.py" else name.split(".")[:-1]
        package = package[: len(package) - node.level + 1]
        base = ".".join([*package, base] if base else package)
    return [
        f"{base}.{alias.name}" if f"{base}.{alias.name}" in modules() else base
        for alias in node.names
    ]


def _imports(name: str, *, module_level: bool) -> set[str]:
    """What module `name` imports: at module level, or anywhere (functions included)."""
    found: set[str] = set()
    stack: list[ast.AST] = [tree(name)]
    while stack:
        node = stack.pop()
        if isinstance(node, ast.Import | ast.ImportFrom):
            found.update(_imported(name, node))
        elif module_level and isinstance(node, ast.FunctionDef | ast.AsyncFunctionDef | ast.Lambda):
            continue
        elif module_level and isinstance(node, ast.If) and _type_checking(node):
            stack.extend(node.orelse)  # annotations only: not imported when the code runs
            continue
        stack.extend(ast.iter_child_nodes(node))
    return found


def _type_checking(node: ast.If) -> bool:
    test = node.test
    return (isinstance(test, ast.Name) and test.id == "TYPE_CHECKING") or (
        isinstance(test, ast.Attribute) and test.attr == "TYPE_CHECKING"
    )


def _within(imported: str, *prefixes: str) -> bool:
    return any(imported == p or imported.startswith(p + ".") for p in prefixes)


def test_the_engine_imports_neither_flask_nor_the_web_nor_the_command_line():
    wrong = {
        name: sorted(i for i in _imports(name, module_level=False) if _within(i, *OUTSIDE_ENGINE))
        for name in modules()
        if _within(name, "engine")
    }
    wrong = {k: v for k, v in wrong.items() if v}
    assert not wrong, f"the engine imports the web framework or a layer above it: {wrong}"


def test_the_interface_does_not_import_the_api():
    wrong = {
        name: sorted(i for i in _imports(name, module_level=False) if _within(i, "web.api"))
        for name in modules()
        if _within(name, "web.ui")
    }
    wrong = {k: v for k, v in wrong.items() if v}
    assert not wrong, f"the interface imports the API (shared plumbing goes in web/): {wrong}"


def test_the_web_imports_its_own_modules_at_the_top_only():
    # An import inside a function is how a cycle gets hidden: none in web/.
    hidden = {}
    for name in modules():
        if _within(name, "web"):
            inner = _imports(name, module_level=False) - _imports(name, module_level=True)
            hidden[name] = sorted(i for i in inner if _within(i, *PACKAGES))
    hidden = {k: v for k, v in hidden.items() if v}
    assert not hidden, f"imports inside functions: {hidden}"


def test_no_cycle_between_modules():
    graph = {
        name: {i for i in _imports(name, module_level=True) if i in modules() and i != name}
        for name in modules()
    }
    cycle = _a_cycle(graph)
    assert cycle is None, "import cycle: " + " -> ".join(cycle or [])


def _a_cycle(graph: dict[str, set[str]]) -> list[str] | None:
    """Return one cycle of the graph as a path (first node repeated at the end), or None."""
    done: set[str] = set()
    for start in sorted(graph.keys() - done):
        path, branches = [start], [iter(sorted(graph[start]))]
        while branches:
            nxt = next(branches[-1], None)
            if nxt is None:
                done.add(path.pop())
                branches.pop()
            elif nxt in path:
                return [*path[path.index(nxt) :], nxt]
            elif nxt not in done:
                path.append(nxt)
                branches.append(iter(sorted(graph[nxt])))
    return None


# Run in a child interpreter: import the third-party packages the sources use (they cannot
# import ours), then fork once per module, so that each module is the first of ours imported in
# its process. A cycle only shows when one of its modules is imported first.
CHILD = r"""
import importlib, json, os, sys, traceback

names, third_party = json.loads(sys.argv[1]), json.loads(sys.argv[2])
for package in third_party:
    try:
        importlib.import_module(package)
    except Exception:
        pass
failures, running, width = {}, {}, max(2, os.cpu_count() or 2)


def reap():
    pid, status = os.wait()
    name, reader = running.pop(pid)
    with os.fdopen(reader) as pipe:
        message = pipe.read()
    if status:
        failures[name] = message or f"exit status {status}"


for name in names:
    while len(running) >= width:
        reap()
    reader, writer = os.pipe()
    pid = os.fork()
    if pid == 0:
        os.close(reader)
        devnull = os.open(os.devnull, os.O_WRONLY)
        os.dup2(devnull, 1)
        os.dup2(devnull, 2)
        try:
            importlib.import_module(name)
        except BaseException:
            os.write(writer, traceback.format_exc()[-3000:].encode())
            os._exit(1)
        os._exit(0)
    os.close(writer)
    running[pid] = (name, reader)
while running:
    reap()
print(json.dumps(failures))
"""


def test_each_module_imports_alone_as_the_first_import_of_its_interpreter():
    ours = sorted(modules())
    third_party = sorted(
        {
            imported
            for name in ours
            for imported in _imports(name, module_level=True)
            if imported and not _within(imported, *PACKAGES)
        }
    )
    run = subprocess.run(
        [sys.executable, "-c", CHILD, json.dumps(ours), json.dumps(third_party)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
        check=True,
    )
    failures = json.loads(run.stdout.strip().splitlines()[-1])
    assert not failures, "\n\n".join(f"{name}:\n{error}" for name, error in failures.items())
