"""Customers' personal data stays out of logs: no console mail in production, and request
logs without query strings (they carry search terms)."""

from __future__ import annotations

import logging
import os
import runpy
import shlex
import subprocess
import sys
from datetime import timedelta
from types import SimpleNamespace

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from gunicorn.config import Config
from gunicorn.glogging import Logger, SafeAtoms

from common.log_filters import StripQueryString
from config.env import BASE_DIR
from shop.orders.checks import check_email_backend

CONSOLE = "django.core.mail.backends.console.EmailBackend"
LOCMEM = "django.core.mail.backends.locmem.EmailBackend"
SMTP = "django.core.mail.backends.smtp.EmailBackend"
FILES = "django.core.mail.backends.filebased.EmailBackend"
SEARCH = "/en/search/"
SECRET_QUERY = "q=maternity+size+16&page=2"


@pytest.mark.parametrize("backend", [CONSOLE, LOCMEM])
def test_mail_backend_that_does_not_deliver_is_an_error_with_debug_off(settings, backend):
    """Console and locmem mail with DEBUG off is refused as orders.E003."""
    settings.DEBUG = False
    settings.EMAIL_BACKEND = backend

    messages = check_email_backend()

    assert [message.id for message in messages] == ["orders.E003"]
    assert messages[0].msg.startswith(f"EMAIL_BACKEND is {backend!r} while DEBUG is off")


@pytest.mark.parametrize(("debug", "backend"), [(True, CONSOLE), (False, SMTP), (False, FILES)])
def test_mail_backend_check_passes_delivering_backends_and_debug(settings, debug, backend):
    settings.DEBUG = debug
    settings.EMAIL_BACKEND = backend

    assert check_email_backend() == []


def test_manage_py_check_fails_on_console_mail_in_production(settings):
    """`manage.py check` (run by migrate, so by every deployment's prepare step) stops."""
    settings.DEBUG = False
    settings.EMAIL_BACKEND = CONSOLE
    settings.SILENCED_SYSTEM_CHECKS = []

    with pytest.raises(SystemCheckError, match="orders.E003"):
        call_command("check", tags=["orders"])


def test_silencing_orders_e003_is_the_explicit_opt_out(settings):
    settings.DEBUG = False
    settings.EMAIL_BACKEND = CONSOLE
    settings.SHOP_PAYMENT_GATEWAYS = ["shop.orders.payments.CashOnDelivery"]
    settings.SILENCED_SYSTEM_CHECKS = ["orders.E003"]

    call_command("check", tags=["orders"])


def _prod_settings_environment(**extra: str) -> dict[str, str]:
    environ = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith("EMAIL_") and name != "DJANGO_SETTINGS_MODULE"
    }
    return {**environ, "SECRET_KEY": "test", "ALLOWED_HOSTS": "localhost", **extra}


def test_production_settings_have_no_mail_backend_default():
    """Without EMAIL_BACKEND production settings do not load (no console fallback)."""
    result = subprocess.run(
        [sys.executable, "-c", "import config.settings.prod"],
        cwd=BASE_DIR,
        env=_prod_settings_environment(),
        capture_output=True,
        text=True,
        timeout=60,
    )

    assert result.returncode == 1
    assert "ImproperlyConfigured: Set the EMAIL_BACKEND environment variable" in result.stderr


def test_production_stack_passes_the_checks_with_its_mail_backend(tmp_path):
    """`make stack` / `make stack-smoke` (scripts/stack.sh, production settings) write mail to
    files under VAR_DIR, which the check accepts: their migrate step does not stop."""
    environ = _prod_settings_environment(VAR_DIR=str(tmp_path))
    stack = [str(BASE_DIR / "scripts" / "stack.sh")]

    printed = subprocess.run(  # noqa: S603 - the repository's own script
        [*stack, "env"], env=environ, capture_output=True, text=True, timeout=60, check=True
    ).stdout
    checked = subprocess.run(  # noqa: S603 - the repository's own script
        [*stack, "run", "python", "manage.py", "check", "--tag", "orders"],
        env=environ,
        capture_output=True,
        text=True,
        timeout=120,
    )

    assert f"EMAIL_BACKEND={FILES}\n" in printed
    assert f"EMAIL_FILE_PATH={tmp_path}/mail\n" in printed
    assert (checked.returncode, checked.stdout.strip()) == (
        0,
        "System check identified no issues (0 silenced).",
    )


