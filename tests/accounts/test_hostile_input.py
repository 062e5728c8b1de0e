"""Hostile sign-up and log-in input (issue #18): the forms only report field errors and the
pages answer any submission without a server error."""

from __future__ import annotations

from typing import Any

import pytest
from django.contrib.auth.forms import AuthenticationForm
from hypothesis import given

from shop.accounts.forms import SignupForm
from tests.factories import UserFactory
from tests.hostile import HOSTILE, hostile_form_data, query_dict

pytestmark = pytest.mark.django_db

SIGNUP_FIELDS = ["username", "email", "password1", "password2", "next"]
LOGIN_FIELDS = ["username", "password", "next"]


@HOSTILE
@given(data=hostile_form_data(SIGNUP_FIELDS))
def test_signup_form_only_reports_field_errors(data: dict) -> None:
    """is_valid() is a bool, and nothing is saved by validating."""
    form = SignupForm(query_dict(data))

    assert form.is_valid() in (True, False)


@HOSTILE
@given(data=hostile_form_data(LOGIN_FIELDS))
def test_login_form_only_reports_field_errors(data: dict) -> None:
    """is_valid() is a bool (authentication included)."""
    UserFactory(username="customer")
    form = AuthenticationForm(None, query_dict(data))

    assert form.is_valid() in (True, False)


@HOSTILE
@given(data=hostile_form_data(SIGNUP_FIELDS))
def test_signup_page_never_fails(client: Any, data: dict) -> None:
    """Any submission re-renders the form (200) or signs up and redirects (302)."""
    client.logout()
    response = client.post("/en/accounts/signup/", query_dict(data))

    assert response.status_code in (200, 302)


@HOSTILE
@given(data=hostile_form_data(LOGIN_FIELDS))
def test_login_page_never_fails(client: Any, data: dict) -> None:
    """Any submission re-renders the form (200) or logs in and redirects (302)."""
    UserFactory(username="customer")
    client.logout()
    response = client.post("/en/accounts/login/", query_dict(data))

    assert response.status_code in (200, 302)
