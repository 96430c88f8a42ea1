"""Variant books for other countries, and sweeps of variants (locally and on a Dask cluster)."""

from __future__ import annotations

import re

import pytest
from bs4 import BeautifulSoup

from ai_culture_report.bookconfig import book_title
from ai_culture_report.params import load_params

from conftest import REPO, real_snapshot_available, run_build

pytestmark = [pytest.mark.pipeline,
              pytest.mark.skipif(not real_snapshot_available(), reason="the data snapshot is not available")]

# A country set that no shipped parameter file uses: two EU members and Iceland (absent from EU AI data).
ODD = ["PT", "PL", "IS"]
ODD_NAMES = ["Portugal", "Poland", "Iceland"]


def write_params(folder, name, countries, region_name, region_short):
    path = folder / f"{name}.yml"
    quoted = ", ".join(f'"{c}"' for c in countries)
    path.write_text(f"region_name: {region_name}\nregion_short: {region_short}\ncountries: [{quoted}]\n"
                    "comparison_aggregate: EU27_2020\nyear_start: 2011\nyear_end: 2025\n")
    return path


def page_text(path):
    soup = BeautifulSoup(path.read_text(encoding="utf-8"), "html.parser")
    return (soup.find("main") or soup).get_text(" ")


def test_odd_country_set_differs_from_every_shipped_file():
    shipped = [set(load_params(p).countries) for p in (REPO / "params").glob("*.yml")]
    assert set(ODD) not in shipped


def test_variant_book_names_its_own_countries(tmp_path):
    params = write_params(tmp_path, "odd", ODD, "Portugal, Poland and Iceland", "Test")
    result = run_build("--params", str(params), "--stage-root", str(tmp_path / "out"))
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    html = tmp_path / "out" / "variants" / "odd" / "html"
    chapters = sorted((html / "chapters").glob("*.html"))
    assert chapters
    for page in chapters:
        text = page_text(page)
        named = [n for n in ODD_NAMES if n in text]
        assert named, f"{page.name} names none of {ODD_NAMES}"
    assert "Can AI and culture become a Test area of strength?" in (html / "intro.html").read_text()
    cultural = page_text(html / "chapters" / "cultural_employment.html")
    for name in ODD_NAMES:
        assert name in cultural
    assert not re.search(r"\bNordic countries\b", cultural)


def test_sweep_on_a_dask_cluster_builds_every_variant(tmp_path):
    distributed = pytest.importorskip("distributed")
    first = write_params(tmp_path, "first", ["EE", "LV", "LT"], "the Baltic states", "Baltic")
    second = write_params(tmp_path, "second", ["AT", "CZ"], "Austria and Czechia", "Central European")
    with distributed.LocalCluster(n_workers=2, threads_per_worker=1, processes=True,
                                  dashboard_address=None) as cluster:
        result = run_build("--sweep", str(first), str(second), "--scheduler", cluster.scheduler_address,
                           "--only", "chapters/cultural_employment.ipynb", "--stage-root", str(tmp_path / "out"))
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    assert "dask: running notebooks on" in result.stdout
    for name, country in (("first", "Estonia"), ("second", "Czechia")):
        page = tmp_path / "out" / "variants" / name / "html" / "chapters" / "cultural_employment.html"
        assert country in page_text(page)


# The shipped variant with the least data: neither country is in Eurostat's AI surveys or the policy timeline,
# Switzerland has no hub in the EU catalogue and Liechtenstein no cultural-employment series.
SPARSE = REPO / "params" / "alpine.yml"
SPARSE_SAYS = {
    "policy_funding": "Liechtenstein and Switzerland are not in the timeline file",
    "ai_enterprises": "Liechtenstein and Switzerland are not in Eurostat's enterprise AI data",
    "cultural_employment": "No cultural-employment data for Liechtenstein",
    "innovation_hubs": "The catalogue lists no hub in Switzerland",
    "ai_people_skills": "Liechtenstein is not in Eurostat's data on generative AI",
    "synthesis": "Not in Eurostat's AI surveys: Liechtenstein and Switzerland",
}


def test_sparse_variant_book_builds_and_says_what_is_missing(tmp_path):
    params = load_params(SPARSE)
    assert set(params.countries) == {"LI", "CH"}
    result = run_build("--params", str(SPARSE), "--stage-root", str(tmp_path / "out"))
    assert result.returncode == 0, result.stdout[-5000:] + result.stderr[-2000:]
    html = tmp_path / "out" / "variants" / SPARSE.stem / "html"
    pages = {page.stem: page_text(page) for page in sorted((html / "chapters").glob("*.html"))}
    assert set(SPARSE_SAYS) <= set(pages)
    for chapter, sentence in SPARSE_SAYS.items():
        said = " ".join(pages[chapter].split()).replace("\u2019", "'")  # Sphinx curls apostrophes
        assert sentence in said, f"{chapter} does not say: {sentence}"
    for chapter, text in pages.items():
        assert "Liechtenstein" in text, chapter
        assert not re.search(r"\b(nan|NaN|NaT)\b|<NA>", text), f"{chapter} shows a raw missing value"
    assert book_title(params) in (html / "intro.html").read_text()
