"""Numbers and names for the prose, published with myst-nb ``glue``.

Every number a reader sees in the text is computed in a notebook and pasted with
``{glue:text}`name```. Values are glued as ready-formatted text so the page
shows "4.1%" and not a raw float, and a missing value says why it is missing.

They are glued as plain ``str``: myst-nb's ``{glue:text}`` runs ``ast.literal_eval``
on the text/plain representation, which turns a quoted string back into exactly
the same text, whereas unquoted text such as "13,485" would be read as a tuple.
"""

from __future__ import annotations

import math
from decimal import ROUND_HALF_UP, Decimal

from IPython.display import Markdown
from myst_nb import glue

from .params import join_names


def is_missing(value) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(value)
    except TypeError:
        return False


def half_up(value, digits: int) -> float:
    """Round half away from zero on the decimal value as published (19.95 -> 20.0), as statistical
    offices do; binary floats would otherwise round 19.95 down to 19.9."""
    quantum = Decimal(1).scaleb(-digits)
    return float(Decimal(repr(float(value))).quantize(quantum, rounding=ROUND_HALF_UP))


def number(value, digits: int = 1, missing: str = "not available") -> str:
    if is_missing(value):
        return missing
    return f"{half_up(value, digits):,.{digits}f}"


def percent(value, digits: int = 1, missing: str = "not available") -> str:
    """4.1% (a share, in per cent)."""
    return missing if is_missing(value) else f"{half_up(value, digits):.{digits}f}%"


def points(value, digits: int = 1, missing: str = "not available") -> str:
    """+0.3 percentage points (a change of a share)."""
    if is_missing(value):
        return missing
    rounded = half_up(value, digits)
    sign = "+" if rounded > 0 else ("−" if rounded < 0 else "±")
    unit = "percentage point" if abs(rounded) == 1 else "percentage points"
    return f"{sign}{abs(rounded):.{digits}f} {unit}"


def signed_percent(value, digits: int = 1, missing: str = "not available") -> str:
    """+3.2% (a relative change)."""
    if is_missing(value):
        return missing
    rounded = half_up(value, digits)
    sign = "+" if rounded > 0 else ("−" if rounded < 0 else "±")
    return f"{sign}{abs(rounded):.{digits}f}%"


def ratio(value, digits: int = 2, missing: str = "not available") -> str:
    return missing if is_missing(value) else f"{half_up(value, digits):.{digits}f}×"


def ordinal(value: int) -> str:
    if is_missing(value):
        return "unranked"
    value = int(value)
    suffix = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
    return f"{value}{suffix}"


def publish(name: str, text) -> str:
    """Glue ``text`` under ``name`` for ``{glue:text}``, pasted verbatim; return it."""
    value = str(text)
    glue(name, value, display=False)
    return value


def publish_markdown(name: str, text) -> str:
    """Glue ``text`` as Markdown for ``{glue:md}`` (a sentence with links, for example); return it."""
    value = str(text)
    glue(name, Markdown(value), display=False)
    return value


def publish_all(values: dict) -> None:
    """Glue every ``name: text`` pair with :func:`publish`."""
    for name, text in values.items():
        publish(name, text)


def span(first, last) -> str:
    """'2011–2022', or '2022' for a single year."""
    first, last = int(first), int(last)
    return str(first) if first == last else f"{first}–{last}"


def outside_years(what: str, years, year_start: int, year_end: int) -> str:
    """Why a source shows nothing for the selected years: 'The Eurostat series covers 2011–2022, so none of its
    years falls within 2000–2005.' (``years`` are the years the source has; empty when it has none.)"""
    years = [int(y) for y in years if not is_missing(y)]
    chosen = span(year_start, year_end)
    if not years:
        return f"The {what} has no dated values, so none falls within {chosen}."
    return f"The {what} covers {span(min(years), max(years))}, so none of its years falls within {chosen}."


def plural(n: int, word: str, many: str | None = None) -> str:
    """'1 hub', '3 hubs'; ``many`` for an irregular plural ('1 city', '2 cities')."""
    return f"{n} {word if n == 1 else (many or word + 's')}"


def names_or(names, none: str = "none") -> str:
    """'Denmark and Sweden', or ``none`` when the list is empty (for 'Above the median: …')."""
    names = list(names)
    return join_names(names) if names else none


def missing_sentence(lead: str, names) -> str:
    """'The catalogue lists no hub in Iceland.', or '' when no name is missing: a missing country is
    stated once per section with this, not in every sentence."""
    text = names_or(names, "")
    return f"{lead} {text}." if text else ""
