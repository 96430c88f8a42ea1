"""Any country set works: every chapter's facts and charts run for any set the parameters accept.

:func:`run_chapters` runs, for one :class:`ReportParams`, exactly what the chapter notebooks run (their code
cells, in order; the parameter-independent future-roles analysis once per session). It records every glued
text and every figure or table, and the checks below hold for each set: nothing raises, every glue key a
page pastes is published, no text shows a raw ``nan``/``None``, and every chart draws something (data or a
message saying why there is none). The property test draws sets of one to six countries from every code
:func:`params.validate` accepts, with a fixed seed; the explicit cases cover the shapes the issue names.
"""

from __future__ import annotations

import datetime
import json
import os
import re
import time
from dataclasses import dataclass, field
from functools import lru_cache
from unittest import mock

import pytest

from ai_culture_report import charts, data, research, tables
from ai_culture_report.errors import ParameterError
from ai_culture_report.params import (AGGREGATES, EARLIEST_YEAR, _EUROSTAT_TO_ISO, _NAMES_NOT_IN_ISO, is_country_code,
                                      validate)

from conftest import REPO, needs_snapshot

hypothesis = pytest.importorskip("hypothesis")
from hypothesis import HealthCheck, given, settings, strategies as st  # noqa: E402

pytestmark = needs_snapshot

NOTEBOOKS = ("research_universities", "research_networks", "cultural_employment", "ai_enterprises",
             "ai_people_skills", "policy_funding", "future_roles", "innovation_hubs", "research_collaboration",
             "synthesis")
# Future roles: ESCO is one European classification; the notebook's defaults, as in its parameters cell.
FUTURE_ROLES_DEFAULTS = {"n_topics": 24, "random_seed": 42}


def accepted_codes() -> list[str]:
    """Every country code :func:`params.validate` accepts: ISO 3166-1 alpha-2, Eurostat's EL/UK, Kosovo."""
    import pycountry

    codes = {c.alpha_2 for c in pycountry.countries} | set(_EUROSTAT_TO_ISO) | set(_NAMES_NOT_IN_ISO)
    return sorted(c for c in codes if is_country_code(c) and c not in AGGREGATES)


ACCEPTED = accepted_codes()
LATEST_YEAR = datetime.date.today().year  # validate accepts years up to this one


def glue_keys(path) -> set[str]:
    """The glue keys the markdown of a notebook or page pastes from ``chapters/<name>.ipynb``."""
    text = path.read_text(encoding="utf-8")
    if path.suffix == ".ipynb":
        text = "\n".join("".join(c["source"]) for c in json.loads(text)["cells"] if c["cell_type"] == "markdown")
        return set(re.findall(r"\{glue:\w+\}`([^`:]+)`", text))
    return set(re.findall(r"\{glue:\w+\}`[./]*chapters/synthesis\.ipynb::([^`:]+)", text))


@lru_cache(maxsize=None)
def pasted_keys(notebook: str) -> frozenset[str]:
    keys = glue_keys(REPO / "chapters" / f"{notebook}.ipynb")
    if notebook == "synthesis":
        for page in [REPO / "intro.md", REPO / "conclusions.md", *sorted((REPO / "summaries").glob("*.md"))]:
            keys |= glue_keys(page)
    return frozenset(keys)


@dataclass
class Run:
    """What one notebook produced: glued texts and displayed outputs (figures, tables, HTML)."""

    glued: dict[str, str] = field(default_factory=dict)
    outputs: list = field(default_factory=list)
    seconds: float = 0.0


class Inputs:
    """Data loaded once per session: the registered datasets (each call gets its own copy, as a notebook
    would), and the computations that do not depend on the countries."""

    def __init__(self):
        self._frames = {}
        self._load = data.load
        self.future_roles = None
        self.network = None

    def load(self, name):
        if name not in self._frames:
            self._frames[name] = self._load(name)
        return self._frames[name].copy()


