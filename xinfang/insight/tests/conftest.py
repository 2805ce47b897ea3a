"""Fixtures for the insight tests: small CSV writers and the shared real data (skipped when absent)."""

from __future__ import annotations

import csv
from collections.abc import Callable, Iterator, Sequence
from pathlib import Path

import pytest
from django.conf import settings
from django.utils import translation

DATA = Path(settings.BASE_DIR).parent / "shared" / "data" / "teddycup2020"


@pytest.fixture(autouse=True)
def english() -> Iterator[None]:
    """Messages are asserted in English, whatever the default language (zh-Hans) and its catalogue say."""
    with translation.override("en"):
        yield


@pytest.fixture
def write_csv(tmp_path: Path) -> Callable[..., Path]:
    """write_csv("name.csv", header, rows) → the path of a UTF-8 CSV in tmp_path."""

    def write(name: str, header: Sequence[str], rows: Sequence[Sequence[object]]) -> Path:
        path = tmp_path / name
        with path.open("w", encoding="utf-8", newline="") as handle:
            writer = csv.writer(handle)
            writer.writerow(header)
            writer.writerows(rows)
        return path

    return write


@pytest.fixture
def shared_data() -> Path:
    """The teddycup2020 folder of ../shared/data; the test is skipped, saying why, when it is not there."""
    if not (DATA / "messages_labelled.csv").is_file():
        pytest.skip(f"real data not found at {DATA} (../shared/data is not part of a fresh clone)")
    return DATA
