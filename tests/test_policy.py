"""Policy timeline, context events checked against FACTS.md, text-quoted figures, and the
Horizon Europe culture x AI classification."""

from __future__ import annotations

import textwrap

import pandas as pd
import pytest

from ai_culture_report import policy
from ai_culture_report.params import validate

from conftest import needs_snapshot

# ---------------------------------------------------------------------------------------------
# Dates with a precision
# ---------------------------------------------------------------------------------------------


def test_year_only_date_covers_the_whole_year_not_first_january():
    when = policy.parse_event_date("2017", "year (month reported differently by two sources)")
    assert when.precision == "year"
    assert when.start == pd.Timestamp("2017-01-01") and when.end == pd.Timestamp("2017-12-31")
    assert when.label == "2017 (year only)"


def test_month_and_day_dates():
    month = policy.parse_event_date("2024-02", "month")
    assert (month.start, month.end) == (pd.Timestamp("2024-02-01"), pd.Timestamp("2024-02-29"))
    assert month.label == "February 2024"
    day = policy.parse_event_date("2019-03-14", "day (launched at a summit)")
    assert day.start == day.end == pd.Timestamp("2019-03-14")
    assert day.label == "14 March 2019"


def test_missing_date_is_undated_not_dropped_or_invented():
    for empty in (None, "", float("nan"), pd.NA):
        when = policy.parse_event_date(empty, "not verified")
        assert when.precision == policy.UNDATED and when.start is None
        assert when.label == "date not verified"


def test_precision_that_claims_more_than_the_date_is_refused():
    with pytest.raises(ValueError, match="form of a year"):
        policy.parse_event_date("2018", "day")
    with pytest.raises(ValueError, match="not an ISO date"):
        policy.parse_event_date("May 2018", "month")


# ---------------------------------------------------------------------------------------------
# The timeline filtered to the selected countries
# ---------------------------------------------------------------------------------------------

def timeline_fixture() -> pd.DataFrame:
    rows = [
        ("DK", "national AI strategy", "Strategy A", "2019-03-14", "day", "https://a.example/dk ; https://b.example"),
        ("SE", "national AI strategy", "Strategy B", "2018-05", "month", "https://a.example/se"),
        ("SE", "new strategy", "Strategy C", None, "not verified", "https://a.example/se2"),
        ("FI", "national AI programme", "Programme D", "2017", "year", "https://a.example/fi"),
        ("Nordic-Baltic", "ministerial declaration", "Declaration E (ministers)", "2018-05", "month", "https://n.example"),
        ("Nordic", "prime ministers statement", "Statement F", "2023-10-31", "day", "https://m.example"),
    ]
    return pd.DataFrame(rows, columns=["country", "event", "title", "date", "date_precision", "found_at"]).assign(
        publisher="x", note="")


def test_timeline_keeps_selected_countries_and_their_regional_groups():
    params = validate(["EE", "SE", "PT"])
    events, missing = policy.timeline_events(timeline_fixture(), params)
    assert missing == ["EE", "PT"]  # named, in parameter order
    assert set(events["who"]) == {"Sweden", "Nordic–Baltic", "Nordic"}  # EE and SE are Nordic-Baltic; SE is Nordic
    assert "Denmark" not in set(events["who"]) and "Finland" not in set(events["who"])
    undated = events[events["precision"] == policy.UNDATED]
    assert list(undated["title"]) == ["Strategy C"]
    assert list(events["row"])[-1] == undated["row"].iloc[0]  # undated events come last
    dated = events[events["precision"] != policy.UNDATED]
    assert list(dated["start"]) == sorted(dated["start"])
    assert events.loc[events["title"] == "Strategy B", "source_url"].item() == "https://a.example/se"


def test_timeline_for_countries_outside_every_group_is_empty_and_says_so():
    events, missing = policy.timeline_events(timeline_fixture(), validate(["PT", "PL"]))
    assert events.empty and missing == ["PT", "PL"]
    # Empty, but with dates as dates: the chart formats them without a .dt error.
    assert pd.api.types.is_datetime64_any_dtype(events["start"]) and pd.api.types.is_datetime64_any_dtype(events["end"])