def _future_roles_once(inputs: Inputs, run: Run) -> None:
    """The future-roles notebook apart from its one country sentence (ESCO does not depend on the countries)."""
    from ai_culture_report import occupations, prose
    from ai_culture_report.chapters import future_roles as chapter

    show = run.outputs.append
    isco_groups = data.load("esco_v1_1_1_isco_groups")
    skills = data.load("esco_skills_labels")
    analysis = chapter.analyse(data.load("esco_v1_1_1_occupations"), isco_groups,
                               data.load("esco_occupations_diff_v1_0x_to_v1_1_1"),
                               occupations.DEFAULT_CCI_ISCO_CODES, FUTURE_ROLES_DEFAULTS["n_topics"],
                               FUTURE_ROLES_DEFAULTS["random_seed"])
    prose.publish_all(chapter.definition_facts(analysis))
    show(chapter.definition_table(analysis, isco_groups))
    shares = chapter.term_shares(analysis, skills)
    prose.publish_all({**chapter.term_facts(analysis, shares, skills), **chapter.added_facts(analysis)})
    show(chapter.terms_chart(analysis, shares))
    show(chapter.added_table(analysis))
    prose.publish_all(chapter.topic_facts(analysis))
    sensitivity, sensitivity_frame = chapter.sensitivity_table(analysis)
    prose.publish_all(chapter.sensitivity_facts(sensitivity_frame))
    show(chapter.topics_chart(analysis))
    show(sensitivity)
    bridges = chapter.bridging(analysis)
    prose.publish_all(chapter.bridging_facts(bridges))
    show(chapter.map_chart(analysis, bridges))
    towards_creative, towards_ai = chapter.bridging_tables(analysis, bridges)
    show(towards_creative)
    show(towards_ai)
    roles = chapter.roles(analysis)
    prose.publish_all(chapter.role_facts(roles))
    show(chapter.roles_chart(roles))


def _research_universities(params, inputs, show):
    from ai_culture_report import prose
    from ai_culture_report.chapters import research_universities as chapter

    frames = chapter.output_data()
    for key, text in chapter.output_facts(params, frames).items():
        prose.publish(key, text)
    show(chapter.per_million_chart(params, frames))
    show(chapter.ranking_chart(params, frames))
    show(chapter.growth_chart(params, frames))
    show(chapter.cset_chart(params, frames))
    show(chapter.rd_chart(params, frames))
    show(chapter.gerd_quotes_html(params, frames))
    show(chapter.genai_chart(params, frames))


def _research_networks(params, inputs, show):
    from ai_culture_report import prose
    from ai_culture_report.chapters import research_universities as chapter

    if inputs.network is None:  # the network and its betweenness do not depend on the countries
        frames = chapter.network_data()
        inputs.network = (frames, chapter.network_measures(frames))
    frames, centrality = inputs.network
    for key, text in chapter.network_facts(params, frames, centrality).items():
        prose.publish(key, text)
    show(chapter.type_chart(params, frames))
    show(chapter.coordinator_chart(params, frames))
    show(chapter.trend_chart(params, frames))
    show(chapter.network_type_chart(params, frames, centrality))
    show(chapter.top_organisations_chart(params, frames, centrality))


def _cultural_employment(params, inputs, show):
    from ai_culture_report import prose
    from ai_culture_report.chapters import cultural_employment as chapter

    share = data.load("cult_emp_share")
    levels = data.load("cult_emp_thousands")
    by_sex = data.load("cult_emp_by_sex")
    by_age = data.load("cult_emp_by_age")
    facts = chapter.key_facts(params, share, levels)
    prose.publish("region_name", params.region_name)
    prose.publish("aggregate_name", params.aggregate_name)
    for key, text in facts.items():
        prose.publish(key, text)
    show(chapter.share_chart(params, share))
    show(chapter.ranking_chart(params, share))
    show(chapter.growth_chart(params, levels))
    show(chapter.women_chart(params, by_sex))
    show(chapter.age_chart(params, by_age))


