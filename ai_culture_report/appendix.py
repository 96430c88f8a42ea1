"""The data appendix, written from the registry so it cannot drift from the data the book reads."""

from __future__ import annotations

from collections import defaultdict

from .data import Resource, Snapshot
from .params import ReportParams, country_name

FOLDER_TITLES = {
    "culture": "Culture and the creative economy",
    "ai": "Artificial intelligence: enterprises, people and skills",
    "research": "Research and research networks",
    "hubs": "Innovation infrastructure",
    "occupations": "Occupations and skills",
    "policy": "Policy",
    "population": "Population",
    "geo": "Maps: boundaries of countries and regions",
    "": "Facts gathered for the report",
}


def coverage_line(snapshot: Snapshot, resource: Resource, params: ReportParams) -> str:
    """Countries × years of a tidy statistics file, and which selected countries it lacks."""
    columns = {f["name"] for f in resource.fields}
    if resource.path.endswith(".json"):
        return "boundaries or points of the NUTS 2024 units, as geographic JSON"
    if not resource.path.endswith(".csv"):
        return "a text file of statements, each with its source"
    frame = snapshot.load(resource.name)
    parts = [f"{len(frame):,} rows"]
    if "year" in columns and frame["year"].notna().any():
        parts.append(f"years {int(frame['year'].min())}–{int(frame['year'].max())}")
    if "geo" in columns:
        geos = set(frame["geo"].dropna())
        parts.append(f"{len(geos)} geographical units")
        missing = [c for c in params.countries if c not in geos]
        if missing:
            parts.append("not covered: " + ", ".join(country_name(c) for c in missing))
        else:
            parts.append(f"covers all of {params.region_name}")
    return "; ".join(parts)


def render_resource(snapshot: Snapshot, resource: Resource, params: ReportParams) -> str:
    licence = resource.licence_name
    if resource.licence.get("path"):
        licence = f"[{licence}]({resource.licence['path']})"
    url = f"<{resource.official_url}>" if resource.official_url else "no single official address (see caveats)"
    rows = [
        ("Publisher", resource.publisher or "not stated"),
        ("Dataset code", f"`{resource.dataset_code}`" if resource.dataset_code else "none"),
        ("Official address", url),
        ("Vintage", resource.vintage or "not stated"),
        ("Licence", licence),
        ("How to credit it", resource.attribution or "not stated"),
        ("Where the snapshot copy came from", resource.snapshot_origin or "not stated"),
        ("Provenance notes", f"`{resource.provenance}` in the snapshot" if resource.provenance else "none"),
        ("Coverage", coverage_line(snapshot, resource, params)),
        ("File", f"`{resource.path}` (sha256 `{resource.sha256[:16]}…`)"),
    ]
    lines = [f"### {resource.title}", "", "| | |", "|---|---|"]
    lines += [f"| {key} | {str(value).replace('|', '/')} |" for key, value in rows]
    if resource.caveats:
        lines += ["", "Caveats:", ""] + [f"- {caveat}" for caveat in resource.caveats]
    return "\n".join(lines) + "\n"


def render_data_appendix(snapshot: Snapshot, params: ReportParams) -> str:
    groups: dict[str, list[Resource]] = defaultdict(list)
    for resource in snapshot.registry.resources.values():
        folder = resource.path.split("/", 1)[0] if "/" in resource.path else ""
        groups[folder].append(resource)
    lines = [
        "# Data and methods: the datasets",
        "",
        "This appendix is written by the build from the registry `data/datapackage.json` and from the files "
        "themselves, so it always describes the data this book was built from. Every file is checked against its "
        "sha256 checksum before any notebook runs. The files are third-party data, copied unchanged into the "
        "report's repository (its `data/` folder, a Frictionless data package) with their provenance notes; "
        "`data/README.md` there says what each licence asks of a reuser.",
        "",
        f"Coverage is given for the countries of this book: {params.names_of(params.countries)}.",
        "",
    ]
    order = [f for f in FOLDER_TITLES if f in groups] + sorted(f for f in groups if f not in FOLDER_TITLES)
    for folder in order:
        lines += [f"## {FOLDER_TITLES.get(folder, folder)}", ""]
        for resource in sorted(groups[folder], key=lambda r: r.path):
            lines.append(render_resource(snapshot, resource, params))
    return "\n".join(lines)
