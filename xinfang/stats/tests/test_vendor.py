"""Apache ECharts is pinned in package.json and served by the app (no CDN: government intranets are offline)."""

from __future__ import annotations

import json
import re
from pathlib import Path

from django.contrib.staticfiles import finders

ROOT = Path(__file__).resolve().parents[3]


def test_echarts_is_vendored_at_the_pinned_version_with_its_licence() -> None:
    version = json.loads((ROOT / "package.json").read_text())["devDependencies"]["echarts"]
    assert re.fullmatch(r"\d+\.\d+\.\d+", version), "an exact version, not a range"
    found = finders.find(f"vendor/echarts/{version}/echarts.min.js")
    assert found, f"run `make vendor`: xinfang/core/static/vendor/echarts/{version}/echarts.min.js is missing"
    text = Path(str(found)).read_text(encoding="utf-8")
    assert f'version="{version}"' in text or f'version:"{version}"' in text
    assert "Apache License" in (Path(str(found)).parent / "LICENSE").read_text()
    lock = json.loads((ROOT / "package-lock.json").read_text())
    assert lock["packages"]["node_modules/echarts"]["version"] == version


def test_pages_load_the_pinned_echarts() -> None:
    version = json.loads((ROOT / "package.json").read_text())["devDependencies"]["echarts"]
    for template in ("stats/templates/stats/dashboard.html", "workbench/templates/workbench/desk.html"):
        text = (ROOT / "xinfang" / template).read_text()
        assert f"vendor/echarts/{version}/echarts.min.js" in text, template