def _ai_enterprises(params, inputs, show):
    from ai_culture_report.chapters import ai_adoption as chapter

    inputs_ = chapter.enterprise_inputs(params)
    chapter.publish(chapter.enterprise_facts(params, inputs_))
    for name in ("use_chart", "change_chart", "rank_chart", "iceland_table", "technology_chart", "depth_chart",
                 "funnel_chart", "sector_chart", "sector_rank_chart", "sector_technology_chart",
                 "sector_creative_chart", "investment_chart", "enterprise_scoreboard_chart"):
        show(getattr(chapter, name)(params, inputs_))


def _ai_people_skills(params, inputs, show):
    from ai_culture_report.chapters import ai_adoption as chapter

    inputs_ = chapter.people_inputs(params)
    chapter.publish(chapter.people_facts(params, inputs_))
    for name in ("genai_use_chart", "purposes_chart", "reasons_chart", "ict_share_chart", "ict_density_chart",
                 "people_scoreboard_chart"):
        show(getattr(chapter, name)(params, inputs_))


def _policy_funding(params, inputs, show):
    from ai_culture_report import policy, prose
    from ai_culture_report.chapters import policy_funding as chapter

    prose.publish("region_name", params.region_name)
    facts_text = data.default_snapshot().verified_path("facts").read_text(encoding="utf-8")
    context_events = policy.load_context_events(facts_text)
    parts = chapter.timeline(params, data.load("nordic_ai_policy_timeline"), context_events)
    prose.publish_all(chapter.timeline_facts(params, parts))
    for key, text in chapter.context_sentences(context_events).items():
        prose.publish_markdown(key, text)
    show(chapter.timeline_chart(params, parts))
    frames = {name: data.load(name) for name in chapter.TEXT_FIGURE_DATASETS}
    figures = chapter.text_figures(params, frames)
    prose.publish_all(chapter.text_figure_facts(params, figures))
    show(chapter.text_figures_table(params, figures))
    projects = policy.classify_projects(data.load("cordis_he_project_classification"))
    ekip = policy.locate_project(projects, data.load("cordis_he_euroscivoc_long"),
                                 data.load("cordis_he_legal_basis_codes"), chapter.EKIP_PROJECT_ID)
    consortium = policy.consortium_countries(data.load("ekip_consortium_as_listed"), params)
    prose.publish_all(chapter.funding_facts(params, projects, ekip, consortium, context_events))
    show(chapter.call_year_chart(params, projects))
    show(chapter.overlap_chart(params, projects, ekip))


def _future_roles(params, inputs, show):
    from ai_culture_report import prose
    from ai_culture_report.chapters import future_roles as chapter

    prose.publish("region_sentence", chapter.region_sentence(params))


def _innovation_hubs(params, inputs, show):
    from ai_culture_report import prose
    from ai_culture_report.chapters import innovation_hubs as chapter

    findings = chapter.findings(chapter.load(params))
    prose.publish_all(chapter.glue_values(findings))
    show(chapter.findings_table(findings))
    for name in ("per_million_chart", "capability_chart", "terms_chart", "network_chart", "community_table",
                 "pairs_table", "hub_map", "unlocated_table"):
        show(getattr(chapter, name)(findings))


def _research_collaboration(params, inputs, show):
    from ai_culture_report import prose
    from ai_culture_report.chapters import research_collaboration as chapter

    research = chapter.load(params)
    prose.publish("region_name", params.region_name)
    for facts in (chapter.coverage_facts(research), chapter.matrix_facts(research), chapter.affinity_facts(research),
                  chapter.trend_facts(research), chapter.helix_facts(research), chapter.keyword_facts(research)):
        for key, text in facts.items():
            prose.publish(key, text)
    for name in ("coparticipation_chart", "affinity_chart", "trend_chart", "helix_chart", "bridges_chart",
                 "keyword_chart", "keyword_table"):
        show(getattr(chapter, name)(research))


def _synthesis(params, inputs, show):
    from ai_culture_report.chapters import synthesis as chapter

    evidence = chapter.Evidence(params)
    chapter.publish_all(evidence)
    show(chapter.scoreboard_chart(evidence))
    show(chapter.quadrant_chart(evidence))
    show(chapter.sensitivity_chart(evidence))


