"""The generator phrases an answer from the facts retrieval and the tools found.

The generator (``llm["generate"]``, few-shot from ``data/phrasing.yaml``) is shown only the
facts most related to the question and may state only their numbers (a decoding
constraint). Its text streams sentence by sentence, and each sentence is checked against the
facts before the shopper sees it (``support_chat.grounding``): the first unsupported one ends
the answer there. When no sentence survives, the answer is the retrieved text itself
(``source`` "passage"); when the generator is off, fails or runs out of time, the same text
is the answer and it is ``degraded``.
"""

from __future__ import annotations

import functools
import logging
import time
from collections.abc import Generator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np
from django.conf import settings

from common.text import is_chinese
from support_chat import grounding

logger = logging.getLogger("support_chat")

EXAMPLES_FILE = Path(__file__).resolve().parent / "data" / "phrasing.yaml"
ALIAS = "generate"
MAX_FACTS = 4
GENERATED, PASSAGE = "generated", "passage"


@dataclass(frozen=True)
class Phrasing:
    """How an answer was written: its text, where the text came from, and why."""

    text: str
    source: str  # GENERATED or PASSAGE
    degraded: bool
    note: str = ""


@functools.cache
def _examples() -> dict[str, Any]:
    import yaml

    with EXAMPLES_FILE.open(encoding="utf-8") as handle:
        return yaml.safe_load(handle)


def _function_words(chinese: bool) -> str:
    return " ".join(_examples()["zh-hans" if chinese else "en"]["function_words"].split())


def _labels(chinese: bool) -> tuple[str, str, str]:
    return ("资料：", "问题：", "回答：") if chinese else ("Facts: ", "Question: ", "Answer:")


def prompt_for(question: str, facts: Sequence[str], *, chinese: bool) -> str:
    """The few-shot prompt: the instruction, the examples, then this question and its facts."""
    data = _examples()["zh-hans" if chinese else "en"]
    facts_label, question_label, answer_label = _labels(chinese)
    space = "" if chinese else " "
    blocks = [data["instruction"].strip()]
    for example in data["examples"]:
        blocks.append(
            f"{facts_label}{example['facts'].strip()}\n{question_label}{example['question']}\n"
            f"{answer_label}{space}{example['answer'].strip()}"
        )
    asked = " ".join(question.split())
    blocks.append(f"{facts_label}{space.join(facts)}\n{question_label}{asked}\n{answer_label}")
    return "\n\n".join(blocks)


def select_facts(
    question: str, facts: Sequence[str], *, limit: int = MAX_FACTS
) -> tuple[list[str], int | None]:
    """The ``limit`` facts nearest the question (e5 vectors) in their own order, and the
    position among them of the nearest one (None without the embedder).

    A long article's other sentences are noise to a small generator; without the embedder
    every fact is kept.
    """
    from llm_services import LLMError, llm

    try:
        embedder = llm["embed"]
        query = embedder.encode([question], kind="query")[0]
        vectors = embedder.encode(list(facts), kind="document")
    except LLMError as exc:
        logger.warning("chat facts not ranked: %s", exc)
        return list(facts), None
    ranked = [int(i) for i in np.argsort(-(vectors @ query), kind="stable")[:limit]]
    kept = sorted(ranked)
    return [facts[index] for index in kept], kept.index(ranked[0])


def _fallback(text: str, note: str, *, degraded: bool) -> Phrasing:
    return Phrasing(text=text, source=PASSAGE, degraded=degraded, note=note)


