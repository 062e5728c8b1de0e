"""Login throttling (django-axes): the fifth wrong password for a username from one address
locks that pair out, on the storefront login and the admin login alike."""

import pytest
from axes.models import AccessAttempt
from django.utils import translation

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db

PASSWORD = "correct-horse-battery"
LOGINS = ["/en/accounts/login/", "/en/admin/login/"]


@pytest.fixture(autouse=True)
def axes_on(settings):
    """Test settings switch axes off (Client.login has no request to count); these need it."""
    settings.AXES_ENABLED = True
    settings.AXES_FAILURE_LIMIT = 5


@pytest.fixture(autouse=True)
def _reset_language():
    yield
    translation.deactivate()


def _post(client, url, password, **extra):
    return client.post(url, {"username": "grace", "password": password}, **extra)


@pytest.mark.parametrize("url", LOGINS)
def test_fifth_failure_locks_out_and_the_sixth_attempt_answers_429(client, url):
    """Four wrong passwords show the form again; the fifth locks the account out from this
    address, and the sixth attempt answers 429 with Retry-After, even with the right password."""
    UserFactory(username="grace", is_staff=True)
    statuses = [_post(client, url, "wrong").status_code for _ in range(5)]
    sixth = _post(client, url, PASSWORD)
    assert statuses == [200, 200, 200, 200, 429]
    assert sixth.status_code == 429
    assert sixth["Retry-After"] == "900"
    assert "Too many failed sign-in attempts. Please try again in 15 minutes." in (
        sixth.content.decode()
    )
    assert "_auth_user_id" not in client.session
    assert AccessAttempt.objects.get(username="grace").failures_since_start == 6


def test_lockout_is_per_username_and_address(client):
    """Another address still signs in to the locked username, and another username from the
    locked address too."""
    UserFactory(username="grace")
    UserFactory(username="alan")
    for _ in range(5):
        _post(client, LOGINS[0], "wrong", REMOTE_ADDR="10.0.0.1")
    other_address = _post(client, LOGINS[0], PASSWORD, REMOTE_ADDR="10.0.0.2")
    assert other_address.status_code == 302
    client.logout()
    other_user = client.post(
        LOGINS[0], {"username": "alan", "password": PASSWORD}, REMOTE_ADDR="10.0.0.1"
    )
    assert other_user.status_code == 302


def test_success_resets_the_failure_count(client):
    UserFactory(username="grace")
    for _ in range(4):
        _post(client, LOGINS[0], "wrong")
    assert _post(client, LOGINS[0], PASSWORD).status_code == 302
    client.logout()
    assert [_post(client, LOGINS[0], "wrong").status_code for _ in range(4)] == [200] * 4


def test_lockout_page_speaks_the_visitors_language(client):
    UserFactory(username="grace")
    for _ in range(5):
        _post(client, "/zh-hans/accounts/login/", "wrong")
    response = _post(client, "/zh-hans/accounts/login/", PASSWORD)
    assert response.status_code == 429
    assert "登录失败次数过多，请 15 分钟后再试。" in response.content.decode()
