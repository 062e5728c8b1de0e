"""Background generation gives way to web requests (llm_services.foreground)."""

from __future__ import annotations

import os

import pytest
from django.http import HttpResponse
from django.test import RequestFactory

from llm_services import foreground, interactive_calls
from llm_services.foreground import (
    SLOTS,
    STALE_SECONDS,
    Board,
    ForegroundRequestsMiddleware,
    give_way_hook,
)

PROMPT = "running shoes"


@pytest.fixture
def board_path(tmp_path, settings):
    path = tmp_path / "web-busy.board"
    settings.LLM_GIVE_WAY_BOARD = path
    settings.LLM_GIVE_WAY = True
    foreground._boards.clear()
    yield path
    foreground._boards.clear()


def test_a_marked_slot_is_busy_until_cleared_or_stale(tmp_path):
    board = Board(tmp_path / "b")
    assert tmp_path.joinpath("b").stat().st_size == SLOTS * 8
    assert board.busy(now=1000.0) is False
    board.mark(7, 1000.0)
    assert board.busy(now=1000.5) is True
    assert board.busy(now=1000.5, ignore=7) is False
    assert board.busy(now=1000.0 + STALE_SECONDS + 0.1) is False
    board.mark(7 + SLOTS, 0.0)  # the same slot, by pid modulo SLOTS
    assert board.busy(now=1000.5) is False


def test_two_processes_see_one_board(tmp_path):
    first, second = Board(tmp_path / "b"), Board(tmp_path / "b")
    first.mark(3, 50.0)
    assert second.busy(now=51.0) is True


def test_the_middleware_marks_the_process_while_it_answers(board_path):
    seen = []
    reader = Board(board_path)

    def view(request):
        seen.append(reader.busy())
        seen.append(reader.busy(ignore=os.getpid()))
        return HttpResponse()

    ForegroundRequestsMiddleware(view)(RequestFactory().get("/"))
    assert seen == [True, False]
    assert reader.busy() is False


def test_interactive_calls_never_wait(board_path):
    with interactive_calls():
        assert give_way_hook() is None
    assert give_way_hook() is not None


def test_off_when_disabled(board_path, settings):
    settings.LLM_GIVE_WAY = False
    assert give_way_hook() is None


def test_a_background_call_waits_for_another_process_at_most_max_wait(board_path, settings):
    settings.LLM_GIVE_WAY_MAX_WAIT = 0.05
    waits = []
    board = foreground.board()
    original = board.wait_until_idle

    def recording(max_wait, *, ignore=None):
        waited = original(max_wait, ignore=ignore)
        waits.append((max_wait, ignore, waited))
        return waited

    board.wait_until_idle = recording
    give_way = give_way_hook()
    give_way()
    Board(board_path).mark(os.getpid() + 1, foreground.time.time())  # another web process
    give_way()
    assert [(w[0], w[1]) for w in waits] == [(0.05, os.getpid())] * 2
    assert waits[0][2] < 0.01
    assert 0.05 <= waits[1][2] < 0.5


def test_background_generation_gives_way_before_prefill_and_after_every_step(
    tiny_generator, monkeypatch
):
    calls = []
    monkeypatch.setattr(
        "llm_services.backends.local_generate.give_way_hook", lambda: lambda: calls.append(1)
    )
    generation = tiny_generator.generate(PROMPT, max_new_tokens=5, temperature=0)
    assert generation.completion_tokens == 5
    assert len(calls) == 1 + 5


def test_a_stream_decides_in_the_callers_context(tiny_generator, monkeypatch):
    """The stream decodes in its own thread; the hook is taken where the caller is."""
    asked = []

    def hook():
        asked.append(foreground.call_budget())
        return None

    monkeypatch.setattr("llm_services.backends.local_generate.give_way_hook", hook)
    with interactive_calls(1.5):
        pieces = list(tiny_generator.stream(PROMPT, max_new_tokens=3, temperature=0))
    assert pieces
    assert asked == [1.5]
