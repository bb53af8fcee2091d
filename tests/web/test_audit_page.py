"""The audit log page: readable before/after, filters, and no edit route at all."""

from tests.conftest import login


def test_the_audit_page_shows_a_change_with_its_before_and_after(client, users):
    login(client, "admin")
    client.post(
        "/admin/data/counties/03/edit",
        data={
            "code": "03",
            "name": "Uppsala län",
            "name_short": "Uppsala",
            "capital": "Uppsala",
            "lat": "59.86",
            "lon": "17.64",
            "reloading_point": "Omlastning Årsta",
        },
    )
    html = client.get("/audit/?entity=counties&key=03").get_data(as_text=True)
    assert "Omlastning Årsta" in html and "Omlastningspunkt Uppsala" in html
    assert "admin" in html


def test_signing_in_is_logged_once_without_bookkeeping_noise(client, users):
    login(client, "officer")
    html = client.get("/audit/?actor=officer").get_data(as_text=True)
    assert html.count(">login<") == 1
    assert "last_login_at" not in html


def test_the_audit_log_offers_no_way_to_change_it(app):
    audit_rules = [r for r in app.url_map.iter_rules() if r.endpoint.startswith("audit.")]
    assert {m for r in audit_rules for m in r.methods} <= {"GET", "HEAD", "OPTIONS"}