def test_first_national_dates_take_the_earliest_dated_event_per_country():
    events, _ = policy.timeline_events(timeline_fixture(), validate(["DK", "FI", "SE"]))
    first = policy.first_national_dates(events)
    assert list(first["who"]) == ["Finland", "Sweden", "Denmark"]
    assert list(first["year"]) == [2017, 2018, 2019]


# ---------------------------------------------------------------------------------------------
# Context events and FACTS.md
# ---------------------------------------------------------------------------------------------

FACTS = textwrap.dedent("""\
    # FACTS

    ## 2. A project

    * Project id **123456**. Duration 2023-06-01 to 2026-11-30 (https://project.example/page/).

    ## 6. Calls

    * Topic CALL-2025-01, "Something" (https://calls.example/2025):
      * opening 15.05.2025, deadline 16.09.2025;
      * budget €15,000,000, with €4–5 M per project.
    * Topic CALL-2026-03 (https://grants.example/2026): opening May 12 2026, deadline Sept 23 2026.
    """)


def event(**overrides) -> dict:
    record = {"id": "call-2025", "track": "EU call", "label": "EU call", "event": "Call: something",
              "identifier": "CALL-2025-01", "start": "2025-05-15", "end": "2025-09-16", "date_precision": "day",
              "source_url": "https://calls.example/2025", "facts_section": 6,
              "detail": "budget €15,000,000, with €4–5 M per project"}
    record.update(overrides)
    return record


def test_supported_events_pass_in_every_date_spelling():
    records = [event(), event(id="call-2026", identifier="CALL-2026-03", start="2026-05-12", end="2026-09-23",
                              source_url="https://grants.example/2026", detail=""),
               event(id="project", identifier="123456", start="2023-06-01", end="2026-11-30", facts_section=2,
                     source_url="https://project.example/page/", detail="")]
    events = policy.validate_context_events(records)
    assert policy.unsupported_statements(events, FACTS) == []


@pytest.mark.parametrize("overrides, message", [
    ({"source_url": "https://elsewhere.example/call"}, "does not appear in FACTS.md"),
    ({"facts_section": 2}, "not cited in FACTS.md section 2"),
    ({"facts_section": 9}, "no section 9"),
    ({"identifier": "CALL-2099-01"}, "CALL-2099-01 is not in"),
    ({"end": "2025-09-17"}, "date 2025-09-17 is not stated"),
    ({"detail": "budget €20,000,000"}, "number 20,000,000"),
])
def test_anything_facts_md_does_not_state_is_reported(overrides, message):
    events = policy.validate_context_events([event(**overrides)])
    problems = policy.unsupported_statements(events, FACTS)
    assert any(message in p for p in problems), problems


@pytest.mark.parametrize("overrides, message", [
    ({"source_url": None}, "lacks source_url"),
    ({"id": "Call 2025"}, "lower-case"),
    ({"date_precision": "week"}, "date_precision"),
    ({"start": "2025-05"}, "form of a month"),
    ({"end": "2025-01-01"}, "ends before it starts"),
    ({"source_url": "calls.example/2025"}, "not a web address"),
    ({"facts_section": "six"}, "section number"),
])
def test_malformed_events_are_refused(overrides, message):
    with pytest.raises(policy.ContextEventError, match=message):
        policy.validate_context_events([event(**overrides)])


def test_unquoted_yaml_dates_are_refused(tmp_path):
    path = tmp_path / "events.yml"
    path.write_text("events:\n  - id: a\n    track: t\n    label: l\n    event: e\n    start: 2025-05-15\n"
                    "    end: 2025-09-16\n    date_precision: day\n    source_url: https://calls.example/2025\n"
                    "    facts_section: 6\n", encoding="utf-8")
    with pytest.raises(policy.ContextEventError, match="quote the start date"):
        policy.load_context_events(FACTS, path)


def test_duplicate_ids_are_refused():
    with pytest.raises(policy.ContextEventError, match="used twice"):
        policy.validate_context_events([event(), event()])


