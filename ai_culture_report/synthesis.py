"""The synthesis: one table of indicators for every European country, indices against a reference,
the region's position, and how that position depends on the year and the reference chosen.

An *index* is a country's value over the reference value (the comparison aggregate in the same year
where the source publishes it, otherwise the median of the European countries with data): 1 means
"as the reference", 1.5 means half as much again.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

import numpy as np
import pandas as pd

from . import culture, data, hubs, measures, research
from .params import ReportParams, is_country_code


@dataclass(frozen=True)
class Dimension:
    key: str
    label: str
    unit: str
    source: str
    theme: str  # "culture", "ai", "research", "infrastructure"


DIMENSIONS = [
    Dimension("culture_employment", "Cultural employment", "% of total employment", "cult_emp_share", "culture"),
    Dimension("ai_enterprises", "Enterprises using AI", "% of enterprises (10+ employees)",
              "isoc_eb_ai_e_ai_tany_ge10", "ai"),
    Dimension("ai_information_sector", "AI use in information and communication (NACE J)",
              "% of enterprises in NACE J", "isoc_eb_ain2_ai_use_nace_j_and_ict_by_country", "ai"),
    Dimension("genai_people", "People using generative AI", "% of individuals 16–74",
              "isoc_ai_iaiu_genai_use_individuals_2025", "ai"),
    Dimension("ai_publications", "AI publications per million inhabitants", "works per million inhabitants",
              "openalex_ai_publications_by_country", "research"),
    Dimension("hubs_per_million", "Digital innovation hubs per million inhabitants", "hubs per million inhabitants",
              "edih_catalogue_hubs", "infrastructure"),
    Dimension("hubs_creative_focus", "Hubs with a cultural and creative focus", "% of hubs with sector tags",
              "edih_catalogue_tags_long", "infrastructure"),
]
# Horizon 2020 participations per million are not among them: the CORDIS extract holds only projects with
# a Nordic partner, complete for the scope countries and partial for every other, so a cross-country
# comparison would favour the scope by construction (the networks chapter uses it within the region).
DIMENSION_BY_KEY = {d.key: d for d in DIMENSIONS}
HEADLINE = ("culture_employment", "ai_enterprises")  # the two indicators the test of the answer rests on
POPULATION = "worldbank_population_total_eu_eea_2010_2024"


def _rows(frame: pd.DataFrame, key: str, aggregates) -> pd.DataFrame:
    """Countries (and the reference aggregates) of a tidy frame as synthesis rows."""
    keep = frame["geo"].map(is_country_code).astype(bool) | frame["geo"].isin(aggregates)
    out = frame.loc[keep, ["geo", "year", "value"]].copy()
    out["dimension"] = key
    return out


def culture_rows(params: ReportParams) -> pd.DataFrame:
    share = data.load("cult_emp_share")
    return _rows(share, "culture_employment", culture.aggregate_codes(params.comparison_aggregate))


def enterprise_rows(params: ReportParams) -> pd.DataFrame:
    return _rows(data.load("isoc_eb_ai_e_ai_tany_ge10"), "ai_enterprises", [params.comparison_aggregate])


def information_sector_rows(params: ReportParams) -> pd.DataFrame:
    frame = data.expand_breakdown(data.load("isoc_eb_ain2_ai_use_nace_j_and_ict_by_country"))
    frame = frame[(frame["indicator"] == "E_AI_TANY") & (frame["nace_r2"] == "J")]
    return _rows(frame, "ai_information_sector", [params.comparison_aggregate])


def genai_rows(params: ReportParams) -> pd.DataFrame:
    frame = data.expand_breakdown(data.load("isoc_ai_iaiu_genai_use_individuals_2025"))
    frame = frame[frame["indicator"].str.endswith("in the last 3 months") & (frame["ind_type"] == "All individuals")
                  & (frame["unit"] == "Percentage of individuals")]
    return _rows(frame, "genai_people", [params.comparison_aggregate])


def research_rows(params: ReportParams) -> pd.DataFrame:
    """AI publications per million inhabitants. Horizon 2020 participations per inhabitant are not an
    indicator here: the CORDIS extract covers its scope countries fully and every other country only in part."""
    rows = research.synthesis_indicators(params)
    rows["dimension"] = rows["dimension"].map({"AI research output": "ai_publications"})
    return rows.loc[rows["geo"].map(is_country_code).astype(bool), ["geo", "year", "value", "dimension"]]


def hub_rows(params: ReportParams) -> pd.DataFrame:
    """Hubs per million inhabitants and the share of sector-tagged hubs with a creative focus."""
    rows = hubs.synthesis_indicators(params)
    rows["dimension"] = rows["dimension"].map({"hubs_per_million_inhabitants": "hubs_per_million",
                                               "creative_sector_focus_share": "hubs_creative_focus"})
    return rows.loc[rows["geo"].map(is_country_code).astype(bool), ["geo", "year", "value", "dimension"]]


def indicator_table(params: ReportParams) -> pd.DataFrame:
    """Every dimension for every European country (and the aggregate where published), all years."""
    parts = [culture_rows(params), enterprise_rows(params), information_sector_rows(params), genai_rows(params),
             research_rows(params), hub_rows(params)]
    table = pd.concat(parts, ignore_index=True)
    table["year"] = table["year"].astype(int)
    return table.sort_values(["dimension", "geo", "year"]).reset_index(drop=True)


def reference_value(table: pd.DataFrame, dimension: str, year: int, params: ReportParams,
                    reference: str = "aggregate") -> tuple[float, str]:
    """The value an index divides by, and a label saying what it is."""
    rows = table[(table["dimension"] == dimension) & (table["year"] == year)]
    if reference == "aggregate":
        for code in culture.aggregate_codes(params.comparison_aggregate):
            value = rows.loc[rows["geo"] == code, "value"]
            if len(value):
                return float(value.iloc[0]), culture.label_geo(code)
    countries = rows[rows["geo"].map(is_country_code).astype(bool)]["value"].dropna()
    if countries.empty:
        return math.nan, "no reference"
    return float(countries.median()), f"median of {len(countries)} European countries"


def latest_common_year(table: pd.DataFrame, dimension: str, params: ReportParams) -> int | None:
    rows = table[(table["dimension"] == dimension) & table["year"].between(params.year_start, params.year_end)]
    if rows.empty:  # the report's years exclude the source: no index rather than one from other years
        return None
    selected = rows[rows["geo"].isin(params.countries)]
    source = selected if not selected.empty else rows
    return int(source["year"].max())


def indices(table: pd.DataFrame, params: ReportParams, reference: str = "aggregate",
            years: dict[str, int] | None = None) -> pd.DataFrame:
    """Index of every country on every dimension in the dimension's latest year (or the year given)."""
    rows = []
    for dimension in DIMENSIONS:
        year = (years or {}).get(dimension.key) or latest_common_year(table, dimension.key, params)
        if year is None:
            continue
        ref, ref_label = reference_value(table, dimension.key, year, params, reference)
        current = table[(table["dimension"] == dimension.key) & (table["year"] == year)]
        for geo, value in zip(current["geo"], current["value"]):
            if not is_country_code(geo):
                continue
            rows.append({"geo": geo, "dimension": dimension.key, "label": dimension.label, "year": year,
                         "value": value, "unit": dimension.unit, "reference": ref, "reference_label": ref_label,
                         "index": measures.specialisation_index(value, ref)})
    return pd.DataFrame(rows, columns=INDEX_COLUMNS)


