"""Backends for OpenAI-compatible HTTP servers (vLLM, llama.cpp server, TEI, OpenAI itself).

OPTIONS:
    BASE_URL: the server root, with or without a trailing "/v1" (required).
    API_KEY: sent as a bearer token when set.
    TIMEOUT: seconds for connecting and for each read (default 30).
    MAX_RETRIES: extra attempts after a timeout, a connection error or a 5xx (default 2).
        4xx answers are never retried: the same request would fail the same way.
    BACKOFF: seconds before the first retry, doubled for each next one (default 0.5).

TIMEOUT, MAX_RETRIES and BACKOFF are for background callers (tasks, commands). A web request's
call makes one attempt within settings.LLM_INTERACTIVE_TIMEOUT in all, and a circuit breaker
answers LLMUnavailable at once while the server keeps failing (llm_services/resilience.py).
"""

from __future__ import annotations

import json
import time
from collections.abc import Collection, Iterator, Sequence
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, replace
from typing import Any

import httpx
import numpy as np

from llm_services.backends.base import (
    Backend,
    check_kind,
    check_texts,
    find_stop,
    l2_normalise,
    record_embedding,
    record_generation,
    stop_holdback,
)
from llm_services.exceptions import (
    ContentRejected,
    LLMBadRequest,
    LLMError,
    LLMTimeout,
    LLMUnavailable,
)
from llm_services.no_copy import NoCopy
from llm_services.resilience import CircuitBreaker, call_budget
from llm_services.types import EmbeddingKind, Generation, PromptOrMessages, validate_messages

CONTENT_FILTER_CODES = {"content_filter", "content_policy_violation"}
# A reply that is not what the OpenAI API describes: a server bug, reported as unavailable.
MALFORMED = (KeyError, IndexError, TypeError, ValueError)


@dataclass(frozen=True)
class CallPlan:
    """How one public call may use the server: seconds per attempt, retries, and the
    monotonic time by which the whole call must be over (None: no overall deadline)."""

    timeout: float
    retries: int
    deadline: float | None = None

    def attempt_timeout(self) -> httpx.Timeout:
        if self.deadline is None:
            return httpx.Timeout(self.timeout)
        # Every phase (connect, write, each read) waits at most what is left of the budget.
        return httpx.Timeout(max(0.001, min(self.timeout, self.deadline - time.monotonic())))


