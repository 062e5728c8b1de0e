"""Decoding that does not copy: ``generate_batch(no_copy=...)`` of the in-process backends.

A row given a :class:`NoCopy` never writes a run of ``size`` consecutive units (words; each
Chinese character one unit, ``common.text.text_units``) that occurs in its ``sources`` (the
examples of its prompt, other products' copy) unless the run is in its ``own`` text (the facts
it writes from), nor a run of ``repeat_size`` units it wrote already unless the run is in its
``repeatable`` text (a product's name may recur; its other facts are said once), nor one unit
three times in a row.

Judged on text, not on token ids: the same words tokenise differently by context (Chinese
especially), so banned token sequences would miss copies. At each step the row's best
candidates are tried in order: a candidate is banned when the text it would make ends in such
a run, or in a run whose last word it has begun ("breath" when the run ends in "breathable").
Greedy rows stop at the first candidate that copies nothing; sampling rows check the ``keep``
best allowed ones (the sampler's top-k).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

from common.text import text_units, unit_ngrams

# Candidates looked at per row and step at most; a row whose best 256 all copy keeps the rest.
_MOST_CANDIDATES = 256


@dataclass(frozen=True)
class NoCopy:
    """What one completion must not copy (see the module docstring)."""

    sources: tuple[str, ...] = ()
    own: str = ""
    size: int = 6
    # No run of this many units the completion wrote before either (None: ``size``; 0: off).
    repeat_size: int | None = None
    # Text whose runs may be written again (a product's name); None: ``own``.
    repeatable: str | None = None

    def __post_init__(self) -> None:
        if self.size < 2 or (self.repeat_size is not None and self.repeat_size == 1):
            raise ValueError("NoCopy.size and repeat_size must be at least 2 units.")


@dataclass
class _Rule:
    size: int
    repeat_size: int
    banned: set[tuple[str, ...]]
    # (size - 1) leading units -> the last units of banned runs, for a last word still open.
    endings: dict[tuple[str, ...], set[str]]
    own: set[tuple[str, ...]]
    repeatable: set[tuple[str, ...]]


def _endings(runs: set[tuple[str, ...]]) -> dict[tuple[str, ...], set[str]]:
    found: dict[tuple[str, ...], set[str]] = {}
    for run in runs:
        found.setdefault(run[:-1], set()).add(run[-1])
    return found


def build_rules(rows: Sequence[NoCopy | None]) -> list[_Rule | None]:
    """Each row's runs, built once per batch (rows with the same sources share the work)."""
    cache: dict[tuple[tuple[str, ...], int], set[tuple[str, ...]]] = {}
    rules: list[_Rule | None] = []
    for row in rows:
        if row is None:
            rules.append(None)
            continue
        key = (row.sources, row.size)
        if key not in cache:
            runs: set[tuple[str, ...]] = set()
            for text in row.sources:
                runs |= unit_ngrams(text_units(text), row.size)
            cache[key] = runs
        own = unit_ngrams(text_units(row.own), row.size)
        banned = cache[key] - own
        repeat = row.size if row.repeat_size is None else row.repeat_size
        repeatable = row.own if row.repeatable is None else row.repeatable
        again = unit_ngrams(text_units(repeatable), repeat) if repeat else set()
        rules.append(_Rule(row.size, repeat, banned, _endings(banned), own, again))
    return rules


def _open_word(text: str) -> bool:
    # A Latin word at the very end may still grow ("breath" -> "breathable"); Han characters
    # and anything before punctuation or a space are whole.
    return bool(text) and text[-1].isascii() and text[-1].isalnum()


def written_runs(rule: _Rule, text: str) -> set[tuple[str, ...]]:
    """The runs a row has written in full (its last word, if still open, not yet)."""
    if not rule.repeat_size:
        return set()
    units = text_units(text)
    return unit_ngrams(units[:-1] if _open_word(text) else units, rule.repeat_size)


def copies(rule: _Rule, before: str, after: str, written: set[tuple[str, ...]]) -> bool:
    """Whether a row whose recent text ``before`` becomes ``after`` with one more token writes a
    banned run, or begins the last word of one; ``written``: :func:`written_runs` of the row."""
    old = len(text_units(before))
    units = text_units(after)
    open_last = _open_word(after)
    # Windows ending in a unit the token wrote or extended; the others were judged before.
    first = old - 1 if _open_word(before) else old
    # "附附附", "the the the": no unit three times in a row.
    if len(units) >= 3 and len(units) > first and units[-1] == units[-2] == units[-3]:
        return True
    checks = [(rule.size, rule.banned, rule.endings, rule.own)]
    if rule.repeat_size:
        checks.append((rule.repeat_size, written, None, rule.repeatable))
    for size, banned, endings, allowed in checks:
        for end in range(max(size - 1, first), len(units)):
            window = tuple(units[end - size + 1 : end + 1])
            if window in allowed:
                continue
            if end == len(units) - 1 and open_last:
                head, last = window[:-1], window[-1]
                lasts = (
                    endings.get(head, ())
                    if endings is not None
                    else [run[-1] for run in banned if run[:-1] == head]
                )
                if any(e.startswith(last) and head + (e,) not in allowed for e in lasts):
                    return True
            elif window in banned:
                return True
    return False


def _processor_base() -> type:
    from transformers.generation import LogitsProcessor

    return LogitsProcessor


def no_copy_processor(
    tokenizer: Any, rows: Sequence[NoCopy | None], width: int, *, keep: int = 1
) -> Any:
    """A logits processor applying each row's :class:`NoCopy` (None: no rule).

    ``width``: the prompt columns (left-padded); ``keep``: how many allowed candidates a row
    needs (1 for greedy decoding, the sampler's top-k otherwise).
    """
    import torch

    rules = build_rules(rows)

    def decode(ids: list[int]) -> str:
        return tokenizer.decode(ids, skip_special_tokens=True)

    class NoCopyGuard(_processor_base()):
        def __call__(self, ids: Any, scores: Any) -> Any:
            for row, rule in enumerate(rules):
                if rule is None:
                    continue
                generated = ids[row, width:].tolist()
                # Enough recent tokens to hold the last `size` words and the one before them.
                recent = generated[-5 * rule.size :]
                before = decode(recent)
                written = written_runs(rule, decode(generated))
                allowed: set[int] = set()
                tried = 0
                while tried < _MOST_CANDIDATES:
                    values, order = torch.topk(scores[row], keep)
                    fresh = [
                        token
                        for token, value in zip(order.tolist(), values.tolist(), strict=True)
                        if value != float("-inf") and token not in allowed
                    ]
                    if not fresh:
                        break
                    tried += len(fresh)
                    banned = [
                        t for t in fresh if copies(rule, before, decode([*recent, t]), written)
                    ]
                    allowed.update(t for t in fresh if t not in banned)
                    if not banned:
                        break
                    scores[row, banned] = float("-inf")
            return scores

    return NoCopyGuard()
