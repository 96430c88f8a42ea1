"""Numbers and names for the prose, published with myst-nb ``glue``.

Every number a reader sees in the text is computed in a notebook and pasted with
``{glue:text}`name```. Values are glued as ready-formatted text so the page
shows "4.1%" and not a raw float, and a missing value says why it is missing.
"""

from __future__ import annotations

import math

from myst_nb import glue


class Text(str):
    """A string whose plain-text representation has no quotes, for ``{glue:text}``."""

    def __repr__(self) -> str:  # myst-nb pastes the text/plain representation
        return str(self)

    def _repr_pretty_(self, printer, cycle) -> None:  # IPython's pretty printer asks this first
        printer.text(str(self))


def is_missing(value) -> bool:
    if value is None:
        return True
    try:
        return math.isnan(value)
    except TypeError:
        return False


def number(value, digits: int = 1, missing: str = "not available") -> str:
    if is_missing(value):
        return missing
    return f"{value:,.{digits}f}"


def percent(value, digits: int = 1, missing: str = "not available") -> str:
    """4.1% (a share, in per cent)."""
    return missing if is_missing(value) else f"{value:.{digits}f}%"


def points(value, digits: int = 1, missing: str = "not available") -> str:
    """+0.3 percentage points (a change of a share)."""
    if is_missing(value):
        return missing
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    unit = "percentage point" if abs(round(value, digits)) == 1 else "percentage points"
    return f"{sign}{abs(value):.{digits}f} {unit}"


def signed_percent(value, digits: int = 1, missing: str = "not available") -> str:
    """+3.2% (a relative change)."""
    if is_missing(value):
        return missing
    sign = "+" if value > 0 else ("−" if value < 0 else "±")
    return f"{sign}{abs(value):.{digits}f}%"


def ratio(value, digits: int = 2, missing: str = "not available") -> str:
    return missing if is_missing(value) else f"{value:.{digits}f}×"


def ordinal(value: int) -> str:
    if is_missing(value):
        return "unranked"
    value = int(value)
    suffix = "th" if 10 <= value % 100 <= 20 else {1: "st", 2: "nd", 3: "rd"}.get(value % 10, "th")
    return f"{value}{suffix}"


def publish(name: str, text) -> Text:
    """Glue ``text`` under ``name`` for ``{glue:text}`` and return it (so the notebook shows it too)."""
    value = Text(str(text))
    glue(name, value, display=False)
    return value