class OpenAICompatBackend(Backend):
    """Shared HTTP plumbing: one httpx client, timeouts, retries and error mapping."""

    def __init__(self, *, alias: str, model: str, revision: str, options: dict[str, Any]) -> None:
        super().__init__(alias=alias, model=model, revision=revision, options=options)
        base_url = str(options.get("BASE_URL") or "").rstrip("/")
        if not base_url:
            raise LLMUnavailable(f"LLM alias {alias!r}: OPTIONS['BASE_URL'] is not set.")
        self.base_url = base_url.removesuffix("/v1")
        self.timeout = float(options.get("TIMEOUT", 30.0))
        self.max_retries = int(options.get("MAX_RETRIES", 2))
        self.backoff = float(options.get("BACKOFF", 0.5))
        headers = (
            {"Authorization": f"Bearer {options['API_KEY']}"} if options.get("API_KEY") else {}
        )
        self.client = httpx.Client(
            base_url=self.base_url, timeout=httpx.Timeout(self.timeout), headers=headers
        )
        self.breaker = CircuitBreaker(alias)

    def close(self) -> None:
        self.client.close()

    def _status_error(self, response: httpx.Response) -> LLMError:
        status = response.status_code
        try:
            detail = response.json().get("error", response.text)
        except ValueError:
            detail = response.text
        code = detail.get("code") if isinstance(detail, dict) else None
        message = f"{self.base_url} answered {status} for LLM alias {self.alias!r}: {detail}"
        if code in CONTENT_FILTER_CODES:
            return ContentRejected(message)
        if status >= 500 or status == 429:
            # 429 is retryable by the caller (a task's retry), but not in-client: hammering a
            # rate-limited server makes it worse.
            return LLMUnavailable(message)
        return LLMBadRequest(message)

    def call_plan(self) -> CallPlan:
        """This call's timeouts: the caller's interactive budget, else the alias's options.

        Public methods take the plan when called, so a stream read later or a batch run in
        worker threads keeps the budget of the caller that started it.
        """
        budget = call_budget()
        if budget is None:
            return CallPlan(timeout=self.timeout, retries=self.max_retries)
        return CallPlan(
            timeout=min(self.timeout, budget), retries=0, deadline=time.monotonic() + budget
        )

    def _transport_error(self, exc: httpx.HTTPError, plan: CallPlan) -> LLMError:
        if isinstance(exc, httpx.TimeoutException):
            # A web request's budget, else the alias's TIMEOUT (per attempt).
            limit = "its interactive budget of " if plan.deadline is not None else ""
            return LLMTimeout(
                f"{self.base_url} did not answer within {limit}{plan.timeout}s for LLM alias "
                f"{self.alias!r}: {type(exc).__name__}"
            )
        return LLMUnavailable(f"Cannot reach {self.base_url} for LLM alias {self.alias!r}: {exc}")

    def _sleep_before_retry(self, attempt: int) -> None:
        if self.backoff > 0:
            time.sleep(self.backoff * 2**attempt)

    def post(
        self, path: str, payload: dict[str, Any], *, plan: CallPlan | None = None
    ) -> dict[str, Any]:
        """POST JSON and return the decoded answer, retrying timeouts, connection errors, 5xx
        as ``plan`` allows (default: :meth:`call_plan`), through the circuit breaker.

        Raises:
            LLMTimeout, LLMUnavailable: after the last retry, past the deadline, or at once
                while the breaker is open.
            LLMBadRequest, ContentRejected: on a 4xx, at once.
        """
        plan = plan or self.call_plan()
        return self.breaker.call(lambda: self._post(path, payload, plan))

    def _post(self, path: str, payload: dict[str, Any], plan: CallPlan) -> dict[str, Any]:
        error: LLMError = LLMUnavailable("no attempt made")
        for attempt in range(plan.retries + 1):
            try:
                response = self.client.post(path, json=payload, timeout=plan.attempt_timeout())
            except httpx.TransportError as exc:
                error = self._transport_error(exc, plan)
            else:
                if response.is_success:
                    try:
                        return response.json()
                    except ValueError as exc:
                        raise LLMUnavailable(f"{self.base_url}{path} sent invalid JSON.") from exc
                error = self._status_error(response)
                if response.status_code < 500:
                    raise error
            if attempt < plan.retries:
                self._sleep_before_retry(attempt)
        raise error

    def post_stream(
        self, path: str, payload: dict[str, Any], *, plan: CallPlan | None = None
    ) -> Iterator[dict[str, Any]]:
        """POST with ``stream: true`` and yield each server-sent event's JSON.

        Retries like ``post`` until the first event arrives; after that a failure is raised at
        once, since the caller has already consumed part of the answer. An interactive
        deadline covers the wait for the first event; later reads wait ``plan.timeout`` each.
        """
        plan = plan or self.call_plan()
        self.breaker.before_call()
        answered = False
        try:
            yield from self._post_stream(path, payload, plan)
            answered = True
        except GeneratorExit:
            answered = True  # the caller stopped reading (e.g. at a stop sequence)
            raise
        except LLMError as exc:
            answered = not exc.retryable
            raise
        finally:
            if answered:
                self.breaker.record_success()
            else:
                self.breaker.record_failure()

    def _post_stream(
        self, path: str, payload: dict[str, Any], plan: CallPlan
    ) -> Iterator[dict[str, Any]]:
        error: LLMError = LLMUnavailable("no attempt made")
        for attempt in range(plan.retries + 1):
            started = False
            try:
                with self.client.stream(
                    "POST", path, json={**payload, "stream": True}, timeout=plan.attempt_timeout()
                ) as response:
                    if not response.is_success:
                        response.read()
                        error = self._status_error(response)
                        if response.status_code < 500:
                            raise error
                    else:
                        for line in response.iter_lines():
                            if not line.startswith("data:"):
                                continue
                            data = line.removeprefix("data:").strip()
                            if data == "[DONE]":
                                return
                            started = True
                            yield json.loads(data)
                        return
            except httpx.TransportError as exc:
                error = self._transport_error(exc, plan)
                if started:
                    raise error from exc
            except ValueError as exc:
                raise LLMUnavailable(f"{self.base_url}{path} sent an invalid event.") from exc
            if attempt < plan.retries:
                self._sleep_before_retry(attempt)
        raise error


