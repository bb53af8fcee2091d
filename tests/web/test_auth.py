"""Sign-in through the web: messages, redirects, throttling, language, CSRF on every form."""

import pytest

from tests.conftest import login
from tests.web.test_access import ROUTES, route_records  # noqa: F401  (a fixture)


def test_a_wrong_password_gives_a_clear_message_beside_the_field(client, users):
    response = login(client, "viewer", "wrong")
    assert response.status_code == 422
    html = response.get_data(as_text=True)
    assert 'data-field-error="password"' in html


def test_an_empty_form_names_both_fields(client, users):
    html = client.post("/login", data={}).get_data(as_text=True)
    assert 'data-field-error="username"' in html and 'data-field-error="password"' in html


def test_sign_in_goes_back_to_the_page_asked_for_but_never_off_site(client, users):
    response = client.post(
        "/login?next=/audit/",
        data={"username": "officer", "password": "test-password-123", "next": "/audit/"},
    )
    assert response.headers["Location"] == "/audit/"
    client.post("/logout")
    response = client.post(
        "/login",
        data={"username": "officer", "password": "test-password-123", "next": "//evil.example/"},
    )
    assert response.headers["Location"] == "/"


def test_the_sixth_attempt_is_throttled_with_a_message(client, users):
    for _ in range(5):
        login(client, "viewer", "wrong")
    html = login(client, "viewer").get_data(as_text=True)
    assert 'data-field-error="password"' in html
    assert "15" in html  # minutes to wait


def test_sign_out_ends_the_session(client, users):
    login(client, "viewer")
    assert client.get("/").status_code == 200
    client.post("/logout")
    assert client.get("/").status_code == 302


def test_the_session_cookie_is_http_only_and_same_site(client, users):
    response = login(client, "viewer")
    cookie = response.headers["Set-Cookie"]
    assert "HttpOnly" in cookie and "SameSite=Lax" in cookie


POST_ROUTES = sorted({url for method, url, *_ in ROUTES if method == "POST"})


@pytest.mark.parametrize("url", POST_ROUTES)
def test_every_form_refuses_a_post_without_its_csrf_token(client, route_records, csrf_on, url):  # noqa: F811
    _sign_in_with_token(client, "admin")
    response = client.post(url.format(**route_records), data={"lang": "en", "username": "admin"})
    assert response.status_code == 400


def _sign_in_with_token(client, username):
    page = client.get("/login").get_data(as_text=True)
    token = page.split('name="csrf_token" type="hidden" value="')[1].split('"')[0]
    response = client.post(
        "/login", data={"username": username, "password": "test-password-123", "csrf_token": token}
    )
    assert response.status_code == 302


def test_a_signed_in_post_without_csrf_token_is_refused(client, users, csrf_on):
    _sign_in_with_token(client, "admin")
    assert client.get("/admin/").status_code == 200
    response = client.post("/admin/data/items/ffp2/edit", data={"name_sv": "x"})
    assert response.status_code == 400
