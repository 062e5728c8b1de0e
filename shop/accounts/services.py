"""Writes on accounts: roles."""

from __future__ import annotations

from django.contrib.auth.models import AbstractUser, Group
from django.db import transaction

# Made with its permissions by migration 0001_merchant_group.
MERCHANT_GROUP_NAME = "Merchant"


@transaction.atomic
def grant_merchant_role(*, user: AbstractUser) -> None:
    """Make ``user`` a merchant: staff in the Merchant group, and not a superuser.

    Raises:
        Group.DoesNotExist: the Merchant group is missing (migrations not applied).
    """
    group = Group.objects.get(name=MERCHANT_GROUP_NAME)
    user.is_staff = True
    user.is_superuser = False
    user.save(update_fields=["is_staff", "is_superuser"])
    user.groups.add(group)
