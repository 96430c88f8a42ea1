"""Tables for the page: a captioned HTML table that cites its sources, like a chart.

A :class:`Table` is the tabular sibling of :class:`charts.Figure`: a title that says what the
table holds, the sources (publisher, dataset code, vintage, licence from the registry), notes for
caveats, and a CSV download of exactly the rows shown. The HTML is built from escaped text only,
in the order of the frame, so it is deterministic.
"""

from __future__ import annotations

import html
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field

import pandas as pd

from . import reuse
from .data import Resource, resource as registered_resource


_RIGHT = ' style="text-align:right"'


def _width(width: str) -> str:
    if not re.fullmatch(r"\d+(?:\.\d+)?(?:em|rem|px|%)", width):
        raise ValueError(f"Column width {width!r} must be a CSS length such as '16em'.")
    return f' style="min-width:{width}"'


@dataclass(repr=False)
class Column:
    """How one column is shown: its header, a formatter, and optionally a link column."""

    key: str
    header: str
    format: Callable[[object], str] | None = None
    link: str | None = None  # name of a column holding the URL the cell links to
    numeric: bool = False
    min_width: str | None = None  # CSS width, e.g. "16em", for a column of long text


@dataclass(repr=False)
class Table:
    name: str
    title: str
    frame: pd.DataFrame
    columns: list[Column]
    sources: list[Resource]
    notes: list[str] = field(default_factory=list)
    data: pd.DataFrame | None = None  # what the CSV download holds (default: the frame)
    group_by: str | None = None  # a column whose values become section rows (in frame order)
    compact: bool = False  # smaller type for wide tables

    def __repr__(self) -> str:  # the text/plain output nbval compares: no memory addresses
        return f"Table {self.name!r}: {self.title} ({len(self.frame)} rows)"

    def csv_text(self) -> str:
        return (self.frame if self.data is None else self.data).to_csv(index=False, lineterminator="\n")

    def metadata(self) -> str:
        shown = self.frame if self.data is None else self.data
        return reuse.metadata_json(kind="table", name=self.name, title=self.title, description=self.title,
                                   axes=[{"channel": "column", "title": c.header} for c in self.columns],
                                   sources=self.sources, notes=self.notes,
                                   columns=[str(c) for c in shown.columns], rows=len(shown))

    def _cell(self, row: pd.Series, column: Column) -> str:
        value = row[column.key]
        if column.format is not None:
            text = column.format(value)
        elif value is None or (not isinstance(value, str) and pd.isna(value)):
            text = ""
        else:
            text = str(value)
        text = html.escape(text)
        if column.link:
            url = row[column.link]
            if isinstance(url, str) and re.match(r"https?://", url):
                text = f'<a href="{html.escape(url)}">{text}</a>'
        return f"<td{_RIGHT if column.numeric else ''}>{text}</td>"

    def _repr_html_(self) -> str:
        header = "".join(
            f'<th{_RIGHT if c.numeric else (_width(c.min_width) if c.min_width else "")}>{html.escape(c.header)}</th>'
            for c in self.columns
        )
        rows, current = [], object()
        for _, row in self.frame.iterrows():
            if self.group_by is not None and row[self.group_by] != current:
                current = row[self.group_by]
                rows.append(f'<tr class="report-table-group"><th colspan="{len(self.columns)}" '
                            f'style="text-align:left;padding-top:0.8em">{html.escape(str(current))}</th></tr>')
            rows.append("<tr>" + "".join(self._cell(row, c) for c in self.columns) + "</tr>")
        body = "".join(rows)
        rows = len(self.frame if self.data is None else self.data)
        return (
            f'<figure class="report-table" id="table-{self.name}">'
            f'<p class="report-table-title"><strong>{html.escape(self.title)}</strong></p>'
            # A keyboard user must be able to scroll a wide table: focusable, named region.
            f'<div class="report-table-scroll" style="overflow-x:auto" tabindex="0" role="region" '
            f'aria-label="{html.escape(self.title)} (table; scrolls sideways on narrow screens)">'
            f'<table class="report-table"'
            f'{" style=" + chr(34) + "font-size:0.85em" + chr(34) if self.compact else ""}>'
            f"<thead><tr>{header}</tr></thead><tbody>{body}</tbody></table></div>"
            f"<figcaption>{reuse.sources_html(self.sources)}{reuse.notes_html(self.notes)}"
            + reuse.reuse_html(kind="table", anchor=f"table-{self.name}", name=self.name, title=self.title,
                               csv=self.csv_text(), rows=rows, metadata=self.metadata(), sources=self.sources)
            + "</figcaption></figure>"
        )


def table(frame: pd.DataFrame, *, name: str, title: str, columns: Iterable[Column],
          sources: Iterable[str | Resource], notes: Iterable[str] = (), data: pd.DataFrame | None = None,
          group_by: str | None = None, compact: bool = False) -> Table:
    """A captioned table citing registry datasets (``sources`` are registry names or resources)."""
    if not re.fullmatch(r"[a-z0-9][a-z0-9-]*", name):
        raise ValueError(f"Table name {name!r} must be lower-case letters, digits and hyphens.")
    if not title:
        raise ValueError(f"Table {name!r} needs a title.")
    columns = list(columns)
    unknown = [c.key for c in columns if c.key not in frame.columns]
    if group_by is not None and group_by not in frame.columns:
        unknown.append(group_by)
    if unknown:
        raise ValueError(f"Table {name!r}: no column(s) {', '.join(unknown)} in the frame.")
    resolved = [registered_resource(s) if isinstance(s, str) else s for s in sources]
    if not resolved:
        raise ValueError(f"Table {name!r} must cite at least one registered dataset.")
    return Table(name=name, title=title, frame=frame.reset_index(drop=True), columns=columns, sources=resolved,
                 notes=list(notes), data=None if data is None else data.reset_index(drop=True), group_by=group_by,
                 compact=compact)


def frame_table(frame: pd.DataFrame, *, name: str, title: str, sources: Iterable[str | Resource],
                notes: Iterable[str] = (), index: str | None = None, compact: bool = False) -> Table:
    """A captioned table of ``frame`` as it is, its column names as headers (and ``index``, if named, first)."""
    if index is not None:
        frame = frame.reset_index(names=index) if frame.index.name != index else frame.reset_index()
    return table(frame.reset_index(drop=True), name=name, title=title,
                 columns=[Column(key=c, header=str(c)) for c in frame.columns], sources=sources, notes=notes,
                 compact=compact)
