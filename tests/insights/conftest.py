"""Synthetic English reviews (the test embedder is MiniLM) and a model folder per test."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from insights import selectors

PRODUCTS = ["kettle", "backpack", "desk lamp", "phone case", "running shoes"]
POSITIVE = [
    "I love this {}, it works perfectly",
    "Excellent {}, great quality and fast delivery",
    "The best {} I have ever bought, highly recommended",
    "Wonderful {}, my family is delighted with it",
    "Great value, this {} is fantastic",
    "Very happy with the {}, beautiful and sturdy",
]
NEGATIVE = [
    "Terrible {}, it broke after one day",
    "I hate this {}, awful quality and a waste of money",
    "The worst {} I have ever bought, do not buy it",
    "Disappointing {}, it stopped working and support ignored me",
    "Cheap rubbish, this {} is useless",
    "Very unhappy with the {}, flimsy and ugly",
]


def reviews(templates: list[str]) -> list[str]:
    return [template.format(product) for template in templates for product in PRODUCTS]


def write_csv(path: Path, rows: list[tuple[object, ...]], header=("text", "label")) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def binary_rows() -> list[tuple[str, int]]:
    """60 reviews: 30 positive (1), 30 negative (0), interleaved."""
    pairs = zip(reviews(POSITIVE), reviews(NEGATIVE), strict=True)
    return [row for positive, negative in pairs for row in ((positive, 1), (negative, 0))]


@pytest.fixture(autouse=True)
def model_dir(settings, tmp_path):
    """Versions go under the test's folder; the active version is looked up at every call."""
    settings.LLM_MODEL_DIR = tmp_path / "models"
    settings.LLM_MODEL_VERSIONS = True
    settings.LLM_VERSION_CHECK_SECONDS = 0.0
    selectors.reset_sentiment_head()
    yield settings.LLM_MODEL_DIR
    selectors.reset_sentiment_head()
