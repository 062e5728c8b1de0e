"""Help articles as answers: the shop's facts filled in, and hybrid retrieval over them.

Placeholders in an article's body are filled when an answer is composed, from the settings
and rows the shop itself applies (the return window, shipping methods, payment gateways), so
changing a setting changes the answer. Retrieval fuses two rankings by reciprocal rank: e5
vectors of the articles (``llm["embed"]``, kind "document") against the question's (kind
"query"), and the share of the question's terms an article holds, with search's analyzer
(``search.text.analyze``: stemmed English, segmented Chinese).
"""

from __future__ import annotations

import functools
import logging
import re
import threading
from dataclasses import dataclass
from decimal import Decimal
from typing import Any

import numpy as np
from django.conf import settings

from common.text import CHINESE, ENGLISH, is_chinese
from support_chat.models import HelpArticle

logger = logging.getLogger("support_chat")

PLACEHOLDER = re.compile(r"\{(\w+)\}")
RRF_K = 60
MAX_CACHED_VECTORS = 1024
_vectors: dict[tuple[int, str, str, str], np.ndarray] = {}
_vectors_lock = threading.Lock()


@dataclass(frozen=True)
class Passage:
    article_id: int
    slug: str
    topic: str
    title: str
    text: str
    url: str
    score: float


def _money(amount: Decimal) -> str:
    return f"{amount:.2f} {settings.SHOP_DEFAULT_CURRENCY}"


def shop_facts(language: str) -> dict[str, str]:
    """The values an article's placeholders stand for, in ``language``, from the live shop."""
    from shop.orders.models import ShippingMethod
    from shop.orders.payments import available_gateways

    chinese = is_chinese(language)
    methods = []
    for method in ShippingMethod.objects.filter(is_active=True):
        name = (method.name_zh if chinese else "") or method.name
        parts = [_money(method.price)]
        if method.free_over is not None:
            free = _money(method.free_over)
            parts.append(f"满 {free} 免运费" if chinese else f"free over {free}")
        delivery = (method.description_zh if chinese else "") or method.description
        if delivery:
            parts.append(delivery)
        methods.append(
            f"{name} ({', '.join(parts)})" if not chinese else f"{name}（{'，'.join(parts)}）"
        )
    from django.utils import translation

    with translation.override(CHINESE if chinese else ENGLISH):
        payments = [str(gateway.label) for gateway in available_gateways().values()]
    separator = "；" if chinese else "; "
    return {
        "return_window_days": str(settings.SHOP_RETURN_WINDOW_DAYS),
        "shipping_methods": separator.join(methods) or ("暂无" if chinese else "none yet"),
        "payment_methods": ("、" if chinese else ", ").join(payments),
        "currency": settings.SHOP_DEFAULT_CURRENCY,
    }


def render(text: str, facts: dict[str, str]) -> str:
    """``text`` with known placeholders filled; other braces are left as written."""
    return PLACEHOLDER.sub(lambda m: facts.get(m.group(1), m.group(0)), text)


def article_text(article: HelpArticle, language: str) -> tuple[str, str]:
    """(title, body) in ``language``, English where the Chinese is missing."""
    if is_chinese(language) and article.body_zh:
        return article.title_zh or article.title_en, article.body_zh
    return article.title_en, article.body_en


def _dense_scores(question: str, articles: list[HelpArticle], language: str) -> np.ndarray | None:
    from llm_services import LLMError, llm

    try:
        embedder = llm["embed"]
        languages = (getattr(embedder, "options", None) or {}).get("languages")
        if languages and (CHINESE if is_chinese(language) else ENGLISH) not in languages:
            return None
        rows = []
        for article in articles:
            title, body = article_text(article, language)
            key = (article.pk, str(article.updated_at), language, embedder.revision)
            with _vectors_lock:
                vector = _vectors.get(key)
            if vector is None:
                vector = np.asarray(
                    embedder.encode([f"{title}. {body}"], kind="document")[0], dtype=np.float32
                )
                with _vectors_lock:
                    if len(_vectors) >= MAX_CACHED_VECTORS:  # edits leave old keys behind
                        _vectors.clear()
                    _vectors[key] = vector
            rows.append(vector)
        query = np.asarray(embedder.encode([question], kind="query")[0], dtype=np.float32)
    except LLMError as exc:
        logger.warning("help articles ranked by keywords only: %s", exc)
        return None
    matrix = np.stack(rows)
    norms = np.linalg.norm(matrix, axis=1) * (np.linalg.norm(query) or 1.0)
    return matrix @ query / np.where(norms == 0, 1.0, norms)


def _lexical_scores(question: str, articles: list[HelpArticle], language: str) -> np.ndarray:
    from search.text import analyze

    terms = set(analyze(question))
    scores = []
    for article in articles:
        held = _article_terms(article.pk, str(article.updated_at), *article_text(article, language))
        scores.append(len(terms & held) / len(terms) if terms else 0.0)
    return np.asarray(scores, dtype=np.float32)


def _title_scores(question: str, articles: list[HelpArticle], language: str) -> np.ndarray:
    """The share of each article title's terms that the question holds."""
    from search.text import analyze

    terms = set(analyze(question))
    scores = []
    for article in articles:
        title = set(analyze(article_text(article, language)[0]))
        scores.append(len(terms & title) / len(title) if title else 0.0)
    return np.asarray(scores, dtype=np.float32)


@functools.lru_cache(maxsize=MAX_CACHED_VECTORS)
def _article_terms(article_id: int, updated_at: str, title: str, body: str) -> frozenset[str]:
    """An article's analysed terms, once per version of its text (jieba is not free)."""
    from search.text import analyze

    return frozenset(analyze(f"{title} {body}"))


def _ranks(scores: np.ndarray) -> np.ndarray:
    order = np.argsort(-scores, kind="stable")
    ranks = np.empty(len(scores), dtype=np.float32)
    ranks[order] = np.arange(1, len(scores) + 1)
    return ranks


def retrieve(
    question: str, *, language: str, topics: list[str] | None = None, limit: int = 1
) -> list[Passage]:
    """The published articles that best answer ``question``, filled in, best first.

    ``topics`` (from the question's intent) narrows the articles; when none of them is
    published, every article competes.
    """
    articles = list(HelpArticle.objects.filter(is_published=True))
    if topics:
        narrowed = [article for article in articles if article.topic in topics]
        articles = narrowed or articles
    if not articles:
        return []
    lexical = _lexical_scores(question, articles, language)
    fused = 1.0 / (RRF_K + _ranks(lexical))
    dense = _dense_scores(question, articles, language)
    if dense is not None:
        fused = fused + 1.0 / (RRF_K + _ranks(dense))
    # A question that names an article's subject ("return" → Returns policy, 退货 → 退货政策)
    # wants that article first: the body terms and vectors of two articles on one topic
    # (returns, refunds) are too alike to tell which the question is about.
    titles = _title_scores(question, articles, language)
    fused = fused + np.where(titles > 0, 1.0 / (RRF_K + _ranks(titles)), 0.0)
    facts = shop_facts(language)
    passages = []
    for index in np.argsort(-fused, kind="stable")[:limit]:
        article = articles[int(index)]
        title, body = article_text(article, language)
        passages.append(
            Passage(
                article_id=article.pk,
                slug=article.slug,
                topic=article.topic,
                title=title,
                text=render(body, facts),
                url=article.get_absolute_url(),
                score=float(fused[index]),
            )
        )
    return passages


def citation(passage: Passage) -> dict[str, Any]:
    return {"title": passage.title, "url": passage.url}
