"""Write data/datapackage.json, the Frictionless registry of the snapshot files the book uses.

The registry joins the hand-written source metadata in ``data/sources.yml``
(publisher, dataset code, official URL, licence, attribution, vintage, caveats)
with what the snapshot itself says: each file's sha256 from its ``SHA256SUMS`` and
a column schema described by the Frictionless framework. It also rewrites the
licence table of ``data/README.md``. Run it when the snapshot changes on purpose
(``scripts/fetch_data.py --adopt`` does), then review the diff: a changed checksum
or column type is a change of data.

    python scripts/make_registry.py [--data-dir DIR]
"""

from __future__ import annotations

import argparse
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from ai_culture_report.registry import write_registry  # noqa: E402


def main(argv=None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--data-dir", type=Path, default=REPO / "data",
                        help="snapshot whose files are described (default: the project's data/)")
    parser.add_argument("--sources", type=Path, default=REPO / "data" / "sources.yml")
    parser.add_argument("--out", type=Path, default=REPO / "data" / "datapackage.json")
    parser.add_argument("--readme", type=Path, default=REPO / "data" / "README.md",
                        help="README whose licence table is regenerated")
    args = parser.parse_args(argv)
    try:
        registry = write_registry(args.data_dir.resolve(), args.sources, args.out, args.readme)
    except ValueError as error:
        print(f"error: {error}", file=sys.stderr)
        return 2
    print(f"Wrote {args.out} with {len(registry['resources'])} resources from {args.data_dir}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
