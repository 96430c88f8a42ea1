"""Maps of Europe, drawn offline by Vega-Lite (geoshape) from the GISCO NUTS 2024 TopoJSON in the snapshot.

A map is a map of the parameters' countries: :func:`extent` frames them, :func:`base_layers` draws the land
around them in grey with the selected countries outlined, and :func:`country_choropleth` colours every
country by a value in the book's colour grammar (light grey, labelled "no data", where a country has none).
Every map must carry :data:`ATTRIBUTION` in its notes (the GISCO licence asks for it under every map).
"""

from __future__ import annotations

from dataclasses import dataclass

import altair as alt
import pandas as pd

from . import geocode
from .charts import NO_DATA_COLOUR, NO_DATA_LABEL, comparison_colour, named_dataset, position_label
from .params import ReportParams, country_name

ATTRIBUTION = "© EuroGeographics for the administrative boundaries."
SOURCES = [geocode.NUTS0]
EUROPE_BOX = (-25.0, 34.0, 45.0, 72.0)  # mainland Europe and its islands, not overseas territories
WIDTH, HEIGHT = 640, 560
LAND_COLOUR = "#EEEEEE"  # land around the selection: context, not data
OUTLINE_COLOUR = "#222222"


@dataclass(frozen=True)
class MapFrame:
    """The azimuthal equal-area projection about ``centre`` that fits ``box`` into ``width`` × ``height``."""

    box: tuple[float, float, float, float]
    centre: tuple[float, float]
    scale: float
    translate: tuple[float, float]
    width: int
    height: int

    @property
    def projection(self) -> alt.Projection:
        return alt.Projection(type="azimuthalEqualArea", rotate=[-self.centre[0], -self.centre[1], 0],
                              scale=self.scale, translate=list(self.translate))

    def pixels(self, lon: float, lat: float) -> tuple[float, float]:
        """Pixel position of (lon, lat) on the map (y down), as d3 draws it."""
        x, y = geocode.azimuthal_equal_area(lon, lat, self.centre)
        return self.translate[0] + self.scale * x, self.translate[1] - self.scale * y

    def contains(self, lon: float, lat: float) -> bool:
        w, s, e, n = self.box
        return w <= lon <= e and s <= lat <= n


def extent(codes) -> tuple[float, float, float, float] | None:
    """The padded bounding box of the European parts of the countries ``codes``; None if none has a boundary."""
    polygons = geocode.geography().nuts0_polygons
    boxes = [b for b in (geocode.bbox(polygons[c], EUROPE_BOX) for c in codes if c in polygons) if b]
    if not boxes:
        return None
    w, s = min(b[0] for b in boxes), min(b[1] for b in boxes)
    e, n = max(b[2] for b in boxes), max(b[3] for b in boxes)
    pad_x, pad_y = max((e - w) * 0.04, 0.8), max((n - s) * 0.04, 0.5)
    return w - pad_x, s - pad_y, e + pad_x, n + pad_y


def map_frame(box, width: int = WIDTH, height: int = HEIGHT) -> MapFrame:
    """Scale and translate that fit ``box`` (its edges sampled) into the map, as d3 applies them."""
    w, s, e, n = box
    centre = ((w + e) / 2, (s + n) / 2)
    edge = ([(w + (e - w) * i / 8, y) for i in range(9) for y in (s, n)]
            + [(x, s + (n - s) * i / 8) for i in range(9) for x in (w, e)])
    projected = [geocode.azimuthal_equal_area(x, y, centre) for x, y in edge]
    x0, x1 = min(q[0] for q in projected), max(q[0] for q in projected)
    y0, y1 = min(q[1] for q in projected), max(q[1] for q in projected)
    scale = min(width / (x1 - x0), height / (y1 - y0))
    return MapFrame(box=tuple(box), centre=centre, scale=scale,
                    translate=(width / 2 - scale * (x0 + x1) / 2, height / 2 + scale * (y0 + y1) / 2),
                    width=width, height=height)


def _touches(parts, box) -> bool:
    w, s, e, n = box
    for polygon in parts:
        xs, ys = [p[0] for p in polygon[0]], [p[1] for p in polygon[0]]
        if min(xs) <= e and max(xs) >= w and min(ys) <= n and max(ys) >= s:
            return True
    return False


def _topojson(topology: dict, feature: str) -> alt.NamedData:
    return named_dataset(topology, alt.DataFormat(type="topojson", feature=feature))