class OpenAICompatEmbedder(OpenAICompatBackend):
    """``POST /v1/embeddings``; vectors are L2-normalised here, whatever the server does.

    Extra OPTIONS: query_prefix, document_prefix (default ""), batch_size (default 64), dim
    (else learnt from the first answer).
    """

    def __init__(self, *, alias: str, model: str, revision: str, options: dict[str, Any]) -> None:
        super().__init__(alias=alias, model=model, revision=revision, options=options)
        self.query_prefix: str = options.get("query_prefix", "")
        self.document_prefix: str = options.get("document_prefix", "")
        self.batch_size = int(options.get("batch_size", 64))
        self._dim: int | None = int(options["dim"]) if options.get("dim") else None

    @property
    def dim(self) -> int:
        if self._dim is None:
            self.encode(["dimension probe"], kind="query")
        assert self._dim is not None
        return self._dim

    def encode(
        self,
        texts: Sequence[str],
        *,
        kind: EmbeddingKind = "document",
        batch_size: int | None = None,
    ) -> np.ndarray:
        texts = check_texts(texts)
        check_kind(kind)
        prefix = self.query_prefix if kind == "query" else self.document_prefix
        size = batch_size or self.batch_size
        plan = self.call_plan()  # one budget for every batch of this call
        started = time.perf_counter()
        chunks: list[np.ndarray] = []
        for start in range(0, len(texts), size):
            batch = [prefix + text for text in texts[start : start + size]]
            answer = self.post("/v1/embeddings", {"model": self.model, "input": batch}, plan=plan)
            try:
                rows = sorted(answer["data"], key=lambda item: item["index"])
                vectors = np.asarray([row["embedding"] for row in rows], dtype=np.float32)
            except MALFORMED as exc:
                raise LLMUnavailable(
                    f"{self.base_url} sent a malformed embeddings answer."
                ) from exc
            if vectors.ndim != 2 or vectors.shape[0] != len(batch):
                raise LLMUnavailable(
                    f"{self.base_url} returned {vectors.shape[0]} embeddings "
                    f"for {len(batch)} texts."
                )
            self._dim = vectors.shape[1]
            chunks.append(l2_normalise(vectors))
        if not chunks:
            return np.zeros((0, self._dim or 0), dtype=np.float32)
        latency_ms = (time.perf_counter() - started) * 1000
        record_embedding(
            self.alias, revision=self.revision, items=len(texts), latency_ms=latency_ms
        )
        return np.concatenate(chunks)


