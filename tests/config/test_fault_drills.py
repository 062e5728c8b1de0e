"""scripts/fault_drills.py's own logic (the drills themselves run in `make fault-drills`)."""

import fcntl
import importlib.util
import os
import socket

import pytest

from config.env import BASE_DIR


def load_drills():
    spec = importlib.util.spec_from_file_location(
        "fault_drills", BASE_DIR / "scripts" / "fault_drills.py"
    )
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    return module


drills = load_drills()


def test_defaults_fit_the_five_minute_budget():
    args = drills.parse_args([])

    assert (args.timeout, args.products, args.keep_temp) == (330.0, 120, False)


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["--products", "10"], "--products must be at least 40"),
        (["--timeout", "0"], "--timeout must be positive"),
    ],
)
def test_impossible_arguments_are_refused(argv, message, capsys):
    with pytest.raises(SystemExit) as exit_info:
        drills.parse_args(argv)

    assert exit_info.value.code == 2
    assert message in capsys.readouterr().err


def test_the_snippets_last_json_line_is_read_past_log_lines():
    output = 'INFO something\n{"jobs": [1]}\nWARNING later\n{"jobs": [2], "ids": [5]}\n'

    assert drills.last_json(output) == {"jobs": [2], "ids": [5]}
    with pytest.raises(drills.DrillFailure, match="no JSON"):
        drills.last_json("Traceback: boom")


def test_a_taken_port_is_not_picked():
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen()
        port = taken.getsockname()[1]

        assert drills.port_is_free(port) is False
        assert drills.pick_port(port) != port


def test_a_held_lock_is_seen_and_a_free_one_is_left_free(tmp_path):
    lock = tmp_path / ".rebuild.lock"
    assert drills.lock_is_free(lock) is True  # no file: nobody ever held it
    descriptor = os.open(lock, os.O_RDWR | os.O_CREAT)
    try:
        fcntl.flock(descriptor, fcntl.LOCK_EX)
        # flock is per open file description: a second open() sees the holder.
        assert drills.lock_is_free(lock) is False
        fcntl.flock(descriptor, fcntl.LOCK_UN)
        assert drills.lock_is_free(lock) is True
    finally:
        os.close(descriptor)


def test_wait_for_returns_the_first_truthy_answer_or_fails_with_what_it_waited_for():
    answers = iter([None, 0, {"done": 3}])

    assert drills.wait_for("progress", lambda: next(answers), 5, every=0) == {"done": 3}
    with pytest.raises(drills.DrillFailure, match="the rebuild: not within 0 s"):
        drills.wait_for("the rebuild", lambda: False, 0, every=0)
