"""Indicators shared by the chapters and the synthesis.

All functions take tidy frames (one row per country and year, a ``value``
column) or plain numbers, never fill a missing value, and return NaN where an
input is missing, so that a gap stays visible as a gap.
"""

from __future__ import annotations

import math

import numpy as np
import pandas as pd


def pp_change(start: float, end: float) -> float:
    """Change of a share in percentage points."""
    if _missing(start) or _missing(end):
        return math.nan
    return float(end) - float(start)


def ratio_change(start: float, end: float) -> float:
    """How many times larger the end value is than the start value."""
    if _missing(start) or _missing(end) or float(start) == 0:
        return math.nan
    return float(end) / float(start)


def percent_change(start: float, end: float) -> float:
    ratio = ratio_change(start, end)
    return math.nan if _missing(ratio) else (ratio - 1.0) * 100.0


def cagr(start: float, end: float, years: float) -> float:
    """Compound annual growth rate in per cent over ``years`` years."""
    if _missing(start) or _missing(end) or years <= 0 or float(start) <= 0 or float(end) < 0:
        return math.nan
    return ((float(end) / float(start)) ** (1.0 / years) - 1.0) * 100.0


def gap_to(value: float, reference: float) -> float:
    """Difference to the comparison aggregate, in the unit of the values."""
    return pp_change(reference, value)


def specialisation_index(value: float, reference: float) -> float:
    """The country's value over the comparison aggregate's (1 = same as the aggregate).

    For a share of employment this is the location quotient.
    """
    if _missing(value) or _missing(reference) or float(reference) == 0:
        return math.nan
    return float(value) / float(reference)


def rank_among(values: pd.Series, ascending: bool = False) -> pd.Series:
    """Rank of each entry among its peers (1 = highest by default; ties share the best rank).

    Missing values get no rank.
    """
    return values.rank(ascending=ascending, method="min").astype("Int64")


def ranks_by_year(frame: pd.DataFrame, group: str = "year", value: str = "value", ascending: bool = False) -> pd.Series:
    """Rank within each year (or other group) of a tidy frame."""
    return frame.groupby(group)[value].rank(ascending=ascending, method="min").astype("Int64")


def per_million(value: float, population: float) -> float:
    if _missing(value) or _missing(population) or float(population) <= 0:
        return math.nan
    return float(value) / float(population) * 1e6


def per_thousand(value: float, population: float) -> float:
    if _missing(value) or _missing(population) or float(population) <= 0:
        return math.nan
    return float(value) / float(population) * 1e3


def share(part: float, total: float) -> float:
    """``part`` as a percentage of ``total``."""
    if _missing(part) or _missing(total) or float(total) == 0:
        return math.nan
    return float(part) / float(total) * 100.0


def value_at(frame: pd.DataFrame, geo: str, year: int, value: str = "value") -> float:
    """The single value of ``geo`` in ``year`` or NaN when the source has none."""
    rows = frame[(frame["geo"] == geo) & (frame["year"] == year)]
    if rows.empty:
        return math.nan
    if len(rows) > 1:
        raise ValueError(f"More than one value for {geo} in {year}; filter the frame first.")
    result = rows[value].iloc[0]
    return math.nan if pd.isna(result) else float(result)


def coverage(frame: pd.DataFrame, codes, geo: str = "geo") -> tuple[list[str], list[str]]:
    """Which of ``codes`` appear in ``frame`` and which are missing, in the given order."""
    present = set(frame[geo].dropna().unique())
    return [c for c in codes if c in present], [c for c in codes if c not in present]


def _missing(value) -> bool:
    if value is None:
        return True
    try:
        return bool(np.isnan(value))
    except TypeError:
        return value is pd.NA
