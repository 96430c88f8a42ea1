"""At a glance: the report's answer on one page, with one chart.

Nothing is computed here: the page reuses the synthesis chapter's ``load`` and ``findings``, so its
numbers are the synthesis's numbers, and it glues the few short values its text pastes.
"""

from __future__ import annotations

from .. import prose
from . import synthesis as synthesis_chapter

load = synthesis_chapter.load
findings = synthesis_chapter.findings

# The values the page's text pastes (all short: numbers, names, phrases).
KEYS = ("region_name", "test_outcome", "test_threshold", "culture_year", "ai_year", "n_pool", "n_above_both",
        "headline_reference", "strong_of_group", "others_strong_phrase", "culture_ranks", "ai_ranks",
        "culture_percentile", "ai_percentile", "beating_names", "random_pool",
        "random_result", "unplaced_names", "n_creative_hubs", "n_hub_countries")


def glue_values(found: synthesis_chapter.Findings) -> dict[str, str]:
    values = synthesis_chapter.glue_values(found)
    return {key: values[key] for key in KEYS}


def publish_all(found: synthesis_chapter.Findings) -> None:
    prose.publish_all(glue_values(found))


def chart(found: synthesis_chapter.Findings):
    """The one chart: every country on culture and AI, the selection and its median marked."""
    return synthesis_chapter.quadrant_chart(found, name="at-a-glance-quadrant")
