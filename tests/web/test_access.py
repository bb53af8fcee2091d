"""Every route with every role: allowed, refused (403) or sent to sign in.

The table below is the access policy written out; a route missing from it fails the test, so a
new route cannot be added without deciding who may use it.
"""

import pytest

from tests.conftest import USERS, login

NATIONAL = {"admin", "officer", "officer2", "logistics", "viewer"}
EVERYONE = set(USERS)
ADMIN = {"admin"}
ADMIN_OFFICER = {"admin", "officer", "officer2"}
PUBLIC = "public"

# (method, url, endpoint, who may use it)
ROUTES = [
    ("GET", "/login", "auth.login", PUBLIC),
    ("GET", "/health", "main.health", PUBLIC),
    ("POST", "/language", "auth.language", PUBLIC),
    ("POST", "/logout", "auth.logout", EVERYONE),
    ("GET", "/account/password", "auth.change_password", EVERYONE),
    ("GET", "/", "main.home", EVERYONE),
    ("GET", "/admin/", "admin.index", ADMIN),
    ("GET", "/admin/data/items/", "admin.record_list", ADMIN),
    ("GET", "/admin/data/organisations/", "admin.record_list", ADMIN),
    ("GET", "/admin/data/items/new", "admin.record_new", ADMIN),
    ("POST", "/admin/data/items/new", "admin.record_new", ADMIN),
    ("GET", "/admin/data/items/ffp2/edit", "admin.record_edit", ADMIN),
    ("POST", "/admin/data/items/ffp2/edit", "admin.record_edit", ADMIN),
    ("GET", "/admin/data/counties/01/edit", "admin.record_edit", ADMIN),
    ("GET", "/admin/users/", "admin.user_list", ADMIN),
    ("GET", "/admin/users/new", "admin.user_new", ADMIN),
    ("POST", "/admin/users/new", "admin.user_new", ADMIN),
    ("GET", "/admin/users/viewer/edit", "admin.user_edit", ADMIN),
    ("POST", "/admin/users/viewer/edit", "admin.user_edit", ADMIN),
    ("POST", "/admin/users/nobody/reset-password", "admin.user_reset_password", ADMIN),
    ("GET", "/audit/", "audit.event_list", ADMIN_OFFICER),
    ("GET", "/organisations/", "organisations.organisation_list", EVERYONE),
    # Organisation-bound users reach only their own organisation (county: its county's).
    ("GET", "/organisations/0380", "organisations.organisation_detail",
     NATIONAL | {"requester", "county"}),
    ("GET", "/organisations/01", "organisations.organisation_detail", NATIONAL | {"region"}),
    ("GET", "/organisations/03", "organisations.organisation_detail", NATIONAL | {"county"}),
    ("GET", "/organisations/0180", "organisations.organisation_detail", NATIONAL),
    ("GET", "/organisations/LST-03", "organisations.organisation_detail", NATIONAL | {"county"}),
]


# The API, called with a token of each user (and of organisations): same policy, by token.
API_ROUTES = [
    ("GET", "/api/v1/openapi.json", "api.openapi_json", PUBLIC),
    ("GET", "/api/v1/me", "api.me", EVERYONE),
]


def test_every_route_is_in_the_access_table(app):
    covered = {endpoint for _, _, endpoint, _ in ROUTES + API_ROUTES}
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert endpoints - covered == set(), "routes with no access decision"


def _request(client, method, url):
    return client.get(url) if method == "GET" else client.post(url, data={})


@pytest.mark.parametrize("method,url,endpoint,allowed", ROUTES,
                         ids=[f"{m} {u}" for m, u, _, _ in ROUTES])
def test_each_role_is_allowed_or_refused(client, users, method, url, endpoint, allowed):
    for username in USERS:
        client.get("/")  # a fresh client state per role
        assert login(client, username).status_code == 302, username
        response = _request(client, method, url)
        if allowed != PUBLIC and username not in allowed:
            assert response.status_code == 403, (username, response.status_code)
        elif method == "GET":
            assert response.status_code in (200, 302), (username, response.status_code)
        else:  # an empty form: refused as bad input, never as forbidden
            assert response.status_code not in (401, 403) and response.status_code < 500, (
                username, response.status_code)
        client.post("/logout")


@pytest.mark.parametrize("method,url,endpoint,allowed",
                         [r for r in ROUTES if r[3] != PUBLIC],
                         ids=[f"{m} {u}" for m, u, _, a in ROUTES if a != PUBLIC])
def test_anonymous_is_sent_to_sign_in(client, users, method, url, endpoint, allowed):
    response = _request(client, method, url)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize("method,url,endpoint,allowed", API_ROUTES,
                         ids=[f"{m} {u}" for m, u, _, _ in API_ROUTES])
def test_each_roles_token_is_allowed_or_refused(client, app, users, method, url, endpoint,
                                                allowed):
    from supplyapp.services import tokens

    with app.app_context():
        issued = {name: tokens.issue_user_token(name, "matrix", "test")[1] for name in USERS}
    for username, token in issued.items():
        headers = {"Authorization": f"Bearer {token}"}
        if method == "GET":
            response = client.get(url, headers=headers)
        else:
            response = client.open(url, method=method, headers=headers, json={})
        if allowed != PUBLIC and username not in allowed:
            assert response.status_code == 403, (username, response.status_code)
        else:
            assert response.status_code not in (401, 403) and response.status_code < 500, (
                username, response.status_code)
        if method == "GET" and (allowed == PUBLIC or username in allowed):
            assert response.status_code == 200, (username, response.status_code)
