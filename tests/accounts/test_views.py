import pytest
from django.contrib.auth import get_user_model
from django.utils import translation

from tests.factories import UserFactory

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def _reset_language():
    """Requests to /zh-hans/ activate Chinese in this thread; later tests expect the default."""
    yield
    translation.deactivate()


PASSWORD = "correct-horse-battery"


def test_signup_creates_the_user_and_logs_them_in(client):
    """A valid sign-up creates the account, logs it in and returns to the shop."""
    response = client.post(
        "/en/accounts/signup/",
        {
            "username": "grace",
            "email": "grace@example.com",
            "password1": "a-long-unusual-passphrase",
            "password2": "a-long-unusual-passphrase",
        },
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/"
    user = get_user_model().objects.get(username="grace")
    assert user.email == "grace@example.com"
    assert client.session["_auth_user_id"] == str(user.pk)
    home = client.get("/en/")
    html = home.content.decode()
    assert "Hi, grace" in html
    assert "Welcome! Your account has been created." in html


def test_signup_respects_a_safe_next_and_ignores_an_external_one(client):
    """``next`` sends the new customer back where they were, but never off-site."""
    data = {
        "username": "ada",
        "email": "ada@example.com",
        "password1": "a-long-unusual-passphrase",
        "password2": "a-long-unusual-passphrase",
        "next": "/en/c/shoes/",
    }
    assert client.post("/en/accounts/signup/", data)["Location"] == "/en/c/shoes/"
    client.logout()
    data.update(username="bob", email="bob@example.com", next="https://evil.example.com/")
    assert client.post("/en/accounts/signup/", data)["Location"] == "/en/"


def test_signup_rejects_mismatched_passwords(client):
    """Errors are shown next to the fields and nothing is created."""
    response = client.post(
        "/en/accounts/signup/",
        {
            "username": "newcomer",
            "email": "newcomer@example.com",
            "password1": "a-long-unusual-passphrase",
            "password2": "something-else-entirely",
        },
    )
    assert response.status_code == 200
    assert "The two password fields didn’t match." in response.content.decode()
    assert not get_user_model().objects.filter(username="newcomer").exists()
    assert "_auth_user_id" not in client.session


def test_signup_does_not_reveal_whether_an_email_is_registered(client):
    """A registered address is answered exactly like a new one: same redirect, same message.

    Only the new account's own username differs on the page, which the visitor typed.
    """
    UserFactory(username="taken", email="taken@example.com")
    answers = []
    for username, email in [("fresh", "fresh@example.com"), ("other", "TAKEN@example.com")]:
        response = client.post(
            "/en/accounts/signup/",
            {
                "username": username,
                "email": email,
                "password1": "a-long-unusual-passphrase",
                "password2": "a-long-unusual-passphrase",
            },
        )
        html = client.get(response["Location"]).content.decode()
        answers.append(
            (
                response.status_code,
                response["Location"],
                "Welcome! Your account has been created." in html,
                "already exists" in html,
            )
        )
        client.logout()

    assert answers == [(302, "/en/", True, False), (302, "/en/", True, False)]


def test_signup_page_in_chinese(client):
    """The sign-up page is translated."""
    response = client.get("/zh-hans/accounts/signup/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<h1 id="signup-title">创建账户</h1>' in html
    assert "电子邮箱" in html


def test_login_and_logout(client):
    """Logging in redirects to ``next``; logging out is a POST that ends the session."""
    user = UserFactory(username="lin")
    response = client.post(
        "/en/accounts/login/",
        {"username": "lin", "password": PASSWORD, "next": "/en/search/"},
    )
    assert response.status_code == 302
    assert response["Location"] == "/en/search/"
    assert client.session["_auth_user_id"] == str(user.pk)
    html = client.get("/en/").content.decode()
    assert '<form action="/en/accounts/logout/" method="post">' in html
    response = client.post("/en/accounts/logout/")
    assert response.status_code == 302
    assert response["Location"] == "/en/"
    assert "_auth_user_id" not in client.session


def test_logout_by_get_is_refused(client):
    """Django 5 only logs out on POST; a GET link cannot end the session."""
    client.force_login(UserFactory())
    assert client.get("/en/accounts/logout/").status_code == 405
    assert "_auth_user_id" in client.session


def test_login_with_a_wrong_password_shows_an_error(client):
    """A failed login re-renders the form with Django's error message."""
    UserFactory(username="lin")
    response = client.post("/en/accounts/login/", {"username": "lin", "password": "nope"})
    assert response.status_code == 200
    assert "Please enter a correct username and password." in response.content.decode()
    assert "_auth_user_id" not in client.session


def test_anonymous_header_links(client):
    """Anonymous visitors see log-in (returning to the page) and sign-up links."""
    html = client.get("/en/search/").content.decode()
    assert '<a href="/en/accounts/login/?next=/en/search/">Log in</a>' in html
    assert 'href="/en/accounts/signup/">Sign up</a>' in html
