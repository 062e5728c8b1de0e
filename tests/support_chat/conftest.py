"""Synthetic labelled CSVs and a model folder of the test's own (the embedder is MiniLM)."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from support_chat import selectors

# Three intents of a small shop, eight phrasings each (English: the test embedder's language).
INTENTS = {
    "track": [
        "where is my parcel",
        "has my order shipped yet",
        "track my package please",
        "when will my delivery arrive",
        "my order has not arrived",
        "what is the tracking number of my order",
        "is my parcel out for delivery",
        "status of my shipment",
    ],
    "refund": [
        "i want my money back",
        "how do i get a refund",
        "refund my purchase please",
        "can i return this for a refund",
        "the refund has not reached my card",
        "when will you refund me",
        "i would like a refund for the broken item",
        "please give me a refund",
    ],
    "greet": [
        "hello there",
        "hi",
        "good morning",
        "hey how are you",
        "good evening",
        "hi there friend",
        "hello, nice to meet you",
        "greetings",
    ],
}
FAR_AWAY = "the mitochondria is the powerhouse of the cell in eukaryotic biology"


def write_csv(path: Path, rows: list[tuple[str, str]], header=("text", "intent")) -> Path:
    with path.open("w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(header)
        writer.writerows(rows)
    return path


@pytest.fixture
def train_rows() -> list[tuple[str, str]]:
    return [(text, label) for label, texts in INTENTS.items() for text in texts]


@pytest.fixture(autouse=True)
def model_dir(settings, tmp_path):
    """Versions go under the test's folder; the active version is looked up at every call."""
    settings.LLM_MODEL_DIR = tmp_path / "models"
    settings.LLM_MODEL_VERSIONS = True
    settings.LLM_VERSION_CHECK_SECONDS = 0.0
    selectors.reset_intent_classifier()
    yield settings.LLM_MODEL_DIR
    selectors.reset_intent_classifier()
