"""The API's ground rules: bearer tokens, JSON errors, the OpenAPI document."""

from supplyapp.services import tokens
from tests.conftest import as_user, login


def _token_for_user(app, username):
    with app.app_context(), as_user("test"):
        return tokens.issue_user_token(username, "test")[1]


def test_the_openapi_document_lists_every_api_route(client, app):
    document = client.get("/api/v1/openapi.json").get_json()
    assert document["openapi"].startswith("3.")
    documented = {
        (path, method.upper()) for path, ops in document["paths"].items() for method in ops
    }
    routed = {
        (rule.rule.removeprefix("/api/v1").replace("<", "{").replace(">", "}"), method)
        for rule in app.url_map.iter_rules()
        if rule.endpoint.startswith("api.")
        for method in rule.methods - {"HEAD", "OPTIONS"}
    }
    assert routed == documented


def test_no_token_gives_401_as_json(client, users):
    response = client.get("/api/v1/me")
    assert response.status_code == 401
    assert response.get_json()["error"] == "unauthorized"
    assert "Bearer" in response.get_json()["message"]


def test_a_user_token_acts_as_the_user(client, app, users):
    token = _token_for_user(app, "requester")
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 200
    assert response.get_json() == {"name": "requester", "role": "requester", "organisation": "0380"}


def test_an_organisation_token_acts_for_its_organisation(client, app, users):
    with app.app_context(), as_user("test"):
        token = tokens.issue_organisation_token("0380", "system")[1]
    body = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"}).get_json()
    assert body["role"] == "requester" and body["organisation"] == "0380"


def test_a_revoked_token_is_refused(client, app, users):
    with app.app_context(), as_user("test"):
        record, token = tokens.issue_user_token("viewer", "test")
        tokens.revoke(record.id)
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_a_disabled_users_token_is_refused(client, app, users):
    from supplyapp.services import accounts

    token = _token_for_user(app, "viewer")
    with app.app_context():
        accounts.set_active("viewer", False)
    response = client.get("/api/v1/me", headers={"Authorization": f"Bearer {token}"})
    assert response.status_code == 401


def test_an_unknown_api_path_is_a_json_404(client):
    response = client.get("/api/v1/no-such-thing")
    assert response.status_code == 404
    assert response.get_json()["status"] == 404


def test_a_nul_character_is_refused_naming_the_field_on_both_databases(client, users):
    """PostgreSQL's text cannot hold NUL (0x00): it is refused at the door, never a 500."""
    token = tokens.issue_user_token("admin", "nul")[1]
    response = client.post(
        "/api/v1/icu/reports",
        json={"unit": "\x00", "adult_occupied": 1},
        headers={"Authorization": f"Bearer {token}"},
    )
    assert response.status_code == 422
    assert response.get_json()["fields"] == {"unit": "Ett NUL-tecken är inte tillåtet."}
    assert client.get("/api/v1/icu/units/%00/reports").status_code == 400
    login(client, "admin")
    assert client.get("/icu/picture/regions/%00").status_code == 400
    assert client.post("/admin/data/items/new", data={"code": "a\x00b"}).status_code == 400