def test_load_refuses_an_unsupported_file(tmp_path):
    path = tmp_path / "events.yml"
    import yaml

    path.write_text(yaml.safe_dump({"events": [event(end="2025-12-31")]}), encoding="utf-8")
    with pytest.raises(policy.ContextEventError, match="not supported by FACTS.md"):
        policy.load_context_events(FACTS, path)


def test_context_rows_are_spans_with_both_dates():
    rows = policy.context_timeline_rows(policy.validate_context_events([event()]))
    assert rows.loc[0, "precision"] == "span"
    assert rows.loc[0, "date_label"] == "15 May 2025 to 16 September 2025"


@needs_snapshot
def test_committed_context_events_are_all_supported_by_the_snapshot_facts():
    from ai_culture_report import data

    facts_text = data.default_snapshot().verified_path("facts").read_text(encoding="utf-8")
    events = policy.validate_context_events(policy.read_context_events())
    assert len(events) > 0
    for url in events["source_url"]:
        assert url in facts_text, f"{url} is not in FACTS.md"
    assert policy.unsupported_statements(events, facts_text) == []


# ---------------------------------------------------------------------------------------------
# Status on the report's date (as_of)
# ---------------------------------------------------------------------------------------------

@pytest.mark.parametrize("as_of, state, phrase", [
    ("2025-05-14", "upcoming", "opens on 15 May 2025"),
    ("2025-05-15", "open", "open until 16 September 2025"),
    ("2025-09-16", "open", "open until 16 September 2025"),  # the deadline day itself is still open
    ("2025-09-17", "closed", "closed on 16 September 2025"),
])
def test_a_call_is_open_until_its_deadline_and_closed_after(as_of, state, phrase):
    status = policy.event_status("2025-05-15", "2025-09-16", as_of, is_call=True)
    assert (status.state, status.phrase) == (state, phrase)
    assert status.is_current == (state != "closed")


def test_a_project_runs_until_its_end_and_has_ended_after():
    assert policy.event_status("2023-06-01", "2026-11-30", "2026-11-30", is_call=False).phrase == \
        "runs until 30 November 2026"
    ended = policy.event_status("2023-06-01", "2026-11-30", "2026-12-01", is_call=False)
    assert (ended.state, ended.phrase) == ("ended", "ended on 30 November 2026")


def test_as_of_is_validated_and_defaults_to_the_snapshot_date():
    from ai_culture_report import data
    from ai_culture_report.errors import ParameterError

    params = validate(["DK"])
    assert params.as_of is None and params.as_of_date == data.snapshot_date()
    assert validate(["DK"], as_of="2025-09-01").as_of_date.isoformat() == "2025-09-01"
    with pytest.raises(ParameterError, match="as_of"):
        validate(["DK"], as_of="next week")


def test_snapshot_date_is_the_latest_assembly_date_in_the_registry():
    from types import SimpleNamespace

    from ai_culture_report import data

    registry = SimpleNamespace(path="x", resources={
        "a": SimpleNamespace(snapshot_origin="Written for the data snapshot of 2026-11-26", provenance="p.md"),
        "b": SimpleNamespace(snapshot_origin="a repository", provenance="provenance/additions_2026-12.md §1"),
        "c": SimpleNamespace(snapshot_origin=None, provenance=None)})
    assert data.snapshot_date(registry).isoformat() == "2026-12-01"


