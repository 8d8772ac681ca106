"""Zip the WordPress plugin into an installable archive (make wordpress-plugin)."""

import sys
import zipfile
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PLUGIN = ROOT / "integrations" / "wordpress" / "petition-widget"


def build(target):
    """Write the plugin, under its own folder name, into a zip at target; return its files."""
    target.parent.mkdir(parents=True, exist_ok=True)
    files = sorted(path for path in PLUGIN.rglob("*") if path.is_file())
    with zipfile.ZipFile(target, "w", zipfile.ZIP_DEFLATED) as archive:
        for path in files:
            archive.write(path, Path(PLUGIN.name) / path.relative_to(PLUGIN))
    return files


if __name__ == "__main__":
    target = Path(sys.argv[1] if len(sys.argv) > 1 else ROOT / "dist" / "petition-widget.zip")
    print(f"Wrote {target} ({len(build(target))} files)")
