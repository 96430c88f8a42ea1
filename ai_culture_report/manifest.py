"""The run manifest: what exactly a built book was made from, for the reproducibility page."""

from __future__ import annotations

import datetime as _dt
import hashlib
import json
import platform
import subprocess
from importlib import metadata
from pathlib import Path

from .data import REPO_ROOT, Snapshot
from .params import ReportParams

KEY_PACKAGES = ["jupyter-book", "sphinx", "myst-nb", "papermill", "nbval", "altair", "vl-convert-python",
                "pandas", "numpy", "scikit-learn", "networkx", "pycountry"]


def git_commit(repo: Path = REPO_ROOT) -> str:
    try:
        commit = subprocess.run(["git", "rev-parse", "HEAD"], cwd=repo, capture_output=True, text=True,
                                check=True).stdout.strip()
        dirty = subprocess.run(["git", "status", "--porcelain", "--untracked-files=no"], cwd=repo,
                               capture_output=True, text=True, check=True).stdout.strip()
    except (OSError, subprocess.CalledProcessError):
        return "not a git checkout"
    return f"{commit} (with uncommitted changes)" if dirty else commit


def package_versions() -> dict[str, str]:
    versions = {"python": platform.python_version()}
    for name in KEY_PACKAGES:
        try:
            versions[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            versions[name] = "not installed"
    return versions


def build_manifest(params_path: Path, params: ReportParams, snapshot: Snapshot, repo: Path = REPO_ROOT) -> dict:
    lock = repo / "requirements.txt"
    return {
        "parameter_file": params_path.name,
        "parameters": params.as_dict(),
        "git_commit": git_commit(repo),
        "lock_file_sha256": hashlib.sha256(lock.read_bytes()).hexdigest() if lock.exists() else "no lock file",
        "snapshot_checksums": snapshot.checksums(),
        "packages": package_versions(),
    }


def write_manifest(stage: Path, manifest: dict) -> None:
    """Write the manifest and its Markdown rendering into the stage.

    The build date is the date the manifest's content last changed, so a rebuild
    with nothing changed leaves the page (and the HTML) untouched.
    """
    path = stage / "appendix" / "run-manifest.json"
    path.parent.mkdir(parents=True, exist_ok=True)
    previous = json.loads(path.read_text()) if path.exists() else {}
    built = previous.get("build_date") if {k: v for k, v in previous.items() if k != "build_date"} == manifest else None
    manifest = {**manifest, "build_date": built or _dt.date.today().isoformat()}
    text = json.dumps(manifest, indent=1, sort_keys=True) + "\n"
    if not path.exists() or path.read_text() != text:
        path.write_text(text)
    markdown = render_markdown(manifest)
    include = stage / "appendix" / "_manifest.md"
    if not include.exists() or include.read_text() != markdown:
        include.write_text(markdown)


def render_markdown(manifest: dict) -> str:
    params = manifest["parameters"]
    lines = [
        "| | |", "|---|---|",
        f"| Parameter file | `params/{manifest['parameter_file']}` |",
        f"| Countries | {', '.join(params['countries'])} |",
        f"| Region | {params['region_name']} |",
        f"| Comparison aggregate | {params['comparison_aggregate']} |",
        f"| Years | {params['year_start']}–{params['year_end']} |",
        f"| Git commit | `{manifest['git_commit']}` |",
        f"| Lock file (requirements.txt) sha256 | `{manifest['lock_file_sha256']}` |",
        f"| Built on | {manifest['build_date']} |",
        "", "**Package versions**", "", "| package | version |", "|---|---|",
    ]
    lines += [f"| {name} | {version} |" for name, version in manifest["packages"].items()]
    lines += ["", "**Data snapshot checksums (sha256)**", "", "| dataset | sha256 |", "|---|---|"]
    lines += [f"| `{name}` | `{digest}` |" for name, digest in manifest["snapshot_checksums"].items()]
    return "\n".join(lines) + "\n"
