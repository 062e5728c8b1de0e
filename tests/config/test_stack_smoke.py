"""scripts/stack_smoke.py's own logic (the smoke test itself runs in `make stack-smoke`)."""

import importlib.util

import pytest

from config.env import BASE_DIR


def load_smoke():
    spec = importlib.util.spec_from_file_location(
        "stack_smoke", BASE_DIR / "scripts" / "stack_smoke.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


smoke = load_smoke()

HONCHO_LOG = """\
== stack: honcho start on http://127.0.0.1:18231/ (VAR_DIR=/work/main/var/stack-smoke)
09:29:19 system       | web.1 started (pid=9953)
09:29:19 system       | worker.1 started (pid=9954)
09:29:19 web.1        | [2026-12-06 09:29:19 +0000] [9957] [INFO] Booting worker with pid: 9966
09:29:19 system       | beat.1 started (pid=9960)
09:29:19 system       | worker_llm.1 started (pid=9961)
09:31:14 system       | sending SIGTERM to web.1 (pid 9953)
"""


def test_defaults_fit_the_two_core_ci_machine():
    args = smoke.parse_args([])

    assert (args.port, args.products, args.timeout, args.keep_data) == (0, 300, 420.0, False)


def test_arguments_are_read():
    args = smoke.parse_args(
        ["--port", "18000", "--products", "50", "--timeout", "90", "--keep-data"]
    )

    assert (args.port, args.products, args.timeout, args.keep_data) == (18000, 50, 90.0, True)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--products", "0"], "--products must be at least 1"),
        (["--timeout", "0"], "--timeout must be positive"),
    ],
)
def test_impossible_arguments_are_refused(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        smoke.parse_args(argv)

    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_deadline_caps_each_wait_by_what_is_left():
    now = [1000.0]
    deadline = smoke.Deadline(300, clock=lambda: now[0])

    assert deadline.budget(240) == 240
    now[0] = 1200.0
    assert deadline.left() == 100
    assert deadline.budget(240) == 100
    now[0] = 1400.0
    assert deadline.left() == 0
    assert deadline.budget(30) == 0


def test_started_processes_are_read_from_honchos_log():
    assert smoke.started_processes(HONCHO_LOG) == {
        "web.1": 9953,
        "worker.1": 9954,
        "beat.1": 9960,
        "worker_llm.1": 9961,
    }


def test_the_queued_job_is_read_from_generate_copy():
    output = "Queued copy job 17 for 1 products.\nJob 17: Queued, 0/1 products; …\n"

    assert smoke.queued_job_id(output) == 17


def test_generate_copy_without_a_job_fails_with_its_output():
    with pytest.raises(smoke.SmokeFailure) as failure:
        smoke.queued_job_id("No products to draft copy for.\n")

    assert str(failure.value) == "generate_copy did not queue a job: No products to draft copy for."


def test_log_tail_keeps_the_last_lines(tmp_path):
    log = tmp_path / "stack.log"
    log.write_text("".join(f"line {number}\n" for number in range(100)))

    assert smoke.tail(log, 3) == "line 97\nline 98\nline 99"
    assert smoke.tail(tmp_path / "missing.log") == f"({tmp_path / 'missing.log'} cannot be read)"


def test_the_new_title_word_is_kept_whole_by_the_search_analyzer():
    from search.text import analyze

    for word in (smoke.new_word() for _ in range(50)):
        assert len(word) == 11
        assert word.startswith("zorb")
        assert analyze(word) == [word]