STEPS = {"research_universities": _research_universities, "research_networks": _research_networks,
         "cultural_employment": _cultural_employment, "ai_enterprises": _ai_enterprises,
         "ai_people_skills": _ai_people_skills, "policy_funding": _policy_funding, "future_roles": _future_roles,
         "innovation_hubs": _innovation_hubs, "research_collaboration": _research_collaboration,
         "synthesis": _synthesis}
assert tuple(STEPS) == NOTEBOOKS


def run_chapters(params, inputs: Inputs) -> dict[str, Run]:
    """Run every chapter notebook's facts and chart functions for ``params``; return what each produced."""
    runs: dict[str, Run] = {}
    current: dict[str, str] = {}

    def record(name, value, display=True):
        current[name] = str(value.data if hasattr(value, "data") and not isinstance(value, str) else value)

    with mock.patch("ai_culture_report.prose.glue", record), mock.patch.object(data, "load", inputs.load):
        for notebook, step in STEPS.items():
            run = runs[notebook] = Run()
            current = run.glued
            started = time.perf_counter()
            if notebook == "future_roles" and inputs.future_roles is None:
                _future_roles_once(inputs, run)
                inputs.future_roles = (dict(run.glued), list(run.outputs))
            elif notebook == "future_roles":
                run.glued.update(inputs.future_roles[0])
                run.outputs.extend(inputs.future_roles[1])
            step(params, inputs, run.outputs.append)
            run.seconds = time.perf_counter() - started
    return runs


# A missing value printed as such ("nan%", "None", "<NA>"); "None of ..." is English.
RAW_MISSING = re.compile(r"\b(nan|NaN|NaT|inf)\b|<NA>|\bNone\b(?!\s+(of|is|are|has|have|names)\b)")


def problems_in(runs: dict[str, Run]) -> list[str]:
    """What every page needs from its notebook, whatever the countries: each problem found, in words."""
    found = []
    for notebook, run in runs.items():
        unpublished = sorted(pasted_keys(notebook) - set(run.glued))
        if unpublished:
            found.append(f"{notebook}: glue keys the page pastes are not published: {unpublished}")
        for key, text in run.glued.items():
            if RAW_MISSING.search(text):
                found.append(f"{notebook}: {key} shows a raw missing value: {text!r}")
        for output in run.outputs:
            html_text = output if isinstance(output, str) else output._repr_html_()
            if not html_text:
                found.append(f"{notebook}: an output renders as nothing")
            if isinstance(output, charts.Figure):
                if not (output.title and output.svg.startswith("<svg")):
                    found.append(f"{notebook}: chart {output.name} has no title or no SVG")
                if not len(output.data):
                    found.append(f"{notebook}: chart {output.name} draws nothing and says nothing ({output.title!r})")
                for text in (output.title, output.description, *output.notes):
                    if RAW_MISSING.search(text):
                        found.append(f"{notebook}: chart {output.name} shows a raw missing value: {text[:300]!r}")
            elif isinstance(output, tables.Table):
                if not (len(output.frame) or output.notes):
                    found.append(f"{notebook}: table {output.name} is empty and gives no reason")
                for text in (output.title, *output.notes):
                    if RAW_MISSING.search(text):
                        found.append(f"{notebook}: table {output.name} shows a raw missing value: {text[:300]!r}")
    return found


@pytest.fixture(scope="module")
def inputs():
    return Inputs()


def run_and_check(params, inputs) -> dict[str, Run]:
    runs = run_chapters(params, inputs)
    problems = problems_in(runs)
    assert not problems, f"{params.countries} {params.year_start}-{params.year_end}:\n" + "\n".join(problems)
    return runs


def all_text(runs: dict[str, Run], notebook: str) -> str:
    run = runs[notebook]
    parts = list(run.glued.values())
    for output in run.outputs:
        if isinstance(output, charts.Figure):
            parts += [output.title, output.description, *output.notes]
        elif isinstance(output, tables.Table):
            parts += [output.title, *output.notes]
    return "\n".join(parts)


