"""Describe a snapshot as a Frictionless data package: the registry ``data/datapackage.json``.

The hand-written metadata of each file (``data/sources.yml``) is joined with
what the snapshot says about itself: the sha256 listed in its ``SHA256SUMS``
(checked against the file) and a column schema that the Frictionless framework
describes from the whole file. The same metadata gives the licence table of
``data/README.md``, so the two cannot disagree.
"""

from __future__ import annotations

import json
from pathlib import Path

import yaml

from .data import read_sha256sums, sha256_of

README_START = "<!-- licence table: written by scripts/make_registry.py -->"
README_END = "<!-- end of licence table -->"
NO_LICENCE = "The publisher states no licence."
MEDIATYPES = {".csv": "text/csv", ".md": "text/markdown", ".json": "application/json"}


def describe_schema(path: Path) -> dict:
    """Column names and types of a CSV file, as Frictionless infers them from every row."""
    from frictionless import Detector, Resource, formats

    resource = Resource(str(path), control=formats.CsvControl(delimiter=","),
                        detector=Detector(sample_size=10**9, field_confidence=1.0))
    resource.infer()
    # A column empty in every row is text by the tidy files' convention, not Frictionless's "any".
    return {"fields": [{"name": f.name, "type": "string" if f.type == "any" else f.type}
                       for f in resource.schema.fields]}


def licence_descriptor(licence: dict | None) -> dict | None:
    """A Frictionless licence (needs a name or a path), or None when the publisher states none."""
    licence = licence or {}
    descriptor = {key: licence[source] for key, source in (("name", "id"), ("path", "url"), ("title", "title"))
                  if licence.get(source)}
    return descriptor if ("name" in descriptor or "path" in descriptor) else None


def attribution(source: dict, templates: dict) -> str:
    """What a reuser must write to credit the file: its own line, or its licence's template."""
    if source.get("attribution"):
        return source["attribution"]
    licence_id = (source.get("licence") or {}).get("id")
    template = templates.get(licence_id or "none")
    if template is None:
        raise ValueError(f"{source['name']}: no attribution and no template for licence {licence_id!r} in sources.yml")
    code = f" ({source['dataset_code']})" if source.get("dataset_code") else ""
    return template.format(source=f"{source['publisher']}{code}")


def resource_descriptor(source: dict, data_dir: Path, digest: str, templates: dict) -> dict:
    path = data_dir / source["path"]
    descriptor = {
        "name": source["name"],
        "path": source["path"],
        "title": source.get("title"),
        "format": path.suffix.lstrip("."),
        "mediatype": MEDIATYPES[path.suffix],
        "encoding": "utf-8",
        "bytes": path.stat().st_size,
        "hash": f"sha256:{digest}",
        "publisher": source.get("publisher"),
        "dataset_code": source.get("dataset_code"),
        "official_url": source.get("official_url"),
        "vintage": source.get("vintage"),
        "snapshot_origin": source.get("snapshot_origin"),
        "provenance": source.get("provenance"),
        "kind": source.get("kind", "statistics"),
        "attribution": attribution(source, templates),
        "caveats": source.get("caveats") or [],
    }
    licence = licence_descriptor(source.get("licence"))
    if licence:
        descriptor["licenses"] = [licence]
    else:  # Frictionless wants a name or a path; say in words what the publisher says, or that it says nothing
        descriptor["licence_statement"] = (source.get("licence") or {}).get("title") or NO_LICENCE
    if path.suffix == ".csv":
        descriptor["profile"] = "tabular-data-resource"
        descriptor["dialect"] = {"delimiter": ","}
        descriptor["schema"] = describe_schema(path)
    # Frictionless rejects null properties: an unknown value is left out, and sources.yml says why.
    return {key: value for key, value in descriptor.items() if value is not None}


def build_registry(data_dir: Path, sources_path: Path) -> dict:
    document = yaml.safe_load(sources_path.read_text(encoding="utf-8"))
    templates = document.get("attribution_templates") or {}
    checksums = read_sha256sums(data_dir)
    resources = []
    for source in sorted(document["resources"], key=lambda s: s["path"]):
        digest = checksums.get(source["path"])
        if digest is None:
            raise ValueError(f"{source['path']} is not listed in {data_dir / 'SHA256SUMS'}")
        actual = sha256_of(data_dir / source["path"])
        if actual != digest:
            raise ValueError(f"{source['path']}: SHA256SUMS says {digest}, the file is {actual}")
        resources.append(resource_descriptor(source, data_dir, digest, templates))
    return {
        "profile": "data-package",
        "name": "ai-culture-nordic-snapshot",
        "title": "Data snapshot of the report 'Can AI and culture become a Nordic area of strength?'",
        "description": "Third-party files copied unchanged into the report's data/ folder, with their sources, "
                       "licences, checksums and schemas. REPORT_DATA_DIR may select another snapshot, which is "
                       "checked against this registry.",
        "resources": resources,
    }