@needs_snapshot
@pytest.mark.parametrize("as_of", ["2026-06-01", "2026-12-01"])
def test_the_chapter_never_recommends_a_closed_call_or_calls_ekip_running_after_its_end(as_of):
    from ai_culture_report.chapters import policy_funding as chapter

    found = chapter.findings(chapter.load(validate(["DK", "FI", "IS", "NO", "SE"], as_of=as_of)))
    calls = found.context[[policy.is_call(e) for e in found.context.itertuples()]]
    deadline_2026 = calls.loc[calls["identifier"] == "HORIZON-CL2-2026-01-HERITAGE-03", "end"].iloc[0]
    ekip_end = found.context.loc[found.context["id"] == "ekip-project", "end"].iloc[0]
    text = " ".join(found.values.values()) + " ".join(found.markdown.values())
    if pd.Timestamp(as_of) <= deadline_2026:  # the 2026 call is open: recommend applying before its deadline
        assert found.values["call_timing"] == f"apply before {policy.day_label(deadline_2026)}"
    else:  # every call has closed: no date is invented for the next one
        assert found.values["call_timing"] == "the next Cluster 2 call in the work programme"
        assert "open until" not in text
    for call in calls.itertuples():
        word = "open until" if pd.Timestamp(as_of) <= call.end else "closed on"
        assert f"{word} {policy.day_label(call.end)}" in found.values["calls_state"] or \
            policy.day_label(call.end) in found.values["calls_state"]
    if pd.Timestamp(as_of) > ekip_end:
        assert found.values["ekip_status"] == "ended on 30 November 2026" and "runs until" not in text
    else:
        assert found.values["ekip_status"] == "runs until 30 November 2026"


@needs_snapshot
def test_every_glued_value_of_the_policy_chapter_is_short():
    from ai_culture_report.chapters import policy_funding as chapter

    for countries in (["DK", "FI", "IS", "NO", "SE"], ["EE", "LV", "LT"], ["LI", "CH"]):
        found = chapter.findings(chapter.load(validate(countries)))
        long = {k: v for k, v in {**found.values}.items() if len(str(v).split()) > 12}
        assert long == {}, long


# ---------------------------------------------------------------------------------------------
# Figures quoted in texts
# ---------------------------------------------------------------------------------------------

def text_frame(rows) -> pd.DataFrame:
    return pd.DataFrame(rows, columns=["indicator", "unit", "geo", "year", "value", "flag", "source_dataset", "found_at"])


def test_text_figures_keep_selected_countries_and_the_matching_aggregate_only():
    frames = {
        "gov_exp_culture_headlines_text": text_frame([
            ("gov_exp_cultural_services_GF0802", "PC_TOT", "EE", 2018, 2.4, "rounded_text", "x", "https://a.example/1 (news)"),
            ("gov_exp_cultural_services_GF0802", "PC_TOT", "EU27_2020", 2018, 1.0, "rounded_text", "x", "https://a.example/1"),
            ("gov_exp_cultural_services_GF0802", "PC_TOT", "EU27_2020", 2013, 1.0, "rounded_text", "x", "https://a.example/1"),
            ("gov_exp_cultural_services_GF0802", "PC_TOT", "HU", 2018, 2.7, "rounded_text", "x", "https://a.example/1"),
        ]),
        "national_cci_headlines_text": text_frame([
            ("cci_exports", "BN_DKK", "LV", 2009, 60, "rounded_text", "x", "https://b.example"),
        ]),
    }
    params = validate(["LV", "EE", "LT"], year_start=2011, year_end=2025)
    result = policy.text_figures(frames, params, ["EU27_2020", "EU28"])
    table = result["table"]
    assert list(zip(table["geo"], table["year"])) == [("EE", 2018), ("EU27_2020", 2018)]
    assert list(table["role"]) == ["selected", "aggregate"]
    assert table["source_url"].iloc[0] == "https://a.example/1"
    assert table["unit"].iloc[0] == "% of total government expenditure"
    assert result["missing"] == ["LV", "LT"]  # LV's only figure is from 2009, outside the years
    assert result["outside"] == 1 and result["outside_countries"] == ["LV"]


def test_units_and_indicators_in_words():
    assert policy.unit_label("BN_DKK") == "billion DKK"
    assert policy.unit_label("PC (% of total household consumption expenditure)") == \
        "% of total household consumption expenditure"
    assert policy.unit_label("PC_GDP (at least)") == "% of GDP (at least)"
    assert policy.unit_label("SOMETHING_NEW") == "SOMETHING_NEW"
    assert policy.indicator_label("cci_share_of_GDP") == "CCI share of GDP"
    assert policy.indicator_label("new_indicator_GF0901") == "New indicator GF0901"


