"""Write data/datapackage.json, the registry of the snapshot files the book uses.

The registry joins the hand-written source metadata in ``data/sources.yml``
(publisher, dataset code, official URL, licence, vintage, caveats) with what the
snapshot itself says: each file's sha256 from its ``SHA256SUMS`` and a column
schema inferred from the file. Run it when the snapshot is refreshed on purpose,
then review the diff: a changed checksum or column type is a change of data.

    python scripts/make_registry.py [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import json
import re
import sys
from pathlib import Path

import pandas as pd
import yaml

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ai_culture_report.data import default_snapshot_dir, sha256_of  # noqa: E402

_DATE = re.compile(r"^\d{4}-\d{2}-\d{2}$")


def infer_type(values: pd.Series) -> str:
    present = values.dropna()
    if present.empty:
        return "string"
    if present.isin(["True", "False"]).all():
        return "boolean"
    if present.str.fullmatch(r"-?\d+").all():
        return "integer"
    if pd.to_numeric(present, errors="coerce").notna().all():
        return "number"
    if present.str.match(_DATE).all():
        return "date"
    return "string"


def infer_schema(path: Path) -> dict:
    frame = pd.read_csv(path, dtype=str, keep_default_na=False, na_values=[""])
    return {"fields": [{"name": column, "type": infer_type(frame[column])} for column in frame.columns]}


def read_checksums(data_dir: Path) -> dict[str, str]:
    sums = {}
    for line in (data_dir / "SHA256SUMS").read_text(encoding="utf-8").splitlines():
        if line.strip():
            digest, name = line.split(maxsplit=1)
            sums[name.strip().lstrip("*")] = digest
    return sums


def build_registry(data_dir: Path, sources_path: Path) -> dict:
    sources = yaml.safe_load(sources_path.read_text(encoding="utf-8"))["resources"]
    checksums = read_checksums(data_dir)
    resources = []
    for source in sources:
        path = data_dir / source["path"]
        digest = checksums.get(source["path"])
        if digest is None:
            raise SystemExit(f"{source['path']} is not listed in {data_dir / 'SHA256SUMS'}")
        actual = sha256_of(path)
        if actual != digest:
            raise SystemExit(f"{source['path']}: SHA256SUMS says {digest}, the file is {actual}")
        licence = source.get("licence") or {}
        descriptor = {
            "name": source["name"],
            "path": source["path"],
            "title": source.get("title"),
            "format": path.suffix.lstrip("."),
            "mediatype": "text/csv" if path.suffix == ".csv" else "text/markdown",
            "encoding": "utf-8",
            "bytes": path.stat().st_size,
            "hash": f"sha256:{digest}",
            "publisher": source.get("publisher"),
            "dataset_code": source.get("dataset_code"),
            "official_url": source.get("official_url"),
            "licenses": [{"name": licence.get("id"), "title": licence.get("title"), "path": licence.get("url")}],
            "vintage": source.get("vintage"),
            "snapshot_origin": source.get("snapshot_origin"),
            "provenance": source.get("provenance"),
            "kind": source.get("kind", "statistics"),
            "caveats": source.get("caveats") or [],
        }
        if path.suffix == ".csv":
            descriptor["profile"] = "tabular-data-resource"
            descriptor["schema"] = infer_schema(path)
        resources.append(descriptor)
    return {
        "profile": "data-package",
        "name": "ai-culture-nordic-snapshot",
        "title": "Data snapshot of the report 'Can AI and culture become a Nordic area of strength?'",
        "description": "Registry of third-party files read from REPORT_DATA_DIR; the files themselves are not in this repository.",
        "resources": resources,
    }


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=None, help="snapshot directory (default: $REPORT_DATA_DIR or ../shared/data)")
    parser.add_argument("--sources", type=Path, default=REPO / "data" / "sources.yml")
    parser.add_argument("--out", type=Path, default=REPO / "data" / "datapackage.json")
    args = parser.parse_args(argv)
    data_dir = (args.data_dir or default_snapshot_dir()).resolve()
    registry = build_registry(data_dir, args.sources)
    text = json.dumps(registry, indent=2, ensure_ascii=False) + "\n"
    tmp = args.out.with_suffix(".tmp")
    tmp.write_text(text, encoding="utf-8")
    tmp.replace(args.out)
    print(f"Wrote {args.out} with {len(registry['resources'])} resources from {data_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
