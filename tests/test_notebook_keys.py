"""A cache key per notebook: the code a notebook imports, not the whole package."""

from __future__ import annotations

import ast
import shutil

import pytest

from ai_culture_report import pipeline
from ai_culture_report.params import load_params

from conftest import REPO


@pytest.fixture
def repo(tmp_path):
    """A copy of the package and the chapter notebooks that a test may edit."""
    shutil.copytree(REPO / "ai_culture_report", tmp_path / "ai_culture_report",
                    ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copytree(REPO / "chapters", tmp_path / "chapters", ignore=shutil.ignore_patterns("_build", ".ipynb*"))
    return tmp_path


def notebooks(repo):
    return sorted(p.relative_to(repo) for p in (repo / "chapters").glob("*.ipynb"))


def keys(repo):
    return {nb.as_posix(): pipeline.modules_digest(pipeline.notebook_modules(repo / nb, repo), repo)
            for nb in notebooks(repo)}


def importers(repo, module: str):
    return {nb.as_posix() for nb in notebooks(repo)
            if repo / module in pipeline.notebook_modules(repo / nb, repo)}


def append_comment(path):
    path.write_text(path.read_text() + "\n# an edited sentence\n")


def test_relative_and_absolute_imports_resolve_to_package_modules():
    tree = ast.parse("from .. import data, prose\nfrom ..charts import figure\nfrom . import innovation_hubs\n"
                     "import ai_culture_report.networks\n\ndef f():\n    from ai_culture_report import synthesis\n")
    names = pipeline.imported_names(tree, "ai_culture_report.chapters")
    assert {"ai_culture_report.data", "ai_culture_report.prose", "ai_culture_report.charts",
            "ai_culture_report.chapters.innovation_hubs", "ai_culture_report.networks",
            "ai_culture_report.synthesis"} <= names


def test_a_notebook_depends_on_its_chapter_module_and_the_shared_modules_it_reaches(repo):
    modules = pipeline.notebook_modules(repo / "chapters" / "research_networks.ipynb", repo)
    relative = {p.relative_to(repo).as_posix() for p in modules}
    assert {"ai_culture_report/chapters/research_networks.py", "ai_culture_report/networks.py",
            "ai_culture_report/params.py", "ai_culture_report/prose.py", "ai_culture_report/data.py",
            "ai_culture_report/charts.py", "ai_culture_report/__init__.py",
            "ai_culture_report/chapters/__init__.py"} <= relative
    assert "ai_culture_report/occupations.py" not in relative
    assert "ai_culture_report/chapters/research_universities.py" not in relative  # another chapter's module
    assert "ai_culture_report/pipeline.py" not in relative


def test_editing_a_module_one_notebook_imports_changes_only_that_notebooks_key(repo):
    module = "ai_culture_report/occupations.py"
    users = importers(repo, module)
    assert len(users) == 1  # the premise: one notebook reads the ESCO matching
    before = keys(repo)
    append_comment(repo / module)
    after = keys(repo)
    assert {nb for nb in before if before[nb] != after[nb]} == users


def test_editing_a_shared_module_changes_every_key(repo):
    before = keys(repo)
    append_comment(repo / "ai_culture_report" / "prose.py")
    after = keys(repo)
    assert all(before[nb] != after[nb] for nb in before)


def test_plan_re_executes_only_the_notebooks_that_import_the_edited_chapter_module(repo, tmp_path):
    stage = tmp_path / "stage"
    params_path = REPO / "params" / "nordic.yml"
    variant = pipeline.Variant(name="nordic", params_path=params_path, params=load_params(params_path),
                               stage=stage, target=tmp_path / "html", notebooks=notebooks(repo), base_hash="base")
    for job in pipeline.plan(variant, force=False, repo=repo):  # as if every notebook had run and passed
        job.target.write_text("{}")
        variant.state[job.key] = {"input_hash": job.input_hash, "output_hash": pipeline.file_digest(job.target),
                                  "nbval": True}
    assert not any(job.execute for job in pipeline.plan(variant, force=False, repo=repo))
    module = "ai_culture_report/chapters/future_roles.py"
    append_comment(repo / module)
    executed = {job.key for job in pipeline.plan(variant, force=False, repo=repo) if job.execute}
    assert executed == importers(repo, module) == {"chapters/future_roles.ipynb"}


def test_a_parameter_re_executes_only_the_notebooks_that_declare_it(repo, tmp_path):
    import dataclasses

    params_path = REPO / "params" / "nordic.yml"
    variant = pipeline.Variant(name="nordic", params_path=params_path, params=load_params(params_path),
                               stage=tmp_path / "stage", target=tmp_path / "html", notebooks=notebooks(repo),
                               base_hash="base")
    before = {job.key: job for job in pipeline.plan(variant, force=False, repo=repo)}
    # random groups are drawn by the synthesis (and the page that reuses its findings) alone
    assert "random_draws" in before["chapters/synthesis.ipynb"].parameters
    assert "random_draws" not in before["chapters/cultural_employment.ipynb"].parameters
    variant.params = dataclasses.replace(variant.params, random_draws=500)
    after = {job.key: job for job in pipeline.plan(variant, force=False, repo=repo)}
    changed = {key for key in before if before[key].input_hash != after[key].input_hash}
    declaring = {key for key, job in before.items() if "random_draws" in job.parameters}
    assert changed == declaring and "chapters/synthesis.ipynb" in changed