# ---------------------------------------------------------------------------------------------
# Horizon Europe: culture, AI and both
# ---------------------------------------------------------------------------------------------

def classification_fixture() -> pd.DataFrame:
    rows = [
        # projectID, topic, title, legal basis, n_esv_arts, culture, heritage dest., heritage topic, ai esv, ai part
        (1, "HORIZON-CL2-2022-HERITAGE-01-02", "Heritage and arts", "HORIZON.2.2;HORIZON.2.2.2", 1, True, True, True, True, False),
        (2, "HORIZON-CL2-2022-HERITAGE-01-02", "Heritage and arts", "HORIZON.2.2;HORIZON.2.2.2", 0, True, True, True, False, False),
        (3, "HORIZON-CL2-2022-HERITAGE-02-01", "Platform", "HORIZON.2.2;HORIZON.2.2.2", 0, True, True, True, False, False),
        (4, "HORIZON-CL2-2023-DEMOCRACY-01-07", "Media", "HORIZON.2.2;HORIZON.2.2.1", 0, True, False, False, True, False),
        (5, "HORIZON-MISS-2021-OCEAN-05-01", "Ocean twin", "HORIZON.2.2;HORIZON.2.4", 0, True, False, False, True, False),
        (6, "HORIZON-CL4-2021-HUMAN-01-13", "XR", "HORIZON.2.4;HORIZON.2.4.5", 1, False, False, False, False, True),
        (7, "ERC-2021-STG", "ERC", "HORIZON.1.1", 0, False, False, False, False, False),
        (8, "HORIZON-KDT-JU-1-IA-Focus-Topic-1", "KDT", "HORIZON.2.4", 0, False, False, False, False, False),
    ]
    frame = pd.DataFrame(rows, columns=["projectID", "topic", "topic_title", "legal_basis_codes", "n_esv_arts",
                                        "culture_creativity_cluster", "cultural_heritage_destination",
                                        "heritage_topic", "ai_euroscivoc", "ai_robotics_programme_part"])
    return frame.assign(esv_fields_l1="", n_esv_ai=0)


def test_call_year_is_read_from_the_topic_code():
    assert policy.call_year("HORIZON-CL2-2022-HERITAGE-02-01") == 2022
    assert policy.call_year("ERC-2021-STG") == 2021
    assert policy.call_year("HORIZON-KDT-JU-1-IA-Focus-Topic-1") is None


def test_classification_counts_the_overlap():
    projects = policy.classify_projects(classification_fixture())
    assert list(projects["segment"]) == [policy.SEGMENT_HERITAGE] * 3 + [policy.SEGMENT_OTHER_CL2, policy.SEGMENT_CO_FUNDED] \
        + [policy.SEGMENT_OUTSIDE] * 3
    assert projects.loc[projects.projectID == 6, "ai_basis"].item() == "AI programme part"
    counts = policy.funding_counts(projects)
    assert (counts["n_all"], counts["n_culture"], counts["n_heritage"], counts["n_ai"]) == (8, 5, 3, 4)
    assert (counts["n_both"], counts["n_heritage_ai"], counts["n_both_co_funded"]) == (3, 1, 1)
    assert counts["n_arts_ai"] == 2 and counts["n_no_call_year"] == 1
    assert counts["share_ai_culture"] == pytest.approx(60.0)
    assert counts["share_ai_outside"] == pytest.approx(100 / 3)


def test_by_call_year_respects_the_year_range():
    projects = policy.classify_projects(classification_fixture())
    by_year = policy.culture_by_call_year(projects, 2022, 2023)
    assert set(by_year["call_year"]) == {2022, 2023}
    row = by_year[(by_year.call_year == 2022) & (by_year.segment == policy.SEGMENT_HERITAGE)].iloc[0]
    assert (row["projects"], row["ai_projects"]) == (3, 1)
    assert policy.culture_by_call_year(projects, 2011, 2015).empty


