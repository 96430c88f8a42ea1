"""What moved between two data snapshots: the book's headline numbers and the files.

After ``python scripts/fetch_data.py --out NEW``, compare NEW with the snapshot
the book uses before switching to it. The report lists

- the headline numbers (:data:`HEADLINES`) for every selected country and the
  comparison aggregate: their latest value in each snapshot, whether a newer
  year arrived, and by how much a published value was revised;
- the files added, removed and changed (by sha256).

Both snapshots are read with the book's own loader (:class:`.data.Snapshot`):
checksums and column types are verified exactly as a chapter would. A snapshot
that has no registry yet (a fresh download) is verified against its own
``SHA256SUMS``, with the column schemas of the repository's registry.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field, replace
from pathlib import Path

import pandas as pd

from .data import Registry, Snapshot, sha256_of
from .errors import ReportError
from .fetch import read_sha256sums
from .params import ReportParams, country_name

# Values are published with at most two decimals; anything smaller is float noise.
TOLERANCE = 1e-9


@dataclass(frozen=True)
class Headline:
    """One number the book's text leads with, as it is found in a snapshot file.

    For each selected country and the comparison aggregate, the headline value
    is the latest year (not after ``year_end``) that has a value for this
    indicator, unit and breakdown.
    """

    key: str
    label: str
    path: str
    indicator: str
    unit: str
    breakdown: str | None = None  # None: the file has no breakdown, or it is empty


HEADLINES: tuple[Headline, ...] = (
    Headline("cultural_employment_share", "Cultural employment, % of total employment",
             "culture/eurostat_cult_emp_share.csv", "cultural_employment_share_of_total_employment", "PC_EMP"),
    Headline("enterprise_ai_use", "Enterprises using AI, % of enterprises (10+ persons employed)",
             "ai/eurostat_isoc_eb_ai__E_AI_TANY_ge10.csv", "E_AI_TANY", "PC_ENT",
             "size_emp=GE10;nace_r2=C10-S951_X_K"),
    Headline("enterprise_ai_generating_media", "Enterprises using AI to generate pictures, video or sound, %",
             "ai/eurostat_isoc_eb_ai__ai_technologies_ge10_nordic_eu27.csv", "E_AI_TPVSG", "PC_ENT",
             "size_emp=GE10;nace_r2=C10-S951_X_K"),
    Headline("information_sector_ai_use", "Information and communication enterprises using AI, %",
             "ai/eurostat_isoc_eb_ain2__ai_use_nace_J_and_ICT_by_country.csv", "E_AI_TANY", "PC_ENT",
             "nace_r2=J;size_emp=GE10"),
    Headline("generative_ai_use_individuals", "Individuals who used generative AI tools in the last 3 months, %",
             "ai/eurostat_isoc_ai_iaiu__genai_use_individuals_2025.csv",
             "Use of generative AI tools: in the last 3 months", "Percentage of individuals",
             "ind_type=All individuals"),
    Headline("ict_specialists_share", "ICT specialists, % of total employment",
             "ai/eurostat_isoc_sks_itspt__ict_specialists.csv", "ICT specialists in employment (total)", "PC_EMP"),
)


# --------------------------------------------------------------------------- reading snapshots

def snapshot_checked_by_own_sums(root: Path | str, registry: Registry) -> Snapshot:
    """A :class:`Snapshot` of ``root`` whose checksums come from ``root/SHA256SUMS``.

    The column schemas come from ``registry``, so a file is loaded and typed
    exactly as the book would load it once the registry is regenerated.
    Registered files absent from ``SHA256SUMS`` are left out (loading them
    raises the registry's "unknown dataset" error).
    """
    root = Path(root).expanduser().resolve()
    sums = read_sha256sums(root)
    resources = {
        name: replace(resource, sha256=sums[resource.path])
        for name, resource in registry.resources.items()
        if resource.path in sums
    }
    return Snapshot(root=root, registry=Registry(path=root / "SHA256SUMS", resources=resources))


def open_snapshot(root: Path | str, registry: Registry) -> tuple[Snapshot, str]:
    """The snapshot at ``root`` and how it is verified: against the registry if it matches it, else its own sums."""
    by_registry = Snapshot(root=root, registry=registry)
    by_registry.check_root()
    if not by_registry.verify_all():
        return by_registry, f"matches the registry {registry.path}"
    return snapshot_checked_by_own_sums(root, registry), "verified against its own SHA256SUMS (not the registry)"


def resource_name_for(snapshot: Snapshot, path: str) -> str | None:
    return next((name for name, r in snapshot.registry.resources.items() if r.path == path), None)


# --------------------------------------------------------------------------- headline values

@dataclass(frozen=True)
class HeadlineValue:
    year: int
    value: float
    flag: str = ""


def headline_series(frame: pd.DataFrame, headline: Headline, geo: str, year_end: int) -> dict[int, HeadlineValue]:
    """``year -> value`` of one headline for one geography, up to ``year_end``."""
    keep = frame["indicator"].eq(headline.indicator) & frame["unit"].eq(headline.unit) & frame["geo"].eq(geo)
    if "breakdown" in frame.columns:
        breakdown = frame["breakdown"].fillna("")
        keep &= breakdown.eq(headline.breakdown or "")
    keep &= frame["year"].le(year_end) & frame["value"].notna()
    rows = frame[keep].sort_values("year")
    return {
        int(row.year): HeadlineValue(int(row.year), float(row.value), "" if pd.isna(row.flag) else str(row.flag))
        for row in rows.itertuples()
    }


@dataclass(frozen=True)
class HeadlineChange:
    headline: Headline
    geo: str
    before: HeadlineValue | None
    after: HeadlineValue | None
    # The new snapshot's value for the year that was latest before (None if that year is gone).
    revised: HeadlineValue | None

    @property
    def status(self) -> str:
        if self.before is None and self.after is None:
            return "missing"
        if self.before is None:
            return "appeared"
        if self.after is None:
            return "disappeared"
        if self.after.year > self.before.year:
            return "newer year"
        if self.after.year < self.before.year:
            return "latest year withdrawn"
        return "unchanged" if _same(self.before.value, self.after.value) else "revised"

    @property
    def moved(self) -> bool:
        return self.status not in ("unchanged", "missing")

    @property
    def change(self) -> float | None:
        """New latest value minus old latest value (percentage points for these shares)."""
        if self.before is None or self.after is None:
            return None
        return self.after.value - self.before.value

    @property
    def revision(self) -> float | None:
        """How the value of the previously latest year changed, when a newer year arrived."""
        if self.before is None or self.revised is None:
            return None
        return self.revised.value - self.before.value


def _same(a: float, b: float) -> bool:
    return math.isclose(a, b, abs_tol=TOLERANCE)


@dataclass
class DriftReport:
    old_root: Path
    new_root: Path
    old_check: str
    new_check: str
    params: ReportParams
    changes: list[HeadlineChange] = field(default_factory=list)
    unavailable: list[str] = field(default_factory=list)  # headline files one snapshot lacks
    files_added: list[str] = field(default_factory=list)
    files_removed: list[str] = field(default_factory=list)
    files_changed: list[str] = field(default_factory=list)
    files_unchanged: int = 0

    @property
    def moved(self) -> list[HeadlineChange]:
        return [c for c in self.changes if c.moved]


def _headline_frame(snapshot: Snapshot, headline: Headline) -> pd.DataFrame | None:
    name = resource_name_for(snapshot, headline.path)
    if name is None:
        return None
    return snapshot.load(name)


def compare_snapshots(old_root: Path | str, new_root: Path | str, registry: Registry,
                      params: ReportParams, headlines=HEADLINES) -> DriftReport:
    """The drift between two snapshot folders for the countries and aggregate of ``params``."""
    old, old_check = open_snapshot(old_root, registry)
    new, new_check = open_snapshot(new_root, registry)
    report = DriftReport(old.root, new.root, old_check, new_check, params)

    old_sums, new_sums = read_sha256sums(old.root), read_sha256sums(new.root)
    for label, root, sums in (("OLD", old.root, old_sums), ("NEW", new.root, new_sums)):
        damaged = [p for p, digest in sums.items() if not (root / p).is_file() or sha256_of(root / p) != digest]
        if damaged:
            raise ReportError(
                f"{label} snapshot {root}: {len(damaged)} file(s) missing or not matching its SHA256SUMS "
                f"(first: {sorted(damaged)[0]}); it cannot be compared."
            )
    report.files_added = sorted(set(new_sums) - set(old_sums))
    report.files_removed = sorted(set(old_sums) - set(new_sums))
    common = set(old_sums) & set(new_sums)
    report.files_changed = sorted(p for p in common if old_sums[p] != new_sums[p])
    report.files_unchanged = len(common) - len(report.files_changed)

    geos = [*params.countries, params.comparison_aggregate]
    for headline in headlines:
        before_frame, after_frame = _headline_frame(old, headline), _headline_frame(new, headline)
        for label, frame in (("OLD", before_frame), ("NEW", after_frame)):
            if frame is None:
                report.unavailable.append(f"{headline.label}: {headline.path} is not in the {label} snapshot.")
        for geo in geos:
            before = _series(before_frame, headline, geo, params.year_end)
            after = _series(after_frame, headline, geo, params.year_end)
            latest_before = before[max(before)] if before else None
            latest_after = after[max(after)] if after else None
            revised = after.get(latest_before.year) if latest_before else None
            report.changes.append(HeadlineChange(headline, geo, latest_before, latest_after, revised))
    return report


def _series(frame, headline, geo, year_end) -> dict[int, HeadlineValue]:
    return {} if frame is None else headline_series(frame, headline, geo, year_end)


# --------------------------------------------------------------------------- Markdown

def _value(value: HeadlineValue | None) -> str:
    if value is None:
        return "—"
    flag = f" ({value.flag})" if value.flag else ""
    return f"{value.value:.2f}{flag} in {value.year}"


def _signed(change: float | None) -> str:
    if change is None:
        return ""
    if _same(change, 0.0):
        return "±0.00"
    return f"{'+' if change > 0 else '−'}{abs(change):.2f}"


def describe_change(change: HeadlineChange) -> str:
    status = change.status
    if status == "revised":
        return f"revised {_signed(change.change)} points"
    if status == "newer year":
        text = f"newer year, {_signed(change.change)} points against {change.before.year}"
        if change.revised is None:
            text += f"; {change.before.year} no longer published"
        elif not _same(change.revised.value, change.before.value):
            text += f"; {change.before.year} revised {_signed(change.revision)} points"
        return text
    if status == "latest year withdrawn":
        return f"{change.before.year} no longer published; latest is now {change.after.year}"
    return {"appeared": "new in this snapshot", "disappeared": "no longer in the snapshot"}.get(status, status)


def _geo_name(code: str) -> str:
    try:
        return country_name(code)
    except ReportError:
        return code


def render_markdown(report: DriftReport) -> str:
    params = report.params
    lines = [
        "# Data drift between two snapshots",
        "",
        f"- OLD: `{report.old_root}` — {report.old_check}",
        f"- NEW: `{report.new_root}` — {report.new_check}",
        f"- Countries: {params.names_of(params.countries)}; comparison aggregate: "
        f"{_geo_name(params.comparison_aggregate)}; latest year considered: {params.year_end}.",
        "",
        "Values are in per cent; changes are in percentage points. Flags are Eurostat's (b = break in series, "
        "u = low reliability, e = estimated, p = provisional).",
        "",
        f"## Headline numbers that moved ({len(report.moved)} of {len(report.changes)})",
        "",
    ]
    if report.moved:
        lines += ["| headline | geography | OLD | NEW | what changed |", "|---|---|---|---|---|"]
        for change in report.moved:
            lines.append(
                f"| {change.headline.label} | {_geo_name(change.geo)} | {_value(change.before)} "
                f"| {_value(change.after)} | {describe_change(change)} |"
            )
    else:
        lines.append("None: every headline number is the same in both snapshots.")
    steady = [c for c in report.changes if c.status == "unchanged"]
    missing = [c for c in report.changes if c.status == "missing"]
    lines += ["", f"## Unchanged ({len(steady)})", ""]
    lines += [f"- {c.headline.label}, {_geo_name(c.geo)}: {_value(c.after)}" for c in steady] or ["None."]
    lines += ["", f"## Not available in either snapshot ({len(missing)})", ""]
    lines += [f"- {c.headline.label}: no value for {_geo_name(c.geo)}" for c in missing] or ["None."]
    if report.unavailable:
        lines += ["", "## Headline files missing", ""] + [f"- {text}" for text in report.unavailable]
    lines += [
        "",
        "## Files",
        "",
        f"{len(report.files_changed)} changed, {len(report.files_added)} added, {len(report.files_removed)} removed, "
        f"{report.files_unchanged} unchanged (compared by sha256).",
    ]
    for title, paths in (("Changed", report.files_changed), ("Added", report.files_added),
                         ("Removed", report.files_removed)):
        if paths:
            lines += ["", f"### {title}", ""] + [f"- `{p}`" for p in paths]
    return "\n".join(lines) + "\n"