def base_layers(frame: MapFrame, outlined=(), fill_outlined: str = "#DDE6EF") -> list[alt.Chart]:
    """The land in and around the frame in light grey, and the ``outlined`` countries outlined in dark grey."""
    geo = geocode.geography()
    w, s, e, n = frame.box
    wide = (w - 8, s - 5, e + 8, n + 5)
    land_ids = {k for k, parts in geo.land_polygons.items() if _touches(parts, wide)}
    land = geocode.subset(geo.nuts0, "cntrg", lambda i: i in land_ids)
    layers = [alt.Chart(_topojson(land, "cntrg")).mark_geoshape(fill=LAND_COLOUR, stroke="#FFFFFF",
                                                                 strokeWidth=0.6, clip=True)]
    chosen = set(outlined)
    if chosen & set(geo.nuts0_polygons):
        outline = geocode.subset(geo.nuts0, "nutsrg", lambda i: i in chosen)
        layers.append(alt.Chart(_topojson(outline, "nutsrg")).mark_geoshape(
            fill=fill_outlined, stroke=OUTLINE_COLOUR, strokeWidth=1.0, clip=True))
    return layers


def choropleth_table(values, params: ReportParams, reference: float | None = None,
                     above: str = "above the reference", below: str = "at or below the reference") -> pd.DataFrame:
    """One row per NUTS country: its value (NaN for none), name, whether selected and its colour category."""
    values = pd.Series(values, dtype=float)
    codes = sorted(geocode.geography().nuts0_polygons)
    frame = pd.DataFrame({"geo": codes, "name": [country_name(c) for c in codes],
                          "value": [values.get(c, float("nan")) for c in codes]})
    frame["selected"] = frame["geo"].isin(params.countries)
    frame["category"] = [position_label(v, reference, above, below) if reference is not None
                         else (NO_DATA_LABEL if pd.isna(v) else "value") for v in frame["value"]]
    return frame


def country_choropleth(values, params: ReportParams, *, title, value_title: str, reference: float | None = None,
                       above: str = "above the reference", below: str = "at or below the reference",
                       value_format: str = ".1f", box=EUROPE_BOX, width: int = WIDTH,
                       height: int = HEIGHT) -> alt.LayerChart:
    """Europe's countries coloured by ``values`` (geo -> value), the selected countries outlined.

    With a ``reference`` the colours are the grammar's above/below the reference; without one a sequential
    scale. A country without a value is light grey and labelled "no data" in either case. The caller wraps
    the chart with :func:`charts.figure` and puts :data:`ATTRIBUTION` in its notes.
    """
    frame = map_frame(box, width, height)
    table = choropleth_table(values, params, reference, above, below)
    geo = geocode.geography()
    countries = alt.Chart(_topojson(geo.nuts0, "nutsrg")).transform_lookup(
        lookup="properties.id", from_=alt.LookupData(table, "geo", ["name", "value", "category"]))
    tooltip = [alt.Tooltip("name:N", title="Country"), alt.Tooltip("value:Q", title=value_title,
                                                                    format=value_format)]
    shape = dict(stroke="#FFFFFF", strokeWidth=0.6, clip=True)
    if reference is not None:
        coloured = [countries.mark_geoshape(**shape).encode(
            color=comparison_colour("category", above, below), tooltip=tooltip)]
    else:
        known = countries.transform_filter(alt.datum.category == "value").mark_geoshape(**shape).encode(
            color=alt.Color("value:Q", title=value_title, legend=alt.Legend(orient="top")), tooltip=tooltip)
        missing = countries.transform_filter(alt.datum.category != "value").mark_geoshape(**shape).encode(
            color=alt.Color("category:N", title=None, scale=alt.Scale(domain=[NO_DATA_LABEL],
                                                                      range=[NO_DATA_COLOUR]),
                            legend=alt.Legend(orient="top")), tooltip=tooltip)
        coloured = [known, missing]
    layers = base_layers(frame)[:1] + coloured
    chosen = set(params.countries) & set(geo.nuts0_polygons)
    if chosen:
        outline = geocode.subset(geo.nuts0, "nutsrg", lambda i: i in chosen)
        layers.append(alt.Chart(_topojson(outline, "nutsrg")).mark_geoshape(
            filled=False, stroke=OUTLINE_COLOUR, strokeWidth=1.6, clip=True))
    chart = alt.layer(*layers, projection=frame.projection).properties(width=width, height=height, title=title)
    return chart if reference is not None else chart.resolve_scale(color="independent")
