"""Measure how readable and changeable the chapters are: the figures the chapter-design issue asks for.

    python scripts/chapter_metrics.py --built _build          # after python scripts/build.py
    python scripts/chapter_metrics.py --built DIR --json      # machine-readable

It reports, from the source tree:
- lines per module in ``ai_culture_report/chapters/`` and every function over 60 lines;
- which chapter notebooks have no module of the same name;
and, from a built book (its stage holds the executed notebooks, its HTML the pages):
- the share of glued values longer than 12 words, per notebook and overall;
- the words on each chapter page: its prose, and all its visible text with the charts' captions.
"""

from __future__ import annotations

import argparse
import ast
import json
import re
import sys
from pathlib import Path

from bs4 import BeautifulSoup

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))
from ai_culture_report.bookaudit import glued_values  # noqa: E402

REPO = Path(__file__).resolve().parents[1]
LONG_GLUE_WORDS = 12
LONG_FUNCTION_LINES = 60
WORD = re.compile(r"\w+(?:[-'’]\w+)*")


def module_lines(package: Path) -> dict[str, int]:
    return {p.name: len(p.read_text(encoding="utf-8").splitlines()) for p in sorted(package.glob("*.py"))
            if p.name != "__init__.py"}


def long_functions(package: Path, limit: int = LONG_FUNCTION_LINES) -> list[tuple[str, int]]:
    """(module:function, lines) for every function longer than ``limit`` lines in the package."""
    found = []
    for path in sorted(package.rglob("*.py")):
        tree = ast.parse(path.read_text(encoding="utf-8"))
        for node in ast.walk(tree):
            if isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)):
                length = node.end_lineno - node.lineno + 1
                if length > limit:
                    found.append((f"{path.relative_to(package.parent).as_posix()}:{node.name}", length))
    return sorted(found, key=lambda item: -item[1])


def notebooks_without_module(repo: Path) -> list[str]:
    modules = {p.stem for p in (repo / "ai_culture_report" / "chapters").glob("*.py")}
    return [nb.stem for nb in sorted((repo / "chapters").glob("*.ipynb")) if nb.stem not in modules]


def glue_lengths(executed: list[Path]) -> dict[str, dict]:
    report = {}
    for notebook in executed:
        values = [text for _, text in glued_values(notebook)]
        long = [v for v in values if len(v.split()) > LONG_GLUE_WORDS]
        report[notebook.stem] = {"glued": len(values), "long": len(long)}
    return report


def page_words(html: Path) -> dict[str, int]:
    """Words on a page: the prose a reader reads through, and everything visible with the charts' captions.

    Tables are looked up rather than read, and collapsed details (text descriptions for screen
    readers, notes) are opened on demand, so neither counts.
    """
    soup = BeautifulSoup(html.read_text(encoding="utf-8"), "html.parser")
    article = soup.find("article") or soup
    for tag in article.select("script, style, .headerlink, svg, table, details"):
        tag.decompose()
    visible = len(WORD.findall(article.get_text(" ")))
    for tag in article.select("figure, .cell_output"):
        tag.decompose()
    return {"prose": len(WORD.findall(article.get_text(" "))), "visible": visible}


def find_built(built: Path) -> tuple[list[Path], Path | None]:
    """Executed chapter notebooks and the HTML folder of a build root (a stage root or ``_build``)."""
    executed = sorted(p for p in built.rglob("chapters/*.ipynb")
                      if ".ipynb_checkpoints" not in p.parts and "html" not in p.parts and "_sources" not in p.parts
                      and not p.name.endswith(".rerun.ipynb"))
    htmls = sorted(built.rglob("html/intro.html"))
    return executed, (htmls[0].parent if htmls else None)


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--built", type=Path, help="a build root: _build, or a --stage-root folder")
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args(argv)
    package = REPO / "ai_culture_report"
    result: dict = {
        "chapter_module_lines": module_lines(package / "chapters"),
        "functions_over_60_lines": long_functions(package),
        "notebooks_without_module": notebooks_without_module(REPO),
    }
    if args.built:
        executed, html = find_built(args.built)
        if not executed:
            print(f"no executed notebooks under {args.built}: build the book first", file=sys.stderr)
            return 1
        glue = glue_lengths(executed)
        total = sum(v["glued"] for v in glue.values())
        long = sum(v["long"] for v in glue.values())
        result["glue"] = glue
        result["glue_long_share"] = round(long / total, 3) if total else None
        if html:
            pages = sorted(html.glob("chapters/*.html")) + [html / n for n in ("intro.html", "conclusions.html",
                                                                                 "at_a_glance.html") if (html / n).exists()]
            result["page_words"] = {p.stem: page_words(p) for p in pages}
    if args.json:
        print(json.dumps(result, indent=1))
        return 0
    print("Chapter modules (lines):")
    for name, lines in result["chapter_module_lines"].items():
        print(f"  {name:32} {lines:5}")
    print(f"Functions over {LONG_FUNCTION_LINES} lines: {len(result['functions_over_60_lines'])}")
    for name, lines in result["functions_over_60_lines"]:
        print(f"  {name:60} {lines:4}")
    print("Notebooks without a module of the same name:", ", ".join(result["notebooks_without_module"]) or "none")
    if "glue" in result:
        print(f"Glued values over {LONG_GLUE_WORDS} words: {result['glue_long_share']:.0%} overall")
        for name, counts in result["glue"].items():
            print(f"  {name:32} {counts['long']:3} of {counts['glued']:3}")
    if "page_words" in result:
        print("Words per page:                  prose  visible")
        for name, words in result["page_words"].items():
            print(f"  {name:32} {words['prose']:6} {words['visible']:6}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