def test_overlap_topics_and_where_a_project_sits():
    projects = policy.classify_projects(classification_fixture())
    topics = policy.overlap_topics(projects, extra_topics=["HORIZON-CL2-2022-HERITAGE-02-01"])
    # overlap projects first (most first), ties by call year then code; the extra topic has none
    assert list(topics["topic"]) == ["HORIZON-MISS-2021-OCEAN-05-01", "HORIZON-CL2-2022-HERITAGE-01-02",
                                     "HORIZON-CL2-2023-DEMOCRACY-01-07", "HORIZON-CL2-2022-HERITAGE-02-01"]
    assert topics.set_index("topic").loc["HORIZON-CL2-2022-HERITAGE-02-01", "overlap_projects"] == 0
    assert topics.set_index("topic").loc["HORIZON-CL2-2022-HERITAGE-01-02", "projects"] == 2
    euroscivoc = pd.DataFrame({"projectID": [3, 3, 4], "euroSciVocPath": ["/b/x", "/a/y", "/c"]})
    legal = pd.DataFrame({"legal_basis_code": ["HORIZON.2.2"], "title": ["Culture, creativity and inclusive society"]})
    where = policy.locate_project(projects, euroscivoc, legal, 3)
    assert where["euroscivoc"] == ["/a/y", "/b/x"]
    assert where["legal_basis"][0] == ("HORIZON.2.2", "Culture, creativity and inclusive society")
    assert where["legal_basis"][1][1] == "title not in the lookup"
    assert (where["call_year"], where["ai"], where["projects_in_topic"], where["projects_in_segment_year"]) == \
        (2022, False, 1, 3)
    assert policy.locate_project(projects, euroscivoc, legal, 999) is None


def test_consortium_partners_by_selected_country():
    consortium = pd.DataFrame({"listed_name": ["Uni A", "Lab B", "Firm C", "Org D"],
                               "listed_country": ["Sweden", "Estonia", "Sweden", None]})
    found = policy.consortium_countries(consortium, validate(["SE", "EE", "LV"]))
    assert found == {"SE": ["Firm C", "Uni A"], "EE": ["Lab B"], "LV": []}


# ---------------------------------------------------------------------------------------------
# Glued text is pasted verbatim
# ---------------------------------------------------------------------------------------------



# ---------------------------------------------------------------------------------------------
# Captioned tables
# ---------------------------------------------------------------------------------------------

def test_table_groups_rows_escapes_text_and_links_only_web_addresses():
    from ai_culture_report import tables
    from ai_culture_report.data import Resource

    source = Resource(name="s", path="x.csv", sha256="0" * 64, title="Figures", publisher="Eurostat",
                      licence={"name": "CC-BY-4.0", "title": "CC BY 4.0"})
    frame = pd.DataFrame({"theme": ["A", "A", "B"], "label": ["<b>x</b>", "y", "z"],
                          "url": ["https://a.example/1", "javascript:alert(1)", None], "value": [1.5, 2.0, None]})
    table = tables.table(frame, name="t", title="Title & more", sources=[source], group_by="theme",
                         columns=[tables.Column("label", "Label", link="url"),
                                  tables.Column("value", "Value", numeric=True, format=lambda v: "" if pd.isna(v) else f"{v:.1f}")])
    page = table._repr_html_()
    assert page.count('class="report-table-group"') == 2  # one section row per theme
    assert "&lt;b&gt;x&lt;/b&gt;" in page and "<b>x</b>" not in page
    assert '<a href="https://a.example/1">' in page
    assert 'href="javascript' not in page  # a cell links only to a web address
    assert "Title &amp; more" in page and "Eurostat" in page and "CSV, 3 rows" in page
    assert repr(table) == "Table 't': Title & more (3 rows)"  # no memory address in the notebook output
    assert table._repr_html_() == page
    with pytest.raises(ValueError, match="no column"):
        tables.table(frame, name="t", title="T", sources=[source], columns=[tables.Column("missing", "M")])
    with pytest.raises(ValueError, match="CSS length"):
        tables.table(frame, name="t", title="T", sources=[source],
                     columns=[tables.Column("label", "L", min_width="wide")])._repr_html_()
