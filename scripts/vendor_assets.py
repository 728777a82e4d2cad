#!/usr/bin/env python3
"""Put the page assets in place: web/common/static/vendor/<name>/, with a MANIFEST.json that
records each package's name, version, licence, source and the sha256 of every file.

The product runs on intranets with no internet, so every script, style sheet, font and worker a
page loads is served by the product itself (never a CDN). Assets come from well-kept packages:
npm packages fetched with ``npm pack`` (the ordinary client, exact versions below), and two PyPI
packages that already ship the asset (django-htmx's bundled htmx, drf-spectacular-sidecar's
Swagger UI), which are recorded here but served from their own package's static folder.

    python scripts/vendor_assets.py          # fetch and (re)write the vendored files
    python scripts/vendor_assets.py --check  # verify the files against MANIFEST.json (no network)

To upgrade: change a version below, run the script, run the browser tests, commit the result.
"""

from __future__ import annotations

import argparse
import hashlib
import json
import shutil
import subprocess
import sys
import tarfile
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
VENDOR = ROOT / "web" / "common" / "static" / "vendor"
MANIFEST = VENDOR / "MANIFEST.json"

# name, exact version, licence (SPDX), what we copy: {path in the package: path under vendor/<name>/}
# A trailing "/" copies a whole folder.
NPM_PACKAGES = [
    {
        "name": "bootstrap",
        "version": "5.3.8",
        "license": "MIT",
        "files": {
            "dist/css/bootstrap.min.css": "bootstrap.min.css",
            "dist/js/bootstrap.bundle.min.js": "bootstrap.bundle.min.js",
            "LICENSE": "LICENSE",
        },
    },
    {
        "name": "bootstrap-icons",
        "version": "1.13.2",
        "license": "MIT",
        "files": {
            "font/bootstrap-icons.min.css": "bootstrap-icons.min.css",
            "font/fonts/bootstrap-icons.woff2": "fonts/bootstrap-icons.woff2",
            "font/fonts/bootstrap-icons.woff": "fonts/bootstrap-icons.woff",
            "LICENSE": "LICENSE",
        },
    },
    {
        "name": "echarts",
        "version": "6.1.0",
        "license": "Apache-2.0",
        "files": {"dist/echarts.min.js": "echarts.min.js", "LICENSE": "LICENSE"},
    },
    {
        "name": "pdfjs-dist",
        "version": "6.5.438",
        "license": "Apache-2.0",
        "files": {
            "build/pdf.min.mjs": "build/pdf.min.mjs",
            "build/pdf.worker.min.mjs": "build/pdf.worker.min.mjs",
            # Chinese PDFs need the CJK character maps; fonts a PDF does not embed need these.
            "cmaps/": "cmaps/",
            "standard_fonts/": "standard_fonts/",
            "LICENSE": "LICENSE",
        },
    },
    {
        "name": "axe-core",
        "version": "4.14.1",
        "license": "MPL-2.0",
        "files": {"axe.min.js": "axe.min.js", "LICENSE": "LICENSE"},
    },
]

# Assets that a pinned PyPI package ships and serves from its own static folder (requirements.txt
# pins the version; this list only records them in one place with their licence).
PYPI_ASSETS = [
    {
        "name": "htmx.org (bundled by django-htmx)",
        "package": "django-htmx",
        "asset_version": "2.0.10",
        "license": "0BSD (htmx), MIT (django-htmx)",
        "static": ["django_htmx/htmx-2.min.js"],
    },
    {
        "name": "swagger-ui-dist (bundled by drf-spectacular-sidecar)",
        "package": "drf-spectacular-sidecar",
        "license": "Apache-2.0 (Swagger UI), BSD-3-Clause (sidecar)",
        "static": ["drf_spectacular_sidecar/swagger-ui-dist/swagger-ui-bundle.js"],
    },
]


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _pypi_version(package: str) -> str:
    from importlib.metadata import version

    return version(package)


def _copy(package_root: Path, source: str, target: Path) -> list[Path]:
    src = package_root / source
    if source.endswith("/"):
        shutil.copytree(src, target, dirs_exist_ok=True)
        return sorted(p for p in target.rglob("*") if p.is_file())
    target.parent.mkdir(parents=True, exist_ok=True)
    shutil.copyfile(src, target)
    return [target]


def vendor() -> None:
    if shutil.which("npm") is None:
        sys.exit("npm is needed to fetch the assets (apt-get install npm).")
    manifest = {"npm": [], "pypi": []}
    with tempfile.TemporaryDirectory() as tmp:
        for spec in NPM_PACKAGES:
            name, version = spec["name"], spec["version"]
            out = (
                subprocess.run(
                    ["npm", "pack", "--silent", f"{name}@{version}"],
                    cwd=tmp,
                    check=True,
                    capture_output=True,
                    text=True,
                )
                .stdout.strip()
                .splitlines()[-1]
            )
            unpacked = Path(tmp) / name
            unpacked.mkdir()
            with tarfile.open(Path(tmp) / out) as tar:
                tar.extractall(unpacked, filter="data")
            package_root = unpacked / "package"
            declared = json.loads((package_root / "package.json").read_text())
            assert declared["version"] == version, (name, declared["version"])
            target_root = VENDOR / name
            shutil.rmtree(target_root, ignore_errors=True)
            files = []
            for source, target in spec["files"].items():
                files += _copy(package_root, source, target_root / target)
            manifest["npm"].append(
                {
                    "name": name,
                    "version": version,
                    "license": spec["license"],
                    "declared_license": declared.get("license"),
                    "source": f"npm pack {name}@{version}",
                    "files": {str(p.relative_to(VENDOR)): _sha256(p) for p in files},
                }
            )
            print(f"{name} {version}: {len(files)} files")
    for spec in PYPI_ASSETS:
        manifest["pypi"].append({**spec, "version": _pypi_version(spec["package"])})
    MANIFEST.write_text(json.dumps(manifest, indent=2, ensure_ascii=False) + "\n")
    print(f"wrote {MANIFEST.relative_to(ROOT)}")


def check() -> int:
    """Every file listed is present with its recorded hash; nothing unlisted is in vendor/."""
    manifest = json.loads(MANIFEST.read_text())
    listed = {}
    for spec in manifest["npm"]:
        listed.update(spec["files"])
    problems = []
    for rel, digest in listed.items():
        path = VENDOR / rel
        if not path.is_file():
            problems.append(f"missing: {rel}")
        elif _sha256(path) != digest:
            problems.append(f"changed: {rel}")
    present = {str(p.relative_to(VENDOR)) for p in VENDOR.rglob("*") if p.is_file()}
    for rel in sorted(present - set(listed) - {"MANIFEST.json"}):
        problems.append(f"not in the manifest: {rel}")
    for line in problems:
        print(line)
    return 1 if problems else 0


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--check", action="store_true")
    args = parser.parse_args()
    sys.exit(check() if args.check else vendor())