# --- The property: any set of one to six accepted codes ------------------------------------------------

DRAWN: list[str] = []
PROPERTY_EXAMPLES = 8


def country_sets():
    # Any accepted code, with half the draws from the European countries most datasets cover, so that sets
    # mixing covered and absent countries come up as often as sets with no data at all.
    code = st.one_of(st.sampled_from(sorted(research.EUROPE)), st.sampled_from(ACCEPTED))
    return st.tuples(
        st.lists(code, min_size=1, max_size=6, unique=True),
        st.sampled_from(sorted(AGGREGATES)),
        st.integers(EARLIEST_YEAR, LATEST_YEAR).flatmap(
            lambda start: st.tuples(st.just(start), st.integers(start, LATEST_YEAR))),
    )


@settings(max_examples=PROPERTY_EXAMPLES, deadline=None, derandomize=True, database=None,
          suppress_health_check=[HealthCheck.function_scoped_fixture, HealthCheck.too_slow])
@given(drawn=country_sets())
def test_every_chapter_runs_for_any_accepted_country_set(inputs, drawn):
    countries, aggregate, (start, end) = drawn
    params = validate(countries, aggregate, start, end)
    DRAWN.append(f"{','.join(countries)} {aggregate} {start}-{end}")
    print(f"country set {len(DRAWN)}: {DRAWN[-1]}")  # shown with pytest -s
    if os.environ.get("COUNTRY_SETS_LOG"):  # the drawn sets, one a line, for the record
        with open(os.environ["COUNTRY_SETS_LOG"], "a", encoding="utf-8") as log:
            log.write(DRAWN[-1] + "\n")
    run_and_check(params, inputs)


def test_the_draw_covers_exactly_the_codes_the_parameters_accept():
    """Every two-letter code is either in the draw (validate accepts it) or refused with today's message."""
    import itertools
    import string

    assert {"DK", "EL", "UK", "XK", "LI", "CH", "US"} <= set(ACCEPTED)
    for letters in itertools.product(string.ascii_uppercase, repeat=2):
        code = "".join(letters)
        if code in ACCEPTED:
            assert validate([code]).countries == (code,)
        else:
            with pytest.raises(ParameterError, match="Unknown country code"):
                validate([code])


# --- Explicit cases: the shapes the issue names ----------------------------------------------------------


def test_a_single_country(inputs):
    runs = run_and_check(validate(["DK"]), inputs)
    assert "Denmark" in all_text(runs, "cultural_employment")


def test_countries_outside_the_eu_and_eea(inputs):
    # The United States and Switzerland, absent from most EU data, and Kosovo, which has no ISO code.
    runs = run_and_check(validate(["US", "CH", "XK"]), inputs)
    assert "Kosovo" in all_text(runs, "cultural_employment")


def test_a_set_without_policy_events_hubs_or_h2020(inputs):
    # Liechtenstein: no dated event in the policy timeline, no EDIH, no AI survey values.
    runs = run_and_check(validate(["LI"]), inputs)
    assert "Liechtenstein" in all_text(runs, "policy_funding")
    assert "Liechtenstein" in all_text(runs, "innovation_hubs")


def test_a_year_range_that_excludes_sources(inputs):
    # 2000–2005: before the cultural-employment series, the AI surveys and the publication counts.
    runs = run_and_check(validate(["DK", "FI"], year_start=2000, year_end=2005), inputs)
    assert "2000" in all_text(runs, "cultural_employment")


def test_a_late_year_range(inputs):
    run_and_check(validate(["PT", "PL"], year_start=2024, year_end=2025), inputs)


@pytest.mark.parametrize("kwargs, message", [
    ({"countries": ["DK", "ZZ"]}, "Unknown country code"),
    ({"countries": ["DK"], "year_start": 2020, "year_end": 2019}, "Impossible year range"),
])
def test_an_invalid_set_still_gets_a_clear_message(kwargs, message):
    with pytest.raises(ParameterError, match=message):
        validate(**kwargs)