def licence_table(registry: dict) -> str:
    """The Markdown table of what each file's licence asks of a reuser."""
    rows = ["| file | publisher | licence | how to credit it |", "|---|---|---|---|"]
    for resource in registry["resources"]:
        licences = resource.get("licenses")
        licence = (licences[0].get("title") or licences[0].get("name")) if licences else \
            f"**not stated**: {resource['licence_statement']}"
        cells = [f"`{resource['path']}`", resource.get("publisher", ""), licence, resource["attribution"]]
        rows.append("| " + " | ".join(c.replace("|", "/").replace("\n", " ") for c in cells) + " |")
    return "\n".join(rows)


def unstated_licences(registry: dict) -> list[str]:
    return [r["path"] for r in registry["resources"] if not r.get("licenses")]


def readme_with_table(readme: str, registry: dict) -> str:
    """The README with its licence table (between the two markers) rewritten from the registry."""
    if README_START not in readme or README_END not in readme:
        raise ValueError(f"the data README lacks the markers {README_START!r} and {README_END!r}")
    head, rest = readme.split(README_START, 1)
    _, tail = rest.split(README_END, 1)
    unstated = ", ".join(f"`{p}`" for p in unstated_licences(registry)) or "none"
    body = f"{licence_table(registry)}\n\nFiles whose publisher states no licence: {unstated}."
    return f"{head}{README_START}\n{body}\n{README_END}{tail}"


def _write_atomically(path: Path, text: str) -> None:
    tmp = path.with_name(path.name + ".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(path)


def write_registry(data_dir: Path, sources_path: Path, out: Path, readme: Path | None = None) -> dict:
    """Describe ``data_dir`` into ``out`` (and the licence table into ``readme``); return the registry."""
    registry = build_registry(data_dir, sources_path)
    _write_atomically(out, json.dumps(registry, indent=2, ensure_ascii=False) + "\n")
    if readme is not None and readme.exists():
        _write_atomically(readme, readme_with_table(readme.read_text(encoding="utf-8"), registry))
    return registry


def validate_package(descriptor: Path):
    """The Frictionless validation report of the package and the files beside it (what the CLI prints)."""
    from frictionless import validate

    return validate(str(Path(descriptor).resolve()))

REFRESH_NOTES = {"PROVENANCE.md": "provenance/latest_refresh.md", "provenance.json": "provenance/latest_refresh.json"}


def adopt_snapshot(new: Path, data_dir: Path, sources_path: Path, add: tuple[str, ...] = (),
                   progress=print) -> dict:
    """Copy a refreshed snapshot's files over ``data_dir`` and regenerate the registry and README table.

    Files already in ``data_dir/SHA256SUMS`` are taken from ``new`` (``add`` names new ones to take
    too); the refresh's own provenance notes become ``provenance/latest_refresh.*``. Everything is
    assembled and described in a staging copy first, so a failure leaves ``data_dir`` as it was.
    Returns ``{path: "changed" | "added" | "unchanged"}``.
    """
    import shutil
    import tempfile

    new, data_dir = Path(new).resolve(), Path(data_dir).resolve()
    new_sums, current_sums = read_sha256sums(new), read_sha256sums(data_dir)
    wanted = sorted(set(current_sums) | set(add))
    missing = [p for p in wanted if p not in new_sums and p not in current_sums]
    if missing:
        raise ValueError(f"not in {new / 'SHA256SUMS'}: {', '.join(missing)}")
    staging = Path(tempfile.mkdtemp(prefix=".adopt-", dir=data_dir.parent))
    try:
        shutil.copytree(data_dir, staging, dirs_exist_ok=True)
        outcome, sums = {}, dict(current_sums)
        for relative in wanted:
            if relative not in new_sums:
                outcome[relative] = "unchanged"  # kept: the new snapshot does not carry it
                continue
            source = new / relative
            if sha256_of(source) != new_sums[relative]:
                raise ValueError(f"{source} does not match {new / 'SHA256SUMS'}; nothing was adopted")
            outcome[relative] = ("added" if relative not in current_sums else
                                 "unchanged" if current_sums[relative] == new_sums[relative] else "changed")
            (staging / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(source, staging / relative)
            sums[relative] = new_sums[relative]
        for note, relative in REFRESH_NOTES.items():
            if (new / note).is_file():
                (staging / relative).parent.mkdir(parents=True, exist_ok=True)
                shutil.copy2(new / note, staging / relative)
                sums[relative] = sha256_of(staging / relative)
                outcome[relative] = "changed" if relative in current_sums else "added"
        (staging / "SHA256SUMS").write_text("".join(f"{d}  {p}\n" for p, d in sorted(sums.items())), encoding="utf-8")
        progress(f"describing the adopted snapshot ({len(sums)} files)…")
        write_registry(staging, sources_path, staging / "datapackage.json", staging / "README.md")
        for relative in [p for p, state in outcome.items() if state != "unchanged"] + \
                ["SHA256SUMS", "datapackage.json", "README.md"]:
            (data_dir / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copy2(staging / relative, data_dir / relative)
    finally:
        shutil.rmtree(staging, ignore_errors=True)
    return outcome