def phrase(
    question: str,
    facts: Sequence[str],
    *,
    fallback: str,
    language: str,
    window: int = 1,
    lead_with_nearest: bool = False,
    received: float | None = None,
) -> Generator[str, None, Phrasing]:
    """Yield the answer's pieces as they are written and checked; return how it was written.

    ``facts``: what the answer may say (sentences of articles, or tool results), ``window``
    how many neighbouring facts may support one sentence (``grounding.check_sentence``);
    ``lead_with_nearest``: the first sentence must say what the fact nearest the question
    says (an article holds other true sentences that answer other questions).
    ``fallback``: the retrieved or templated text shown when no generated sentence is
    supported. ``received``: when the shopper's message arrived (``time.monotonic()``;
    default now): the time limits count from there, since the shopper waits from there.
    """
    from llm_services import LLMError, LLMTimeout, interactive_calls, llm

    chinese = is_chinese(language)
    if settings.LLM_MODELS.get(ALIAS) is None:
        yield fallback
        return _fallback(fallback, "the generator is switched off", degraded=True)
    accepted: list[str] = []
    note = ""
    stream = None
    started = time.monotonic() if received is None else received
    deadline = started + settings.SUPPORT_CHAT_GENERATION_SECONDS
    # A shopper waiting longer for a first checked sentence gets the retrieved text.
    first_deadline = started + settings.SUPPORT_CHAT_FIRST_SENTENCE_SECONDS
    try:
        # One attempt within the chat's own budget (longer than a search's: a reply streams).
        with interactive_calls(timeout=settings.SUPPORT_CHAT_GENERATION_SECONDS):
            chosen, nearest = select_facts(question, facts)
            lead = nearest if lead_with_nearest else None
            if time.monotonic() >= first_deadline:  # classifying and retrieving took it all
                note = "out of time"
                raise _Stop
            stream = llm[ALIAS].stream(
                prompt_for(question, chosen, chinese=chinese),
                # A model busy with another shopper's answer would hold this one past its
                # limit before the first token; the retrieved text is shown instead.
                first_token_timeout=max(0.0, first_deadline - time.monotonic()),
                max_new_tokens=settings.SUPPORT_CHAT_MAX_NEW_TOKENS,
                temperature=0,
                stop=["\n"],
                numbers=sorted(grounding.numbers(" ".join(chosen))),
                # Words of the facts only: the check would reject any other.
                copy_from=" ".join([*chosen, _function_words(chinese)]),
            )
            buffer = ""
            for piece in stream:
                buffer += piece
                *complete, buffer = _cut(buffer)
                for sentence in complete:
                    verdict = _accept(
                        sentence, chosen, accepted, chinese=chinese, window=window, lead=lead
                    )
                    if not verdict.supported:
                        note = f"unsupported sentence dropped: {verdict.reason}"
                        raise _Stop
                    yield _joined(accepted, sentence, chinese=chinese)
                    accepted.append(sentence)
                now = time.monotonic()
                if now > deadline or (not accepted and now > first_deadline):
                    note = "out of time"
                    raise _Stop
            if buffer.strip():
                verdict = _accept(
                    buffer.strip(), chosen, accepted, chinese=chinese, window=window, lead=lead
                )
                if verdict.supported:
                    yield _joined(accepted, buffer.strip(), chinese=chinese)
                    accepted.append(buffer.strip())
                else:
                    note = f"unsupported sentence dropped: {verdict.reason}"
    except _Stop:
        pass
    except LLMTimeout:
        note = "out of time"
    except LLMError as exc:
        logger.warning("chat answer not generated: %s", exc)
        if not accepted:
            yield fallback
            return _fallback(fallback, f"the generator failed: {type(exc).__name__}", degraded=True)
        note = "the generator failed midway"
    finally:
        if stream is not None and hasattr(stream, "close"):
            stream.close()  # stops a generation the check ended early
    if not accepted:
        yield fallback
        return _fallback(fallback, note or "the generator wrote nothing", degraded=False)
    return Phrasing(
        text=("" if chinese else " ").join(accepted), source=GENERATED, degraded=False, note=note
    )


class _Stop(Exception):
    """Ends the generation early (an unsupported sentence, or out of time)."""


def _cut(buffer: str) -> list[str]:
    """Complete sentences of ``buffer``, then what is still being written (maybe "")."""
    parts = grounding.SENTENCE_END.split(buffer)
    return [*(p.strip() for p in parts[:-1] if p.strip()), parts[-1]]


def _accept(
    sentence: str,
    facts: Sequence[str],
    accepted: list[str],
    *,
    chinese: bool,
    window: int,
    lead: int | None,
) -> grounding.Verdict:
    if not grounding.check_language(sentence, chinese=chinese):
        return grounding.Verdict(False, "in the other language")
    if accepted:
        return grounding.check_sentence(sentence, facts, window=window)
    # An answer opens with a claim of some substance ("Refund 10." is not an answer), and
    # where the facts are ranked, with what the nearest one says.
    return grounding.check_sentence(sentence, facts, window=window, min_terms=2, within=lead)


def _joined(accepted: list[str], sentence: str, *, chinese: bool) -> str:
    return sentence if not accepted or chinese else f" {sentence}"