class OpenAICompatGenerator(OpenAICompatBackend):
    """``/v1/chat/completions`` for messages, ``/v1/completions`` for a raw prompt.

    Extra OPTIONS: MAX_CONCURRENCY, requests in flight for ``generate_batch`` (default 4; a
    server such as vLLM batches concurrent requests itself).
    """

    def __init__(self, *, alias: str, model: str, revision: str, options: dict[str, Any]) -> None:
        super().__init__(alias=alias, model=model, revision=revision, options=options)
        self.max_concurrency = int(options.get("MAX_CONCURRENCY", 4))

    def _request(
        self,
        prompt_or_messages: PromptOrMessages,
        *,
        max_new_tokens: int,
        temperature: float,
        stop: Sequence[str] | None,
    ) -> tuple[str, dict[str, Any]]:
        if max_new_tokens < 1:
            raise LLMBadRequest("max_new_tokens must be at least 1.")
        payload: dict[str, Any] = {
            "model": self.model,
            "max_tokens": max_new_tokens,
            "temperature": float(temperature),
        }
        if stop:
            payload["stop"] = list(stop)
        if isinstance(prompt_or_messages, str):
            return "/v1/completions", {**payload, "prompt": prompt_or_messages}
        messages = validate_messages(prompt_or_messages)
        return "/v1/chat/completions", {**payload, "messages": messages}

    @staticmethod
    def _choice_text(path: str, choice: dict[str, Any], *, streaming: bool) -> str:
        if path == "/v1/completions":
            return choice.get("text") or ""
        message = choice["delta"] if streaming else choice["message"]
        return message.get("content") or ""

    def generate(
        self,
        prompt_or_messages: PromptOrMessages,
        *,
        max_new_tokens: int = 256,
        temperature: float = 0.2,
        stop: Sequence[str] | None = None,
    ) -> Generation:
        return self._generate(
            prompt_or_messages,
            max_new_tokens=max_new_tokens,
            temperature=temperature,
            stop=stop,
            plan=self.call_plan(),
        )

    def _generate(
        self,
        prompt_or_messages: PromptOrMessages,
        *,
        max_new_tokens: int,
        temperature: float,
        stop: Sequence[str] | None,
        plan: CallPlan,
    ) -> Generation:
        path, payload = self._request(
            prompt_or_messages, max_new_tokens=max_new_tokens, temperature=temperature, stop=stop
        )
        began = time.perf_counter()
        answer = self.post(path, payload, plan=plan)
        try:
            choice = answer["choices"][0]
            text = self._choice_text(path, choice, streaming=False)
            server_reason = choice.get("finish_reason")
            usage = answer.get("usage") or {}
        except MALFORMED as exc:
            raise LLMUnavailable(f"{self.base_url}{path} sent a malformed answer.") from exc
        if server_reason == "content_filter":
            raise ContentRejected(
                f"{self.base_url} filtered the answer for LLM alias {self.alias!r}."
            )
        # Cut here too: not every server honours "stop" exactly.
        cut = find_stop(text, stop or ())
        if cut is not None:
            text = text[:cut]
        generation = Generation(
            text=text,
            model_id=self.model_id,
            revision=self.revision,
            prompt_tokens=usage.get("prompt_tokens"),
            completion_tokens=usage.get("completion_tokens"),
            latency_ms=(time.perf_counter() - began) * 1000,
            finish_reason="length" if server_reason == "length" and cut is None else "stop",
        )
        record_generation(self.alias, generation)
        return generation

    def generate_batch(
        self,
        prompts: Sequence[PromptOrMessages],
        *,
        max_new_tokens: int = 256,
        temperature: float = 0.2,
        stop: Sequence[str] | None = None,
        avoid: Sequence[Sequence[str]] | None = None,
        numbers: Sequence[Collection[str] | None] | None = None,
        no_copy: Sequence[NoCopy | None] | None = None,
    ) -> list[Generation]:
        if isinstance(prompts, str):
            raise LLMBadRequest("generate_batch() takes a list of prompts, not a single string.")
        prompts = list(prompts)
        if not prompts:
            return []

        # Taken here: worker threads do not inherit the caller's context (its budget).
        plan = self.call_plan()

        def one(prompt: PromptOrMessages) -> Generation:
            return self._generate(
                prompt,
                max_new_tokens=max_new_tokens,
                temperature=temperature,
                stop=stop,
                plan=plan,
            )

        workers = max(1, min(self.max_concurrency, len(prompts)))
        with ThreadPoolExecutor(max_workers=workers, thread_name_prefix="llm-http") as pool:
            generations = list(pool.map(one, prompts))
        # The API bans tokens of the server's own tokenizer (logit_bias), not text.
        unkept = {
            "phrases to avoid were not banned: the OpenAI-compatible API cannot ban text": avoid,
            "numbers were not limited: the OpenAI-compatible API cannot constrain text": None
            if numbers is None
            else [n is not None for n in numbers],
            "copying was not prevented: the OpenAI-compatible API cannot constrain text": None
            if no_copy is None
            else [rule is not None for rule in no_copy],
        }
        for note, asked in unkept.items():
            if asked and any(asked):
                generations = [
                    replace(g, notes=(*g.notes, note)) if wanted else g
                    for g, wanted in zip(generations, asked, strict=True)
                ]
        return generations

    def stream(
        self,
        prompt_or_messages: PromptOrMessages,
        *,
        max_new_tokens: int = 256,
        temperature: float = 0.2,
        stop: Sequence[str] | None = None,
        numbers: Collection[str] | None = None,
        copy_from: str | None = None,
        first_token_timeout: float | None = None,
    ) -> Iterator[str]:
        # The API cannot limit numbers or words (see generate_batch's notes): callers that
        # pass ``numbers`` or ``copy_from`` check the text themselves (the chat's grounding
        # check does).
        path, payload = self._request(
            prompt_or_messages, max_new_tokens=max_new_tokens, temperature=temperature, stop=stop
        )
        # The plan is taken now: a streamed response is read after the view (and its
        # interactive context) returned.
        plan = self.call_plan()
        if first_token_timeout is not None:
            # httpx sets one read timeout per response: it bounds the first event and, as a
            # side effect, each gap between later ones (a server streaming tokens sends them
            # far more often than a first-token limit).
            plan = replace(plan, timeout=min(plan.timeout, max(0.001, first_token_timeout)))
        return self._stream(path, payload, stop=tuple(stop or ()), plan=plan)

    def _stream(
        self, path: str, payload: dict[str, Any], *, stop: tuple[str, ...], plan: CallPlan
    ) -> Iterator[str]:
        text = emitted = ""
        for event in self.post_stream(path, payload, plan=plan):
            try:
                choices = event.get("choices") or []
                if not choices:
                    continue  # e.g. a final usage-only event
                text += self._choice_text(path, choices[0], streaming=True)
                reason = choices[0].get("finish_reason")
            except MALFORMED as exc:
                raise LLMUnavailable(f"{self.base_url}{path} sent a malformed event.") from exc
            if reason == "content_filter":
                raise ContentRejected(f"{self.base_url} filtered the answer for {self.alias!r}.")
            cut = find_stop(text, stop)
            if cut is not None:
                if cut > len(emitted):
                    yield text[len(emitted) : cut]
                return
            safe = len(text) - stop_holdback(text, stop)
            if safe > len(emitted):
                yield text[len(emitted) : safe]
                emitted = text[:safe]
        if len(text) > len(emitted):
            yield text[len(emitted) :]
