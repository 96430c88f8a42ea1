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


def as_charted(value, digits: int) -> float:
    """Round exactly as the charts do, so text and chart never show one value two ways.

    Vega's number formats (JavaScript's toFixed) and Python's format() both round the stored
    binary value: a published 19.95 is held as 19.9499… and shows as 19.9 in the chart's labels,
    tooltips and text descriptions alike. Rounding the decimal half up here (to 20.0) made the
    text disagree with its chart.
    """
    return float(f"{float(value):.{digits}f}")


def number(value, digits: int = 1, missing: str = "not available") -> str:
    if is_missing(value):
        return missing
    return f"{as_charted(value, digits):,.{digits}f}"


def percent(value, digits: int = 1, missing: str = "not available") -> str:
    """4.1% (a share, in per cent)."""
    return missing if is_missing(value) else f"{as_charted(value, digits):.{digits}f}%"


def points(value, digits: int = 1, missing: str = "not available") -> str:
    """+0.3 percentage points (a change of a share)."""
    if is_missing(value):
        return missing
    rounded = as_charted(value, digits)
    sign = "+" if rounded > 0 else ("−" if rounded < 0 else "±")
    unit = "percentage point" if abs(rounded) == 1 else "percentage points"
    return f"{sign}{abs(rounded):.{digits}f} {unit}"


def signed_percent(value, digits: int = 1, missing: str = "not available") -> str:
    """+3.2% (a relative change)."""
    if is_missing(value):
        return missing
    rounded = as_charted(value, digits)
    sign = "+" if rounded > 0 else ("−" if rounded < 0 else "±")
    return f"{sign}{abs(rounded):.{digits}f}%"


def signed_number(value, digits: int = 1, missing: str = "–") -> str:
    """+18.1 (a change in points, for a table column that names its unit)."""
    return points(value, digits, missing).split(" ")[0]


def ratio(value, digits: int = 2, missing: str = "not available") -> str:
    return missing if is_missing(value) else f"{as_charted(value, digits):.{digits}f}×"


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


def count_phrase(k: int, n: int) -> str:
    """How many of a group: 'all 4', 'both', 'none of the 3', '2 of 3'; '1 of 1' and '0 of 1' for a group of one."""
    k, n = int(k), int(n)
    if n == 1:
        return f"{k} of 1"
    if n == 2 and k == 2:
        return "both"
    if k == n:
        return f"all {n}"
    if k == 0:
        return f"none of the {n}"
    return f"{k} of {n}"


def is_are(n: int) -> str:
    return "is" if int(n) == 1 else "are"


def absent(names: list[str], where: str) -> str:
    """'Iceland is not in Eurostat's enterprise AI data.' ('' when no name is given): said once per section."""
    if not names:
        return ""
    return f"{join_names(list(names))} {is_are(len(names))} not in {where}."


def capitalised(text: str) -> str:
    return text[:1].upper() + text[1:]


def lower_first(text: str) -> str:
    """'enterprises using AI' from 'Enterprises using AI' (an acronym such as 'AI use' is kept)."""
    return text if text[1:2].isupper() else text[:1].lower() + text[1:]


def count_of_group(k: int, n: int, group: str) -> str:
    """'all 4 Nordic countries with data', '2 of 3 Baltic countries with data'; 'none of the Alpine countries'
    when no country has data (so a sentence never says 'all 0')."""
    if int(n) == 0:
        return f"none of the {group}"
    return f"{count_phrase(k, n)} {group} with data"


def above_sentence(k: int, n: int, group: str, predicate: str) -> str:
    """'3 of 4 Nordic countries with data had a higher share.' ('' when no country has data: the page says
    once, elsewhere, which countries are missing)."""
    if int(n) == 0:
        return ""
    return capitalised(f"{count_of_group(k, n, group)} {predicate}.")


def leader_sentence(name: str | None, value: str, reference: str = "", noun: str = "share") -> str:
    """'Denmark had the highest share, 42.0% (EU27: 20.0%).'; 'No selected country has data (EU27: 20.0%).'"""
    tail = f" ({reference})" if reference else ""
    if not name:
        return f"No selected country has data{tail}."
    return f"{name} had the highest {noun}, {value}{tail}."


def for_names(names: list[str], text: str) -> str:
    """'For Sweden, <text>' ('' when no name is given)."""
    return f"For {join_names(list(names))}, {text}" if names else ""


_NUMBER_WORDS = ["zero", "one", "two", "three", "four", "five", "six", "seven", "eight", "nine", "ten"]


def count_words(n: int, capital: bool = False) -> str:
    """Small counts in words ('three'), larger ones in figures ('1,204'); capitalised to open a sentence."""
    text = _NUMBER_WORDS[n] if 0 <= n < len(_NUMBER_WORDS) else f"{n:,}"
    return text[:1].upper() + text[1:] if capital else text


def other_countries(count: int) -> str:
    """'no other country', '1 other country', '9 other countries' (reads after 'by' or 'and')."""
    count = int(count)
    if count == 0:
        return "no other country"
    return f"{count} other {'country' if count == 1 else 'countries'}"


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