INDEX_COLUMNS = ["geo", "dimension", "label", "year", "value", "unit", "reference", "reference_label", "index"]


def scoreboard(index_table: pd.DataFrame, params: ReportParams) -> pd.DataFrame:
    """The selected countries × dimensions, with a row for every missing combination (value NaN)."""
    grid = pd.MultiIndex.from_product([params.countries, [d.key for d in DIMENSIONS]], names=["geo", "dimension"])
    board = index_table.set_index(["geo", "dimension"]).reindex(grid).reset_index()
    board["label"] = board["dimension"].map(lambda k: DIMENSION_BY_KEY[k].label)
    board["unit"] = board["dimension"].map(lambda k: DIMENSION_BY_KEY[k].unit)
    return board


def quadrants(index_table: pd.DataFrame, x: str = "culture_employment", y: str = "ai_enterprises") -> pd.DataFrame:
    """Countries with both indices, and which quadrant they fall in (above/below 1 on each)."""
    wide = index_table.pivot_table(index="geo", columns="dimension", values="index", aggfunc="first")
    if x not in wide or y not in wide:
        return pd.DataFrame(columns=["geo", x, y, "quadrant"])
    both = wide[[x, y]].dropna().reset_index()
    both["quadrant"] = [quadrant_name(a, b) for a, b in zip(both[x], both[y])]
    return both


