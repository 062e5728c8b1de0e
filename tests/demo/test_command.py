"""``manage.py load_demo_shop``: the DEBUG guard and the demo accounts' passwords."""

from __future__ import annotations

import re
import stat
from io import StringIO

import pytest
from django.contrib.auth import get_user_model
from django.core.management import CommandError, call_command
from django.test import Client

from shop.catalog.models import Category, Product
from shop.interactions.models import Interaction

TINY = {"products": 20, "customers": 2}
REFUSAL = (
    "Refusing to load the demo shop: DEBUG is off, so this may be a production database, and "
    "the demo writes a staff account and demo customers into it. Nothing was written. Pass "
    "--i-know-this-is-not-production if this database is disposable."
)


def load(**options) -> str:
    out = StringIO()
    call_command("load_demo_shop", **{**TINY, **options}, stdout=out, stderr=StringIO())
    return out.getvalue()


def printed_passwords(output: str) -> tuple[str, str]:
    merchant = re.search(r"Admin: merchant / '([^']+)' at /en/admin/", output)
    customers = re.search(
        r"Sign in as demo_customer_01 … demo_customer_02 with the password '([^']+)'\.", output
    )
    assert merchant, output
    assert customers, output
    return merchant.group(1), customers.group(1)


def logs_in(username: str, password: str) -> bool:
    return Client().login(username=username, password=password)


# --- the DEBUG guard -------------------------------------------------------------------------


@pytest.mark.django_db
def test_refuses_when_debug_is_off(settings, var_dir):
    """With DEBUG off and no flag the command refuses, and writes no rows and no file."""
    settings.DEBUG = False

    with pytest.raises(CommandError) as raised:
        load()
    assert str(raised.value) == REFUSAL
    assert not Category.objects.exists()
    assert not Product.objects.exists()
    assert not get_user_model().objects.exists()
    assert not (var_dir / "demo-accounts.txt").exists()


@pytest.mark.django_db
def test_the_flag_loads_with_debug_off(settings):
    """``--i-know-this-is-not-production`` loads a disposable database with DEBUG off."""
    settings.DEBUG = False

    load(not_production=True, password="x")

    assert Product.objects.count() == 20
    assert get_user_model().objects.count() == 3


@pytest.mark.django_db
def test_debug_on_needs_no_flag(settings):
    """With DEBUG on (``config.settings.dev``) the command loads without the flag."""
    settings.DEBUG = True

    load(password="x")

    assert Product.objects.count() == 20


# --- passwords -------------------------------------------------------------------------------


@pytest.mark.django_db
def test_random_passwords_are_printed_saved_and_work(settings, var_dir):
    """Without ``--password`` every load prints new random passwords (one for the merchant,
    one for the customers), saves them to var/demo-accounts.txt with mode 0600, and they log
    in; the previous load's stop working."""
    settings.DEBUG = True

    first = printed_passwords(load())
    second = printed_passwords(load())

    merchant, customers = second
    assert len(set(first + second)) == 4
    assert all(len(password) == 16 for password in first + second)
    assert logs_in("merchant", merchant)
    assert logs_in("demo_customer_01", customers)
    assert logs_in("demo_customer_02", customers)
    assert not logs_in("merchant", first[0])
    assert not logs_in("demo_customer_01", first[1])

    accounts = var_dir / "demo-accounts.txt"
    assert stat.S_IMODE(accounts.stat().st_mode) == 0o600
    lines = accounts.read_text(encoding="utf-8").splitlines()
    assert re.fullmatch(
        r"# Demo shop accounts, written by `manage.py load_demo_shop` on "
        r"\d{4}-\d\d-\d\d \d\d:\d\d UTC\.",
        lines[0],
    )
    assert lines[1:] == [
        "# Every load makes new random passwords and rewrites this file.",
        f"Admin: merchant / {merchant} at /en/admin/",
        f"Customers: demo_customer_01 … demo_customer_02 / {customers}",
    ]


@pytest.mark.django_db
def test_accounts_file_stays_private_when_it_existed(settings, var_dir):
    """A readable accounts file left by someone else is replaced by a 0600 one."""
    settings.DEBUG = True
    var_dir.mkdir(parents=True)
    accounts = var_dir / "demo-accounts.txt"
    accounts.write_text("old\n")
    accounts.chmod(0o644)

    load()

    assert stat.S_IMODE(accounts.stat().st_mode) == 0o600
    assert (
        accounts.read_text(encoding="utf-8")
        .splitlines()[-1]
        .startswith("Customers: demo_customer_01 … demo_customer_02 / ")
    )
    assert sorted(p.name for p in var_dir.iterdir()) == ["demo-accounts.txt"]


@pytest.mark.django_db
def test_password_option_sets_one_password_for_every_account(settings, var_dir):
    """``--password`` gives the merchant and every customer that password; it is not echoed
    and var/demo-accounts.txt is not written."""
    settings.DEBUG = True

    output = load(password="chosen-demo-password")

    assert logs_in("merchant", "chosen-demo-password")
    assert logs_in("demo_customer_01", "chosen-demo-password")
    assert logs_in("demo_customer_02", "chosen-demo-password")
    assert "chosen-demo-password" not in output
    assert (
        "  Admin: merchant at /en/admin/; customers demo_customer_01 … demo_customer_02; all "
        "with the password given by --password.\n"
    ) in output
    assert not (var_dir / "demo-accounts.txt").exists()


@pytest.mark.django_db
def test_empty_password_is_refused(settings):
    """An empty ``--password`` is refused before anything is written."""
    settings.DEBUG = True

    with pytest.raises(CommandError, match=r"^--password must not be empty$"):
        load(password=" ")
    assert not Product.objects.exists()


@pytest.mark.django_db
def test_no_history_writes_no_accounts(settings, var_dir):
    """``--no-history`` writes the catalog only: no accounts, no passwords, no file."""
    settings.DEBUG = True

    output = load(no_history=True)

    assert Product.objects.count() == 20
    assert not get_user_model().objects.exists()
    assert not Interaction.objects.exists()
    assert "password" not in output
    assert not (var_dir / "demo-accounts.txt").exists()
