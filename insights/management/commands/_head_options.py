"""The options train_sentiment and eval_sentiment share: how reviews are embedded and how
strongly the head is regularised."""

from __future__ import annotations

from typing import Any

from django.core.management.base import CommandError

from insights.sentiment import DEFAULT_C, DEFAULT_CHUNK_SIZE


def add_head_arguments(parser: Any) -> None:
    parser.add_argument(
        "--chunk-size",
        type=int,
        default=DEFAULT_CHUNK_SIZE,
        help=f"Reviews embedded per call (default {DEFAULT_CHUNK_SIZE}).",
    )
    parser.add_argument(
        "--c",
        type=float,
        default=DEFAULT_C,
        help=f"The head's inverse regularisation strength (default {DEFAULT_C}).",
    )


def check_head_options(options: dict[str, Any]) -> None:
    if options["chunk_size"] < 1:
        raise CommandError("--chunk-size must be at least 1.")
