"""The demo accounts' passwords: random for every load unless one is chosen.

The demo writes a staff account (``merchant``) and customers (``demo_customer_01`` …), so their
passwords must not be published ones. Each load makes new random passwords (``secrets``); the
command prints them and keeps them in ``var/demo-accounts.txt``, readable by its owner only.
Tests and benchmarks choose one password for every account with ``--password``.
"""

from __future__ import annotations

import os
import secrets
import tempfile
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

from django.conf import settings

from .customers import DEMO_MERCHANT_USERNAME, username_for

ACCOUNTS_FILE_NAME = "demo-accounts.txt"
# 16 URL-safe characters, about 96 bits.
PASSWORD_BYTES = 12


@dataclass(frozen=True)
class DemoPasswords:
    merchant: str
    customers: str
    # True when the caller chose the password (--password): nothing random to write down.
    chosen: bool = False

    @classmethod
    def random(cls) -> DemoPasswords:
        """A password for the merchant and another one shared by the demo customers (one
        hash for all customers keeps the load fast)."""
        return cls(
            merchant=secrets.token_urlsafe(PASSWORD_BYTES),
            customers=secrets.token_urlsafe(PASSWORD_BYTES),
        )

    @classmethod
    def given(cls, password: str) -> DemoPasswords:
        return cls(merchant=password, customers=password, chosen=True)


def accounts_file() -> Path:
    """Where the last load's random passwords are kept: ``var/demo-accounts.txt``."""
    return Path(settings.VAR_DIR) / ACCOUNTS_FILE_NAME


def account_lines(passwords: DemoPasswords, *, customers: int) -> list[str]:
    """Who can sign in, and with which password."""
    return [
        f"Admin: {DEMO_MERCHANT_USERNAME} / {passwords.merchant} at /en/admin/",
        f"Customers: {username_for(1)} … {username_for(customers)} / {passwords.customers}",
    ]


def write_accounts_file(path: Path, lines: list[str], *, now: datetime) -> None:
    """Replace ``path`` with the account lines; the file is readable by its owner only (0600)."""
    text = "\n".join(
        [
            f"# Demo shop accounts, written by `manage.py load_demo_shop` on "
            f"{now:%Y-%m-%d %H:%M} UTC.",
            "# Every load makes new random passwords and rewrites this file.",
            *lines,
            "",
        ]
    )
    path.parent.mkdir(parents=True, exist_ok=True)
    # mkstemp creates the file with mode 0600; os.replace swaps it in whole.
    descriptor, temporary = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.")
    try:
        with os.fdopen(descriptor, "w", encoding="utf-8") as handle:
            handle.write(text)
        os.replace(temporary, path)
    except BaseException:
        Path(temporary).unlink(missing_ok=True)
        raise
