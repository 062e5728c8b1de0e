"""A small shop with a history that has structure, and a recommender trained on it.

Running shoes and socks: eight customers each view, put in the cart and buy the Trail Runner
with the Wool Socks in one session (so they are "bought together"); four of them then view the
Road Racer and next the Track Spike (a transition); four view the Frying Pan and next the
Kettle. Product vectors are stubbed by category (one vector store, as search would give).
"""

from __future__ import annotations

from datetime import timedelta

import numpy as np
import pytest
from django.utils import timezone

from recommend import artifacts
from recommend.searches import reset_search_cache
from search.selectors import ProductVectors
from shop.interactions.models import Interaction
from tests.factories import (
    CategoryFactory,
    CategoryTranslationFactory,
    InteractionFactory,
    ProductFactory,
    ProductTranslationFactory,
    UserFactory,
)


@pytest.fixture(autouse=True)
def model_dir(settings, tmp_path):
    """Versions are written under LLM_MODEL_DIR/versions: keep them in the tmp folder."""
    settings.LLM_MODEL_DIR = tmp_path / "models"
    # The active version is looked up like the llm aliases' (off by default under tests);
    # at every request, since activations' on_commit never runs inside a test transaction.
    settings.LLM_MODEL_VERSIONS = True
    settings.LLM_VERSION_CHECK_SECONDS = 0.0
    artifacts.reset_active_recommender()
    reset_search_cache()
    yield settings.LLM_MODEL_DIR
    artifacts.reset_active_recommender()
    reset_search_cache()


class Shop:
    def __init__(self) -> None:
        self.running = CategoryFactory(name="Running", slug="running")
        self.socks = CategoryFactory(name="Socks", slug="socks")
        self.kitchen = CategoryFactory(name="Kitchen", slug="kitchen")
        CategoryTranslationFactory(category=self.running, name="跑步")
        CategoryTranslationFactory(category=self.socks, name="袜子")
        CategoryTranslationFactory(category=self.kitchen, name="厨房")
        self.trail = self._product("Trail Runner", "越野跑鞋", self.running)
        self.road = self._product("Road Racer", "公路跑鞋", self.running)
        self.spike = self._product("Track Spike", "田径钉鞋", self.running)
        self.wool = self._product("Wool Socks", "羊毛袜", self.socks)
        self.cotton = self._product("Cotton Socks", "棉袜", self.socks)
        self.pan = self._product("Frying Pan", "煎锅", self.kitchen)
        self.kettle = self._product("Kettle", "水壶", self.kitchen)
        self.products = [
            self.trail,
            self.road,
            self.spike,
            self.wool,
            self.cotton,
            self.pan,
            self.kettle,
        ]
        self.customers = [UserFactory(username=f"runner{i}") for i in range(8)]
        # At one in the morning two days ago: the eight sessions (an hour apart, 16 minutes
        # each) never cross midnight, which would split a basket in two (baskets are per day).
        start = (timezone.now() - timedelta(days=2)).replace(
            hour=1, minute=0, second=0, microsecond=0
        )
        for number, user in enumerate(self.customers):
            clock = start + timedelta(hours=number)
            session = f"session{number:02d}".ljust(32, "x")
            steps = [
                ("view", self.trail),
                ("view", self.wool),
                ("add_to_cart", self.trail),
                ("add_to_cart", self.wool),
                ("purchase", self.trail),
                ("purchase", self.wool),
            ]
            steps += (
                [("view", self.road), ("view", self.spike)]
                if number < 4
                else [("view", self.pan), ("view", self.kettle)]
            )
            for kind, product in steps:
                clock += timedelta(minutes=2)
                InteractionFactory(
                    kind=kind, user=user, session_key=session, product=product, created_at=clock
                )

    @staticmethod
    def _product(title: str, title_zh: str, category):
        product = ProductFactory(title=title, category=category)
        ProductTranslationFactory(product=product, title=title_zh)
        return product

    def vectors(self) -> ProductVectors:
        by_category = {self.running.pk: 0, self.socks.pk: 1, self.kitchen.pk: 2}
        rows = []
        for i, product in enumerate(self.products):
            row = np.zeros(8, dtype=np.float32)
            row[by_category[product.category_id]] = 1.0
            row[3 + i % 5] = 0.1 * (1 + i % 3)
            rows.append(row / np.linalg.norm(row))
        return ProductVectors(
            product_ids=np.array([p.pk for p in self.products], dtype=np.int64),
            vectors=np.stack(rows),
            revision="stub",
            index_version="stub",
        )


@pytest.fixture
def shop(db, monkeypatch):
    built = Shop()
    monkeypatch.setattr("recommend.signals_data.product_vectors", built.vectors)
    return built


@pytest.fixture
def trained(shop):
    from recommend.services import train_recommender

    # Without the leave-one-out figures (test_services checks them): half the fitting.
    report = train_recommender(time_budget=0, evaluate=False)
    assert report.activated is True
    return report


def view(product, *, session_key: str = "", user=None) -> Interaction:
    return InteractionFactory(
        kind="view", product=product, session_key=session_key, user=user, created_at=timezone.now()
    )
