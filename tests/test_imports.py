"""How the package's modules import each other, and what a plain ``tenfold score`` imports.

No import cycles in ``toolkit/``. The graph is built by grimp from every ``import`` statement
in the package's source: at module level, inside functions, and under ``if TYPE_CHECKING:``. A
function-level import that only dodges a cycle still ties the two modules together, and a
type-only import is still a dependency of one module on the other, so both count. A module
imported by name at run time (``importlib``, as the ``tenfold`` group loads the commands its
``COMMANDS`` table names) is not an edge of the graph; tests/test_extension_points.py checks that
table.
"""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import grimp

ROOT = Path(__file__).resolve().parents[1]
SAMPLE = ROOT / "engagements" / "harbourline-2026-11.json"


def import_cycles(graph: grimp.ImportGraph, package: str) -> list[tuple[str, ...]]:
    """One shortest cycle through each import that has one, as the modules round it."""
    cycles: set[tuple[str, ...]] = set()
    for importer in sorted(graph.find_descendants(package) | {package}):
        for imported in sorted(graph.find_modules_directly_imported_by(importer)):
            back = graph.find_shortest_chain(importer=imported, imported=importer)
            if back is not None:
                loop = (importer, *back)
                start = loop.index(min(loop[:-1]))  # the same cycle, whichever module it met
                cycles.add((*loop[start:-1], *loop[:start], loop[start]))
    return sorted(cycles)


def test_no_module_of_the_toolkit_imports_itself_round_a_loop() -> None:
    graph = grimp.build_graph("toolkit", cache_dir=None)
    assert len(graph.modules) > 50  # the whole package was read
    found = [" -> ".join(cycle) for cycle in import_cycles(graph, "toolkit")]
    assert found == [], "import cycles in toolkit/:\n  " + "\n  ".join(found)


def test_the_cycle_finder_finds_a_direct_and_a_longer_cycle() -> None:
    graph = grimp.ImportGraph()
    for module in ("p", "p.a", "p.b", "p.c", "p.d"):
        graph.add_module(module)
    graph.add_import(importer="p.a", imported="p.b")
    graph.add_import(importer="p.b", imported="p.a")
    graph.add_import(importer="p.b", imported="p.c")
    graph.add_import(importer="p.c", imported="p.d")
    graph.add_import(importer="p.d", imported="p.b")
    assert import_cycles(graph, "p") == [
        ("p.a", "p.b", "p.a"),
        ("p.b", "p.c", "p.d", "p.b"),
    ]


#: What only an extra brings: a dashboard, a report, a chart file, the test tools.
EXTRAS_ONLY = (
    "altair",
    "anywidget",
    "ipykernel",
    "ipywidgets",
    "jinja2",
    "jupyter_server",
    "jupyterlab",
    "playwright",
    "pptx",
    "pytest",
    "voila",
    "vl_convert",
    "weasyprint",
)


def test_tenfold_score_imports_nothing_an_extra_brings() -> None:
    # The core install (pandas, pydantic, click, filelock...) scores a file: nothing from the
    # dashboard, report or chart extras is imported on the way, nor the toolkit's modules for them.
    probe = f"""
import json, sys
from click.testing import CliRunner
import toolkit
from toolkit.cli import cli
result = CliRunner().invoke(cli, ["score", {str(SAMPLE)!r}])
print(json.dumps([result.exit_code, result.output, sorted(sys.modules)]))
"""
    done = subprocess.run(
        [sys.executable, "-c", probe], capture_output=True, text=True, check=True, cwd=ROOT
    )
    status, output, modules = json.loads(done.stdout)
    assert status == 0, output
    assert "assessed 8/10" in output
    loaded = {m.split(".")[0] for m in modules}
    assert sorted(loaded & set(EXTRAS_ONLY)) == []
    toolkit_modules = {m for m in modules if m.startswith("toolkit.")}
    assert not {m for m in toolkit_modules if m.startswith(("toolkit.dashboard", "toolkit.report"))}
    assert "toolkit.charts" not in toolkit_modules and "toolkit.cli_outputs" not in toolkit_modules