def test_compose_gives_production_a_file_mail_backend():
    yaml = pytest.importorskip("yaml")
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    environment = compose["x-app"]["environment"]

    assert environment["EMAIL_BACKEND"] == f"${{EMAIL_BACKEND:-{FILES}}}"
    assert environment["EMAIL_FILE_PATH"] == "/app/var/mail"


def _web_commands() -> dict[str, list[str]]:
    procfile = dict(
        line.split(": ", 1) for line in (BASE_DIR / "Procfile").read_text().splitlines() if line
    )
    yaml = pytest.importorskip("yaml")
    compose = yaml.safe_load((BASE_DIR / "docker-compose.yml").read_text())
    dockerfile = (BASE_DIR / "Dockerfile").read_text()
    cmd = dockerfile[dockerfile.index("CMD [") + 4 :].replace("\\\n", "")
    return {
        "Procfile": shlex.split(procfile["web"]),
        "docker-compose.yml": shlex.split(compose["services"]["web"]["command"]),
        "Dockerfile": [part.strip(' "\n') for part in cmd.strip().strip("[]").split(",")],
    }


def _access_line(log_format: str) -> str:
    """What gunicorn writes to the access log for a search with a referrer, in ``log_format``."""
    environ = {
        "REQUEST_METHOD": "GET",
        "RAW_URI": f"{SEARCH}?{SECRET_QUERY}",
        "PATH_INFO": SEARCH,
        "QUERY_STRING": SECRET_QUERY,
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "203.0.113.9",
        "HTTP_REFERER": f"https://shop.example{SEARCH}?{SECRET_QUERY}",
        "HTTP_USER_AGENT": "Mozilla/5.0",
    }
    request = SimpleNamespace(headers=[("REFERER", environ["HTTP_REFERER"])])
    response = SimpleNamespace(status="200 OK", sent=512, headers=[])
    logger = Logger(Config())
    atoms = logger.atoms(response, request, environ, timedelta(milliseconds=42))
    return log_format % SafeAtoms(atoms)


def test_every_way_to_start_gunicorn_uses_the_shared_config():
    for where, command in _web_commands().items():
        assert command[command.index("--config") + 1] == "config/gunicorn.py", where


def test_gunicorn_access_log_has_the_path_without_query_string_or_referrer():
    """Parsed from the file the Procfile names, rendered by gunicorn's own logger."""
    command = _web_commands()["Procfile"]
    log_format = runpy.run_path(str(BASE_DIR / command[command.index("--config") + 1]))[
        "access_log_format"
    ]

    line = _access_line(log_format)

    # Request line, query string, referrer.
    assert [atom for atom in ("%(r)s", "%(q)s", "%(f)s") if atom in log_format] == []
    assert "maternity" not in line
    assert '"GET /en/search/ HTTP/1.1" 200 512 "Mozilla/5.0" 0.042000' in line
    # The default format would have logged the search.
    assert "maternity" in _access_line(Config().access_log_format)


def test_runserver_request_log_drops_query_strings():
    """runserver's request lines (logger django.server) lose the query string."""
    handlers = logging.getLogger("django.server").handlers
    record = logging.LogRecord(
        "django.server",
        logging.INFO,
        __file__,
        1,
        '"%s" %s %s',
        (f"GET {SEARCH}?{SECRET_QUERY} HTTP/1.1", "200", "512"),
        None,
    )

    assert [type(f) for h in handlers for f in h.filters] == [StripQueryString]
    assert all(f.filter(record) for h in handlers for f in h.filters)
    assert record.getMessage() == '"GET /en/search/ HTTP/1.1" 200 512'
