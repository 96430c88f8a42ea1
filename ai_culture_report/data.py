"""The data snapshot: locate it, verify it against the registry, load tidy frames.

The snapshot (third-party statistics, copied unchanged) ships with the project
in ``data/``, beside the registry ``data/datapackage.json`` that describes it (a
Frictionless data package: every file the book uses with its sha256, its source,
its licence and its schema). ``REPORT_DATA_DIR`` selects another snapshot, such as
a refreshed one; it is checked against the same registry, and :func:`load`
refuses a file that does not match.
"""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import os
import re
from dataclasses import dataclass, field
from functools import lru_cache
from pathlib import Path

from .errors import (
    ChecksumMismatch,
    DataFileMissing,
    SchemaMismatch,
    SnapshotNotFound,
    UnknownResource,
)

REPO_ROOT = Path(__file__).resolve().parents[1]
DEFAULT_REGISTRY = REPO_ROOT / "data" / "datapackage.json"
DATA_DIR_VARIABLE = "REPORT_DATA_DIR"


def default_snapshot_dir() -> Path:
    """The snapshot directory: ``$REPORT_DATA_DIR``, or the project's own ``data/``."""
    configured = os.environ.get(DATA_DIR_VARIABLE)
    if configured:
        return Path(configured).expanduser().resolve()
    return DEFAULT_REGISTRY.parent


@dataclass(frozen=True)
class Resource:
    """One registered dataset file with its provenance and schema."""

    name: str
    path: str
    sha256: str
    title: str = ""
    publisher: str = ""
    dataset_code: str | None = None
    official_url: str | None = None
    licence: dict = field(default_factory=dict)
    licence_statement: str | None = None
    attribution: str | None = None
    vintage: str | None = None
    snapshot_origin: str | None = None
    provenance: str | None = None
    kind: str = "statistics"
    caveats: tuple[str, ...] = ()
    fields: tuple[dict, ...] = ()

    @classmethod
    def from_descriptor(cls, descriptor: dict) -> "Resource":
        licences = descriptor.get("licenses") or [{}]  # none: the publisher states no licence
        return cls(
            name=descriptor["name"],
            path=descriptor["path"],
            sha256=descriptor["hash"].removeprefix("sha256:"),
            title=descriptor.get("title", ""),
            publisher=descriptor.get("publisher", ""),
            dataset_code=descriptor.get("dataset_code"),
            official_url=descriptor.get("official_url"),
            licence=licences[0],
            licence_statement=descriptor.get("licence_statement"),
            attribution=descriptor.get("attribution"),
            vintage=descriptor.get("vintage"),
            snapshot_origin=descriptor.get("snapshot_origin"),
            provenance=descriptor.get("provenance"),
            kind=descriptor.get("kind", "statistics"),
            caveats=tuple(descriptor.get("caveats") or ()),
            fields=tuple((descriptor.get("schema") or {}).get("fields") or ()),
        )

    @property
    def licence_name(self) -> str:
        return (self.licence.get("title") or self.licence.get("name") or self.licence_statement
                or "licence not stated")

    def citation(self) -> str:
        """A one-line source note: publisher, dataset code, vintage, licence."""
        parts = [self.publisher or "Publisher not stated"]
        if self.dataset_code:
            parts[0] += f" ({self.dataset_code})"
        parts.append(self.title)
        if self.vintage:
            parts.append(f"vintage: {self.vintage}")
        parts.append(f"licence: {self.licence.get('name') or self.licence_name}")
        return "; ".join(p for p in parts if p)


