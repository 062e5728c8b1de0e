"""Constraints on what an in-process generator may write, applied while it decodes.

``generate_batch(avoid=..., numbers=...)`` of the in-process backends builds these as
transformers logits processors (``llm_services.decoding`` and ``generate`` both take them):

- ``AvoidPhrases``: each row's banned token sequences (phrases in their usual spellings).
- ``AvoidText``: each row's banned phrases in scripts without spaces (Chinese), by text.
- ``OnlyTokens``: each row may write only the tokens of a text it is given (the words of
  the facts it answers from, in their spellings), punctuation, digits and end of text.
- ``NumberGuard``: each row may state only the numbers it is given. A number is what
  ``NUMBER`` matches (the grounding checks of copywriting use the same pattern): digits, with
  ``.`` or ``,`` between groups, not right after a letter or a dot ("A4" and "v1.2" are no
  numbers). A digit that would start or extend a number that is no prefix of an allowed one
  is banned; while the number so far is an allowed prefix but not itself allowed ("1" of
  "100"), only its continuations are.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Sequence
from typing import Any

NUMBER = re.compile(r"(?<![\w.])\d+(?:[.,]\d+)*")
# The number a text ends with, and a separator after it that a digit may still continue.
_OPEN_NUMBER = re.compile(r"(?<![\w.])(\d+(?:[.,]\d+)*)([.,]?)$")
_SEPARATORS = (".", ",")
# Tokens of context decoded per step: enough for any number's digits and the character
# before them.
_TAIL_TOKENS = 8


def phrase_spellings(phrase: str) -> set[str]:
    """The spellings of an ASCII ``phrase`` a model writes, for banning as token sequences.

    As given, lower case, capitalised and title case after a space, and the capitalised forms
    at a line start too (a lower-case form without its space would also ban that piece inside
    longer words). Other scripts are banned by text (``text_phrase_processor``): Chinese
    tokenises differently by context.
    """
    capitalised = {phrase[:1].upper() + phrase[1:], phrase.title()}
    forms = {phrase, phrase.lower(), *capitalised}
    return {f" {form}" for form in forms} | capitalised


def _processor_base() -> type:
    from transformers.generation import LogitsProcessor

    return LogitsProcessor


def avoid_processor(avoid: Sequence[Sequence[Sequence[int]]], width: int) -> Any:
    """A logits processor banning row i's token sequences ``avoid[i]`` in what it generates.

    One-token sequences are banned outright; a longer one loses its last token whenever the
    row's generated text ends with the rest (transformers' NoBadWords rule, per row, and only
    over generated tokens: the prompt may name what the output must not). ``width``: the
    prompt columns (left-padded).
    """
    import torch

    singles = []
    # Per row: the sequences' heads by length, each with the last tokens it must not get, so a
    # step looks up one tail per length instead of comparing every sequence.
    heads: list[dict[int, dict[tuple[int, ...], list[int]]]] = []
    for row in avoid:
        ones = sorted({s[0] for s in row if len(s) == 1})
        singles.append(torch.tensor(ones, dtype=torch.long) if ones else None)
        by_length: dict[int, dict[tuple[int, ...], list[int]]] = {}
        for sequence in row:
            if len(sequence) > 1:
                head = tuple(sequence[:-1])
                by_length.setdefault(len(head), {}).setdefault(head, []).append(sequence[-1])
        heads.append(by_length)
    longest = max((max(h, default=0) for h in heads), default=0)

    class AvoidPhrases(_processor_base()):
        def __call__(self, ids: Any, scores: Any) -> Any:
            recent = ids[:, max(width, ids.shape[1] - longest) :].tolist()
            for row, tokens in enumerate(recent):
                if singles[row] is not None:
                    scores[row, singles[row]] = float("-inf")
                banned = [
                    last
                    for length, known in heads[row].items()
                    if len(tokens) >= length
                    for last in known.get(tuple(tokens[len(tokens) - length :]), ())
                ]
                if banned:
                    scores[row, torch.tensor(banned, dtype=torch.long)] = float("-inf")
            return scores

    return AvoidPhrases()


class TokenTexts:
    """What the tokens of a tokenizer write, for the constraints (built once per model).

    Only the tokens they need are decoded: those writing digits or a lone separator (numbers)
    and those writing non-ASCII text (phrases of scripts without spaces, such as Chinese).
    """

    def __init__(self, tokenizer: Any) -> None:
        special = set(tokenizer.all_special_ids) | set(tokenizer.get_added_vocab().values())
        self.digits: list[tuple[int, str]] = []
        self.separators: dict[str, list[int]] = {s: [] for s in _SEPARATORS}
        self.texts: dict[int, str] = {}
        # A non-ASCII character -> the tokens whose text contains it.
        self.containing: dict[str, list[int]] = {}
        pieces = tokenizer.convert_ids_to_tokens(list(range(len(tokenizer))))
        for token_id, piece in enumerate(pieces):
            if token_id in special or not piece:
                continue
            # Decoding all 262k pieces of a large vocabulary takes seconds; a piece shows
            # digits and separators (byte pieces spell them in hex) and non-ASCII text
            # (SentencePiece's "▁" for a space aside).
            numeric = re.search(r"[\d.,]", piece)
            foreign = not piece.replace("\u2581", "").isascii()
            if not (numeric or foreign):
                continue
            text = tokenizer.decode([token_id])
            if numeric and re.search(r"\d", text):
                self.digits.append((token_id, text))
            elif numeric and text in self.separators:
                self.separators[text].append(token_id)
            if foreign:
                self.texts[token_id] = text
                for char in set(text):
                    if not char.isascii():
                        self.containing.setdefault(char, []).append(token_id)
        self.numeric = {t for t, _ in self.digits} | {
            t for ids in self.separators.values() for t in ids
        }
        self.tokenizer = tokenizer
        self._texts_of: dict[int, str] = {}

    def text_of(self, token_id: int) -> str:
        """What one token writes (special tokens: nothing), decoded once."""
        text = self._texts_of.get(token_id)
        if text is None:
            text = self._texts_of[token_id] = self.tokenizer.decode(
                [token_id], skip_special_tokens=True
            )
        return text

    def writing(self, text: str, *, at_start: bool) -> list[int]:
        """Tokens whose text starts with (``at_start``) or contains ``text``; only tokens
        with non-ASCII text are indexed, so an all-ASCII ``text`` finds none."""
        key = next((char for char in text if not char.isascii()), None)
        found = []
        for token_id in self.containing.get(key, ()) if key else ():
            written = self.texts[token_id]
            if written.startswith(text) if at_start else text in written:
                found.append(token_id)
        return found


def text_phrase_processor(texts: TokenTexts, phrases: Sequence[Sequence[str]], width: int) -> Any:
    """A logits processor banning row i's non-ASCII ``phrases[i]`` by text, not by tokens.

    Chinese tokenises differently by context ("白色" is one token, "纯白" + "色" another
    time), so a banned token sequence misses most spellings. Here a token is banned when
    the row's generated text ends with the start of a phrase and the token writes the rest,
    or when the token's text holds the whole phrase.
    """
    import torch

    always: list[Any] = []
    after: list[list[tuple[str, Any]]] = []
    longest = 1
    for row in phrases:
        whole: set[int] = set()
        rests = []
        for phrase in row:
            if not phrase:
                continue
            longest = max(longest, len(phrase))
            whole.update(texts.writing(phrase, at_start=False))
            for cut in range(1, len(phrase)):
                ids = texts.writing(phrase[cut:], at_start=True)
                if ids:
                    rests.append((phrase[:cut], torch.tensor(ids, dtype=torch.long)))
        always.append(torch.tensor(sorted(whole), dtype=torch.long) if whole else None)
        after.append(rests)
    tokenizer = texts.tokenizer

    class AvoidText(_processor_base()):
        def __call__(self, ids: Any, scores: Any) -> Any:
            for row in range(ids.shape[0]):
                if always[row] is not None:
                    scores[row, always[row]] = float("-inf")
                if not after[row] or ids.shape[1] <= width:
                    continue
                # Every token writes at least one character: the last `longest` tokens hold
                # any start of a phrase.
                recent = ids[row, max(width, ids.shape[1] - longest) :].tolist()
                tail = tokenizer.decode(recent, skip_special_tokens=True)
                for start, banned in after[row]:
                    if tail.endswith(start):
                        scores[row, banned] = float("-inf")
            return scores

    return AvoidText()


def _prefix_of(text: str, allowed: Collection[str]) -> bool:
    return any(number.startswith(text) for number in allowed)


def _stub(tail: str, start: int) -> tuple[str, str, str] | None:
    """A short text the number rules judge exactly as ``tail``: (stub, open number, sep).

    ``start``: where generated text begins in ``tail``; a number that began before it (in the
    prompt) is not this row's to judge (None).
    """
    match = _OPEN_NUMBER.search(tail)
    if match:
        if match.start() < start:
            return None
        return f" {match.group(1)}{match.group(2)}", match.group(1), match.group(2)
    last = tail[-1:] if tail else " "
    return ("a" if re.match(r"\w", last) else "." if last == "." else " "), "", ""


def _judge(stub: str, text: str, allowed: Collection[str]) -> bool:
    """Whether writing ``text`` after ``stub`` states only allowed numbers (or their prefixes,
    for the one still open at the end)."""
    written = stub + text
    # The stub holds at most the open number, which the new text extends or closes.
    for match in NUMBER.finditer(written):
        if match.end() == len(written):
            if not _prefix_of(match.group(0), allowed):
                return False
        elif match.group(0) not in allowed:
            return False
    return True


def number_processor(
    vocabulary: TokenTexts, numbers: Sequence[Collection[str] | None], width: int
) -> Any:
    """A logits processor that lets row i state only the numbers ``numbers[i]`` (None: any)."""
    import torch

    tokenizer = vocabulary.tokenizer
    allowed = [None if n is None else frozenset(n) for n in numbers]
    # Per row, what each state of the text's end allows: most steps meet a state seen before.
    decided: list[dict[tuple[str, str, str], tuple[Any, Any]]] = [{} for _ in numbers]

    def decide(row: int, stub: str, open_number: str, sep: str) -> tuple[Any, Any]:
        numbers_here = allowed[row]
        banned = [t for t, text in vocabulary.digits if not _judge(stub, text, numbers_here)]
        only = None
        if open_number and open_number not in numbers_here:
            # Stopping here would state a number that is only a prefix of an allowed one.
            keep = [t for t, text in vocabulary.digits if _judge(stub, text, numbers_here)]
            if not sep:
                for separator, ids in vocabulary.separators.items():
                    if _prefix_of(open_number + separator, numbers_here):
                        keep += ids
            only = torch.tensor(sorted(keep), dtype=torch.long) if keep else None
        return (torch.tensor(banned, dtype=torch.long) if banned else None), only

    class NumberGuard(_processor_base()):
        def __call__(self, ids: Any, scores: Any) -> Any:
            length = ids.shape[1]
            for row in range(ids.shape[0]):
                if allowed[row] is None:
                    continue
                last = int(ids[row, length - 1])
                written = vocabulary.text_of(last) if length > width else ""
                if written and last not in vocabulary.numeric:
                    # A token without digits that is no lone separator ends any number: what
                    # may follow depends on its last character alone (no decoding needed).
                    state = _stub(written, 0)
                else:
                    begin = max(0, length - _TAIL_TOKENS)
                    tokens = ids[row, begin:length].tolist()
                    tail = tokenizer.decode(tokens, skip_special_tokens=True)
                    start = 0
                    if begin < width:
                        before = tokenizer.decode(tokens[: width - begin], skip_special_tokens=True)
                        start = len(before) if tail.startswith(before) else len(tail)
                    state = _stub(tail, start)
                if state is None:
                    continue
                if state not in decided[row]:
                    decided[row][state] = decide(row, *state)
                banned, only = decided[row][state]
                if only is not None:
                    kept = scores[row, only].clone()
                    scores[row] = float("-inf")
                    scores[row, only] = kept
                elif banned is not None:
                    scores[row, banned] = float("-inf")
            return scores

    return NumberGuard()


def structural_token_ids(tokenizer: Any) -> frozenset[int]:
    """Tokens that write only spaces, punctuation or digits (allowed in any copied text)."""
    special = set(tokenizer.all_special_ids)
    pieces = tokenizer.convert_ids_to_tokens(list(range(len(tokenizer))))
    return frozenset(
        token_id
        for token_id, piece in enumerate(pieces)
        if piece and token_id not in special and _STRUCTURAL.fullmatch(piece.replace("\u2581", " "))
    )


_STRUCTURAL = re.compile(r"[\s\d\W_]+|<0x[0-9A-Fa-f]{2}>")
_WORD = re.compile(r"[A-Za-z]+(?:'[A-Za-z]+)?|[^\sA-Za-z\d]")


def copy_token_ids(tokenizer: Any, text: str) -> set[int]:
    """The tokens that spell ``text`` and each of its words, as written, lower case and
    capitalised, with and without a space before (a word's spelling depends on what precedes
    it); a Chinese text's characters one by one too."""
    ids = set(tokenizer(text, add_special_tokens=False)["input_ids"])
    words = set(_WORD.findall(text))
    for word in words:
        for form in {word, word.lower(), word[:1].upper() + word[1:]}:
            for spelling in (form, f" {form}"):
                ids.update(tokenizer(spelling, add_special_tokens=False)["input_ids"])
    return ids


def only_tokens_processor(allowed: Sequence[Collection[int] | None]) -> Any:
    """A logits processor letting row i write only the tokens ``allowed[i]`` (None: any)."""
    import torch

    masks: list[Any] = [None] * len(allowed)

    class OnlyTokens(_processor_base()):
        def __call__(self, ids: Any, scores: Any) -> Any:
            for row, tokens in enumerate(allowed):
                if tokens is None:
                    continue
                if masks[row] is None:
                    mask = torch.ones(scores.shape[1], dtype=torch.bool)
                    mask[[t for t in tokens if t < scores.shape[1]]] = False
                    masks[row] = mask
                scores[row].masked_fill_(masks[row], float("-inf"))
            return scores

    return OnlyTokens()