def quadrant_name(culture_index: float, ai_index: float) -> str:
    if culture_index >= 1 and ai_index >= 1:
        return "strong in both"
    if culture_index >= 1:
        return "cultural strength, AI below reference"
    if ai_index >= 1:
        return "AI strength, culture below reference"
    return "below reference in both"


def years_available(table: pd.DataFrame, dimension: str) -> list[int]:
    return sorted(int(y) for y in table.loc[table["dimension"] == dimension, "year"].unique())


def sensitivity(table: pd.DataFrame, params: ReportParams, x: str = "culture_employment",
                y: str = "ai_enterprises") -> pd.DataFrame:
    """Quadrant of each selected country for every pair of years and both kinds of reference."""
    rows = []
    table = table[table["dimension"].isin([x, y])]  # only the two indices are compared: skip the others
    x_years = [yr for yr in years_available(table, x) if params.year_start <= yr <= params.year_end]
    y_years = [yr for yr in years_available(table, y) if params.year_start <= yr <= params.year_end]
    for reference in ("aggregate", "median"):
        for x_year in x_years:
            for y_year in y_years:
                index_table = indices(table, params, reference, {x: x_year, y: y_year})
                index_table = index_table[index_table["dimension"].isin([x, y])]
                quads = quadrants(index_table, x, y).set_index("geo")
                for geo in params.countries:
                    rows.append({"geo": geo, "reference": reference, "culture_year": x_year, "ai_year": y_year,
                                 "quadrant": quads["quadrant"].get(geo, "no data")})
    return pd.DataFrame(rows, columns=["geo", "reference", "culture_year", "ai_year", "quadrant"])


# --------------------------------------------------------------------------- references, stated once

def references(index_table: pd.DataFrame) -> pd.DataFrame:
    """One row per indicator with data: the reference its index divides by, and why that one."""
    rows = []
    for dimension in DIMENSIONS:
        current = index_table[index_table["dimension"] == dimension.key]
        if current.empty:
            continue
        label = str(current["reference_label"].iloc[0])
        why = "no EU aggregate in the source" if label.startswith("median") else "Eurostat publishes it"
        rows.append({"dimension": dimension.key, "indicator": dimension.label, "year": int(current["year"].iloc[0]),
                     "reference": label, "value": float(current["reference"].iloc[0]), "why": why})
    return pd.DataFrame(rows, columns=["dimension", "indicator", "year", "reference", "value", "why"])


# --------------------------------------------------------------------------- the test that can fail

@dataclass(frozen=True)
class Standing:
    """Where the selection stands on one indicator among all countries with data (index, latest year)."""

    dimension: str
    n_countries: int  # countries with data, the selected ones included
    ranks: tuple[tuple[str, int], ...]  # (selected country, rank: 1 = highest), best first
    missing: tuple[str, ...]  # selected countries without data
    group_median: float  # the selection's median index (the country's own for one country)
    others: int  # countries with data outside the selection
    others_below: int  # of them, with a lower index than the group median

    @property
    def percentile(self) -> float:
        """Share (%) of the other countries with data that the group median is above."""
        return 100 * self.others_below / self.others if self.others else math.nan


