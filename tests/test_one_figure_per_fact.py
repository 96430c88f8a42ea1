"""One figure per fact: a number in the text and the same number in its chart are rounded alike."""

from __future__ import annotations

import pandas as pd

from ai_culture_report import bookaudit, prose


def test_a_boundary_value_rounded_one_way_in_the_text_and_the_other_in_the_chart_is_caught():
    tables = {"genai.csv": pd.DataFrame({"value": [11.45, 34.8]})}
    # half up on the decimal (11.5) while the chart's format shows 11.4: the defect the check exists for
    caught = bookaudit.glue_chart_mismatches([("purpose", "Finland 11.5% for education")], tables)
    assert [(m.number, m.chart, m.value) for m in caught] == [("11.5", "genai.csv", 11.45)]
    # the same figure as the prose formatter writes it agrees with the chart
    agreed = bookaudit.glue_chart_mismatches([("purpose", f"Finland {prose.percent(11.45)} for education")], tables)
    assert agreed == []


def test_unrelated_numbers_and_whole_numbers_are_not_flagged():
    tables = {"t.csv": pd.DataFrame({"value": [8.5, 20.25], "rank": [1, 2]})}
    glued = [("a", "In 2025, 9 countries"), ("b", "a different measure: 47.3%"), ("c", "20.2% of firms")]
    assert bookaudit.glue_chart_mismatches(glued, tables) == []
    assert [m.number for m in bookaudit.glue_chart_mismatches([("d", "20.3%")], tables)] == ["20.3"]


def test_every_glued_number_on_a_page_agrees_with_the_charts_there(built_book):
    stage = built_book["root"] / "stage"
    checked, problems = 0, []
    for notebook in sorted(stage.glob("*/chapters/*.ipynb")):
        if notebook.name.endswith(".rerun.ipynb"):
            continue
        page = built_book["html"] / "chapters" / f"{notebook.stem}.html"
        tables = bookaudit.chart_tables(page)
        glued = bookaudit.glued_values(notebook)
        checked += len(glued)
        problems += [f"{notebook.stem}: {m}" for m in bookaudit.glue_chart_mismatches(glued, tables)]
    assert checked > 100, "the executed chapter notebooks were not found in the stage"
    assert not problems, "\n".join(problems)
