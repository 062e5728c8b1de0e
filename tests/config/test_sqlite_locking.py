"""The embedded SQLite database under writers on several threads."""

import threading
import time

import pytest
from django.conf import settings
from django.db.backends.sqlite3.base import DatabaseWrapper


def wrapper(path):
    """A connection configured as the project configures SQLite, on its own file."""
    config = {**settings.DATABASES["default"], "NAME": str(path)}
    config.setdefault("OPTIONS", {})
    config.setdefault("TIME_ZONE", None)
    config.setdefault("AUTOCOMMIT", True)
    return DatabaseWrapper(config, alias="locking")


@pytest.mark.skipif(
    settings.DATABASES["default"]["ENGINE"] != "django.db.backends.sqlite3",
    reason="the database is not SQLite",
)
def test_a_transaction_that_reads_then_writes_waits_for_another_writer(tmp_path, django_db_blocker):
    """Without IMMEDIATE transactions the second writer fails at once with "database is
    locked" (it reads first, then cannot upgrade its lock while the first holds it)."""
    with django_db_blocker.unblock():
        _two_writers(tmp_path)


def _two_writers(tmp_path):
    path = tmp_path / "shop.sqlite3"
    setup = wrapper(path)
    with setup.cursor() as cursor:
        cursor.execute("CREATE TABLE counter (n INTEGER)")
        cursor.execute("INSERT INTO counter VALUES (0)")
    setup.close()
    holding = threading.Event()
    errors = []

    def first_writer():
        connection = wrapper(path)
        try:
            with connection.cursor() as cursor:
                cursor.execute("BEGIN IMMEDIATE")
                cursor.execute("UPDATE counter SET n = n + 1")
                holding.set()
                time.sleep(0.5)
                cursor.execute("COMMIT")
        finally:
            connection.close()

    thread = threading.Thread(target=first_writer)
    thread.start()
    holding.wait(5)
    second = wrapper(path)
    try:
        # What transaction.atomic() does on SQLite: autocommit off, then "BEGIN <mode>".
        second.ensure_connection()
        second.set_autocommit(False, force_begin_transaction_with_broken_autocommit=True)
        with second.cursor() as cursor:
            cursor.execute("SELECT n FROM counter")
            cursor.execute("UPDATE counter SET n = n + 1")
        second.commit()
    except Exception as exc:  # noqa: BLE001 - the failure this test is about
        errors.append(exc)
    finally:
        second.close()
        thread.join()

    assert errors == []
    final = wrapper(path)
    with final.cursor() as cursor:
        cursor.execute("SELECT n FROM counter")
        assert cursor.fetchone() == (2,)
    final.close()