def latest_indices(index_table: pd.DataFrame, dimension: str) -> pd.Series:
    """Index by country on one dimension (the table holds one year per dimension)."""
    rows = index_table[(index_table["dimension"] == dimension) & index_table["index"].notna()]
    return rows.set_index("geo")["index"].astype(float)


def rank_of(values: pd.Series, geo: str) -> int:
    """Competition rank, 1 for the highest value: one more than the number of countries above."""
    return int((values > values[geo]).sum()) + 1


def standing(index_table: pd.DataFrame, dimension: str, countries) -> Standing:
    values = latest_indices(index_table, dimension)
    present = [c for c in countries if c in values.index]
    ranks = sorted(((c, rank_of(values, c)) for c in present), key=lambda item: (item[1], item[0]))
    median = float(values[present].median()) if present else math.nan
    others = values.drop(present)
    return Standing(dimension=dimension, n_countries=len(values), ranks=tuple(ranks),
                    missing=tuple(c for c in countries if c not in values.index), group_median=median,
                    others=len(others), others_below=int((others < median).sum()) if present else 0)


def standings(index_table: pd.DataFrame, countries) -> list[Standing]:
    """The standing on every indicator with data, in the order of :data:`DIMENSIONS`."""
    found = [standing(index_table, d.key, countries) for d in DIMENSIONS]
    return [s for s in found if s.n_countries]


def headline_frame(index_table: pd.DataFrame, dimensions=HEADLINE) -> pd.DataFrame:
    """Countries with an index on every headline indicator (one column each)."""
    columns = {d: latest_indices(index_table, d) for d in dimensions}
    return pd.DataFrame(columns).dropna()


def countries_beating(index_table: pd.DataFrame, countries, dimensions=HEADLINE) -> tuple[str, ...]:
    """Countries outside the selection above the selection's median on every headline indicator."""
    frame = headline_frame(index_table, dimensions)
    chosen = frame[frame.index.isin(countries)]
    if chosen.empty:
        return ()
    above = (frame > chosen.median()).all(axis=1) & ~frame.index.isin(countries)
    return tuple(sorted(frame.index[above]))


@dataclass(frozen=True)
class RandomGroups:
    """The selection against random groups of as many countries, drawn from all countries with data."""

    size: int  # selected countries with data on every headline indicator
    pool: int  # countries with data on every headline indicator
    draws: int
    seed: int
    selection: tuple[float, ...]  # the selection's median index on each headline indicator
    medians: pd.DataFrame  # one row per random group: its median index on each headline indicator
    as_good: int  # random groups whose medians are at least the selection's on every indicator

    @property
    def share(self) -> float:
        return self.as_good / self.draws


def random_groups(index_table: pd.DataFrame, countries, draws: int, seed: int,
                  dimensions=HEADLINE) -> RandomGroups | None:
    """Draw ``draws`` groups of the selection's size without replacement (numpy Generator seeded with
    ``seed``) and count those that do at least as well on every headline indicator. None when no
    selected country has data on all of them."""
    frame = headline_frame(index_table, dimensions)
    size = int(frame.index.isin(countries).sum())
    if size == 0:
        return None
    rng = np.random.default_rng(seed)
    # Sorting uniform random keys gives a random permutation per row; its first `size` entries are a group.
    groups = rng.random((draws, len(frame))).argsort(axis=1)[:, :size]
    medians = np.median(frame.to_numpy()[groups], axis=1)
    selection = frame[frame.index.isin(countries)].median().to_numpy()
    as_good = int((medians >= selection).all(axis=1).sum())
    return RandomGroups(size=size, pool=len(frame), draws=draws, seed=seed,
                        selection=tuple(float(v) for v in selection),
                        medians=pd.DataFrame(medians, columns=list(dimensions)), as_good=as_good)


STANDS_OUT_SHARE = 0.05  # a selection stands out if fewer random groups than this do as well (a 5% test)


def stands_out(groups: RandomGroups | None) -> bool | None:
    """Whether fewer than 5% of random groups do as well as the selection; None when it cannot be tested."""
    return None if groups is None else groups.share < STANDS_OUT_SHARE
