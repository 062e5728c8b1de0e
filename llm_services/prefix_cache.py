"""Keys and values of recent prompts, reused by the next prompt that begins the same way.

A few-shot prompt is mostly fixed text (the instruction and the examples) followed by a short
part that changes (this question's facts, this product's attributes). Computing the fixed
part again for every call is most of a prompt's cost on a CPU: on an AVX2-only machine the
chat's 270-token phrasing prompt took 0.7-1.4 s to prefill with float32 products
(docs/benchmarks.md, "prefix reuse"). This is the automatic prefix caching of vLLM and
SGLang, reduced to what one process on one CPU needs: the token ids of the last few prompts
and their keys and values; a new prompt reuses the longest common token prefix with any of
them, so no caller has to declare which part is fixed.

Keys and values depend only on the tokens before them (causal attention), so the reused
columns are the ones a full prefill would compute, up to the rounding of products of another
shape; ``tests/llm_services/test_prefix_cache.py`` checks the decoded tokens are the same.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Sequence

import numpy as np
import torch

KeysValues = list[tuple[torch.Tensor, torch.Tensor]]

# About 75 MB for Gemma 3 270M (18 layers, one key/value head of 256 floats: 37 KB a token).
DEFAULT_MAX_TOKENS = 2048
# Shorter shared beginnings (a chat template's first tokens) are not worth a copy.
DEFAULT_MIN_TOKENS = 16


class PrefixCache:
    """The last prompts' keys and values, ``max_tokens`` columns in all, least recently used
    first out. Not thread-safe: its owner calls it under the lock that serialises decoding."""

    def __init__(
        self, max_tokens: int = DEFAULT_MAX_TOKENS, min_tokens: int = DEFAULT_MIN_TOKENS
    ) -> None:
        self.max_tokens = max_tokens
        self.min_tokens = min_tokens
        self._entries: OrderedDict[bytes, tuple[np.ndarray, KeysValues]] = OrderedDict()
        self.hits = 0
        self.reused_tokens = 0

    def __len__(self) -> int:
        return len(self._entries)

    def lookup(self, prompt: Sequence[int]) -> tuple[int, KeysValues | None]:
        """How many leading tokens of ``prompt`` have stored keys and values, and those
        (per layer, ``(1, kv_heads, stored length, head_dim)``; use the first columns only).

        At most ``len(prompt) - 1``: the last token is always computed, its logits start the
        decoding. Below ``min_tokens``: (0, None).
        """
        ids = np.asarray(prompt, dtype=np.int64)
        best, found, found_key = 0, None, None
        for key, (stored, values) in self._entries.items():
            length = min(len(stored), len(ids))
            differ = np.flatnonzero(stored[:length] != ids[:length])
            common = int(differ[0]) if len(differ) else length
            if common > best:
                best, found, found_key = common, values, key
        best = min(best, len(ids) - 1)
        if found_key is None or best < self.min_tokens:
            return 0, None
        self._entries.move_to_end(found_key)
        self.hits += 1
        self.reused_tokens += best
        return best, found

    def store(self, prompt: Sequence[int], cache: KeysValues) -> None:
        """Keep the keys and values of ``prompt`` (its first ``len(prompt)`` columns of the
        batch-of-one ``cache``); a prompt longer than ``max_tokens`` is not kept."""
        ids = np.asarray(prompt, dtype=np.int64)
        if len(ids) < self.min_tokens or len(ids) > self.max_tokens:
            return
        key = ids.tobytes()
        width = len(ids)
        self._entries[key] = (
            ids,
            [(k[:, :, :width].clone(), v[:, :, :width].clone()) for k, v in cache],
        )
        self._entries.move_to_end(key)
        while sum(len(stored) for stored, _ in self._entries.values()) > self.max_tokens:
            self._entries.popitem(last=False)