@dataclass(frozen=True)
class Registry:
    """The parsed ``datapackage.json``."""

    path: Path
    resources: dict[str, Resource]

    @classmethod
    def read(cls, path: Path | str = DEFAULT_REGISTRY) -> "Registry":
        path = Path(path)
        try:
            descriptor = json.loads(path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            raise DataFileMissing(f"The dataset registry {path} does not exist.") from None
        resources = {}
        for item in descriptor.get("resources", []):
            resource = Resource.from_descriptor(item)
            resources[resource.name] = resource
        return cls(path=path, resources=resources)

    def __getitem__(self, name: str) -> Resource:
        try:
            return self.resources[name]
        except KeyError:
            known = ", ".join(sorted(self.resources))
            raise UnknownResource(
                f"No dataset named {name!r} in the registry {self.path}. Known datasets: {known}."
            ) from None


def sha256_of(path: Path) -> str:
    digest = hashlib.sha256()
    with open(path, "rb") as handle:
        for block in iter(lambda: handle.read(1 << 20), b""):
            digest.update(block)
    return digest.hexdigest()


def read_sha256sums(root: Path) -> dict[str, str]:
    """``path -> sha256`` from a snapshot's ``SHA256SUMS`` (the ``sha256sum`` format)."""
    listing = Path(root) / "SHA256SUMS"
    if not Path(root).is_dir():
        raise SnapshotNotFound(f"The snapshot folder {root} does not exist.")
    if not listing.is_file():
        raise DataFileMissing(f"The snapshot {root} has no SHA256SUMS file, so its files cannot be verified.")
    sums = {}
    for number, line in enumerate(listing.read_text(encoding="utf-8").splitlines(), start=1):
        if not line.strip():
            continue
        parts = line.split(maxsplit=1)
        if len(parts) != 2 or not re.fullmatch(r"[0-9a-f]{64}", parts[0]):
            raise DataFileMissing(f"{listing}, line {number}, is not '<sha256>  <path>': {line[:80]!r}")
        sums[parts[1].strip().lstrip("*")] = parts[0]
    return sums


def write_sha256sums(root: Path) -> dict[str, str]:
    """List every file under ``root`` (but SHA256SUMS itself) in ``root/SHA256SUMS``; return the sums."""
    sums = {}
    for path in sorted(p for p in root.rglob("*") if p.is_file()):
        relative = path.relative_to(root).as_posix()
        if relative != "SHA256SUMS":
            sums[relative] = sha256_of(path)
    text = "".join(f"{digest}  {relative}\n" for relative, digest in sorted(sums.items()))
    (root / "SHA256SUMS").write_text(text, encoding="utf-8")
    return sums


@lru_cache(maxsize=None)
def _cached_sha256(path: str, size: int, mtime_ns: int) -> str:
    # Keyed on size and mtime so a file replaced during a session is hashed again.
    return sha256_of(Path(path))


def current_sha256(path: Path) -> str:
    """SHA-256 of a file, hashed again only when its size or modification time changed."""
    stat = Path(path).stat()
    return _cached_sha256(str(path), stat.st_size, stat.st_mtime_ns)


class Snapshot:
    """A snapshot directory checked against a registry."""

    def __init__(self, root: Path | str | None = None, registry: Registry | Path | str | None = None):
        self.root = Path(root).expanduser().resolve() if root is not None else default_snapshot_dir()
        if registry is None or isinstance(registry, (str, Path)):
            registry = Registry.read(registry or DEFAULT_REGISTRY)
        self.registry = registry

    def check_root(self) -> None:
        if not self.root.is_dir():
            raise SnapshotNotFound(
                f"The data snapshot directory {self.root} does not exist. "
                f"Point {DATA_DIR_VARIABLE} at a snapshot (a folder with SHA256SUMS and the dataset folders), "
                f"or unset it to use the snapshot that ships in {DEFAULT_REGISTRY.parent}."
            )

    def resource(self, name: str) -> Resource:
        return self.registry[name]

    def verified_path(self, name: str) -> Path:
        """The path of a registered file after checking that it exists and matches its checksum."""
        self.check_root()
        resource = self.resource(name)
        path = self.root / resource.path
        if not path.is_file():
            raise DataFileMissing(
                f"Dataset {name!r}: the file {resource.path} is missing from the snapshot {self.root}."
            )
        actual = current_sha256(path)
        if actual != resource.sha256:
            raise ChecksumMismatch(
                f"Dataset {name!r}: {path} does not match the registry.\n"
                f"  expected sha256 {resource.sha256}\n  actual   sha256 {actual}\n"
                "The snapshot changed. If this is a deliberate refresh, regenerate the registry "
                "(python scripts/make_registry.py) and review what moved."
            )
        return path

    def load(self, name: str) -> pd.DataFrame:
        """Read a registered CSV file, verified and typed by its schema."""
        import pandas as pd  # imported here so checking checksums stays fast

        resource = self.resource(name)
        path = self.verified_path(name)
        try:
            frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
        except (pd.errors.ParserError, UnicodeDecodeError) as error:
            raise SchemaMismatch(f"Dataset {name!r}: {path} is not a readable CSV file ({error}).") from None
        return apply_schema(frame, resource.fields, label=f"Dataset {name!r} ({resource.path})")

    def verify_all(self) -> list[str]:
        """Check every registered file; return one message per problem (empty when all is well)."""
        problems = []
        for name in sorted(self.registry.resources):
            try:
                self.verified_path(name)
            except SnapshotNotFound as error:
                return [str(error)]
            except (DataFileMissing, ChecksumMismatch) as error:
                problems.append(str(error))
        return problems

    def checksums(self) -> dict[str, str]:
        return {name: res.sha256 for name, res in sorted(self.registry.resources.items())}


# Frictionless types the tidy files use, by the pandas type they are read as (Frictionless names years "year").
_INTEGER_TYPES = {"integer", "year"}
_TRUE = {"true", "True", "TRUE", "1"}
_FALSE = {"false", "False", "FALSE", "0"}


def apply_schema(frame: pd.DataFrame, fields: tuple[dict, ...] | list[dict], label: str) -> pd.DataFrame:
    """Check that every schema column exists and parses as its type; return the typed frame."""
    import pandas as pd

    missing = [f["name"] for f in fields if f["name"] not in frame.columns]
    if missing:
        raise SchemaMismatch(
            f"{label}: missing column(s) {', '.join(missing)}; the file has {', '.join(frame.columns)}."
        )
    typed = frame.copy()
    for spec in fields:
        column, kind = spec["name"], spec.get("type", "string")
        raw = frame[column]
        present = raw.notna()
        kind = "integer" if kind in _INTEGER_TYPES else kind
        if kind in ("integer", "number"):
            parsed = pd.to_numeric(raw, errors="coerce")
            bad = present & parsed.isna()
            if kind == "integer":
                bad |= present & parsed.notna() & (parsed % 1 != 0)
            if bad.any():
                _raise_type_error(label, column, kind, raw, bad)
            typed[column] = parsed.astype("Int64") if kind == "integer" else parsed.astype(float)
        elif kind == "boolean":
            bad = present & ~raw.isin(_TRUE | _FALSE)
            if bad.any():
                _raise_type_error(label, column, kind, raw, bad)
            typed[column] = raw.map(lambda v: v in _TRUE if isinstance(v, str) else pd.NA).astype("boolean")
        elif kind == "date":
            parsed = pd.to_datetime(raw, errors="coerce", format="ISO8601")
            bad = present & parsed.isna()
            if bad.any():
                _raise_type_error(label, column, kind, raw, bad)
            typed[column] = parsed
        else:
            typed[column] = raw.astype("string")
    return typed


def _raise_type_error(label, column, kind, raw, bad) -> None:
    first = bad.idxmax()
    raise SchemaMismatch(
        f"{label}: column {column!r} should hold {kind} values, but {int(bad.sum())} do not "
        f"(first at data row {first + 1}: {raw[first]!r})."
    )


def expand_breakdown(frame: pd.DataFrame, column: str = "breakdown") -> pd.DataFrame:
    """Unpack ``key=value;key=value`` breakdowns into one column per key."""
    import pandas as pd

    def parse(text) -> dict:
        if not isinstance(text, str) or not text:
            return {}
        pairs = (item.split("=", 1) for item in text.split(";") if "=" in item)
        return {key.strip(): value.strip() for key, value in pairs}

    parsed = pd.DataFrame([parse(v) for v in frame[column]], index=frame.index)
    return frame.join(parsed.astype("string"))


@lru_cache(maxsize=1)
def default_snapshot() -> Snapshot:
    return Snapshot()


# How the registry dates the snapshot itself (not the sources' own vintages): the snapshot it was
# written for ("data snapshot of 2026-11-26"), and later additions ("provenance/additions_2026-12.md").
_SNAPSHOT_OF = re.compile(r"snapshot of (\d{4}-\d{2}-\d{2})")
_ADDITIONS_OF = re.compile(r"additions_(\d{4})-(\d{2})\b")


def snapshot_date(registry: "Registry | None" = None) -> _dt.date:
    """The date of the data snapshot: the latest date on which the registry says it was assembled
    (an addition dated only to the month counts from the first day of that month)."""
    registry = registry or Registry.read()
    dates = []
    for item in registry.resources.values():
        dates += [_dt.date.fromisoformat(d) for d in _SNAPSHOT_OF.findall(item.snapshot_origin or "")]
        dates += [_dt.date(int(y), int(m), 1) for y, m in _ADDITIONS_OF.findall(item.provenance or "")]
    if not dates:
        raise DataFileMissing(f"The registry {registry.path} does not date the snapshot.")
    return max(dates)


def load(name: str) -> pd.DataFrame:
    """Load a registered dataset from the default snapshot."""
    return default_snapshot().load(name)


def resource(name: str) -> Resource:
    return default_snapshot().resource(name)


def source_origin(found_at: str) -> str:
    """The copy a row came from (``owner/repo@commit`` or the page), without the file path."""
    text = str(found_at).removeprefix("github:")
    head = text.split(" ", 1)[0]
    if "@" in head:
        return head.split(":", 1)[0]
    return head


def vintage_segments(frame: pd.DataFrame) -> pd.Series:
    """Label each row with the data vintage it belongs to, as ``first–last year``.

    Rows copied from different database states (different ``found_at`` origins)
    must never be joined into one line; the label names the years each covers.
    """
    origins = frame["found_at"].map(source_origin)
    spans = frame.groupby(origins)["year"].agg(["min", "max"])
    labels = {origin: f"{int(row['min'])}–{int(row['max'])}" for origin, row in spans.iterrows()}
    return origins.map(labels).astype("string")
