"""The transfer pages and API through the test client: a request by form and by API with the
personal-number refusal named beside its field, the coordinator's run, change and send, the
receiving unit's answer, transport, and the picture's in-transit figure and arrivals; the
notifications of the roles that must act."""

from supplyapp.models.transfers import PatientStatus, PlacementStatus
from supplyapp.queries import transfers as queries
from supplyapp.services import tokens
from tests.conftest import as_user, login
from tests.transfer_factories import reports, resources, scenario, uppsala_reporter


def _form(rows: list[dict]) -> dict:
    data = {}
    for i in range(8):
        row = rows[i] if i < len(rows) else {}
        data[f"patients-{i}-case_ref"] = row.get("case", "")
        data[f"patients-{i}-level"] = row.get("level", "invasive")
        data[f"patients-{i}-age_group"] = "adult"
        data[f"patients-{i}-covid"] = "no"
        data[f"patients-{i}-transport_stable"] = "yes"
        data[f"patients-{i}-urgency"] = "today"
    return data


def test_the_form_refuses_a_personal_number_beside_its_row_and_stores_a_good_request(client, users):
    login(client, "region")
    page = client.post(
        "/transfers/units/DANDERYD-IVA/new",
        data=_form([{"case": "T-1"}, {"case": "19121212-1212"}]),
    )
    assert page.status_code == 200
    text = page.get_data(as_text=True)
    assert 'data-field-error="patients-1-case_ref"' in text
    assert "personnummer" in text  # in Swedish, beside the second row
    assert queries.open_patients() == []
    done = client.post("/transfers/units/DANDERYD-IVA/new", data=_form([{"case": "T-1"}]))
    assert done.status_code == 302
    assert [p.case_ref for p in queries.open_patients()] == ["T-1"]


def test_the_api_takes_a_request_names_bad_fields_and_gives_the_status(client, app, users):
    with app.app_context(), as_user("test"):
        token = tokens.issue_organisation_token("01", "system")[1]
        county = tokens.issue_organisation_token("LST-03", "system")[1]
    headers = {"Authorization": f"Bearer {token}"}
    patient = {
        "case": "SÖS-2026-17",
        "level": "invasive",
        "age_group": "adult",
        "covid": True,
        "transport_stable": True,
        "urgency": "today",
    }
    bad = client.post(
        "/api/v1/transfer-requests",
        json={"unit": "DANDERYD-IVA", "patients": [patient, {**patient, "case": "8501011234"}]},
        headers=headers,
    )
    assert bad.status_code == 422
    assert set(bad.json["fields"]) == {"patients[1].case"}
    other_region = client.post(
        "/api/v1/transfer-requests",
        json={"unit": "UPPSALA-CIVA", "patients": [patient]},
        headers=headers,
    )
    assert other_region.status_code == 403
    made = client.post(
        "/api/v1/transfer-requests",
        json={"unit": "DANDERYD-IVA", "patients": [patient]},
        headers=headers,
    )
    assert made.status_code == 201
    assert made.json["patients"][0]["status"] == "requested"
    status = client.get(f"/api/v1/transfer-requests/{made.json['id']}", headers=headers)
    assert status.json["region"] == "01" and status.json["patients"][0]["to_unit"] is None
    refused = client.get(
        f"/api/v1/transfer-requests/{made.json['id']}",
        headers={"Authorization": f"Bearer {county}"},
    )
    assert refused.status_code == 403
    missing = client.get("/api/v1/transfer-requests/99999", headers=headers)
    assert missing.status_code == 404


def test_from_request_to_arrival_through_the_pages(client, app, users):
    with app.app_context():
        scenario()
        uppsala_reporter()
    login(client, "coordinator")
    home = client.get("/").get_data(as_text=True)
    assert "6 patienter väntar på en placering" in home
    run = client.post("/transfers/proposals")
    assert run.status_code == 302
    review = client.get(run.location).get_data(as_text=True)
    assert "Linköping IVA" in review and "Uppsala CIVA" in review
    run_id = int(run.location.rsplit("/", 1)[1])
    # A fourth patient to Uppsala is refused beside its line (Uppsala's cushion).
    line = next(
        p
        for p in queries.placements_of_run(run_id, (PlacementStatus.DRAFT,))
        if p.to_unit.code == "LINKOPING-IVA"
    )
    prefix = f"line-{line.id}"
    refused = client.post(
        f"/transfers/proposals/{run_id}/patients/{line.patient_id}",
        data={
            f"{prefix}-to_unit": "UPPSALA-CIVA",
            f"{prefix}-mode": "road",
            f"{prefix}-reason": "x",
        },
    )
    assert refused.status_code == 422
    assert f'data-testid="refused-{line.patient.case_ref}"' in refused.get_data(as_text=True)
    assert client.post(f"/transfers/proposals/{run_id}/send").status_code == 302
    client.post("/logout")

    login(client, "uppsala")
    assert "3 patienter som föreslagits till Uppsala CIVA" in client.get("/").get_data(as_text=True)
    incoming = queries.incoming_placements(line.to_unit_id)  # Linköping's, not Uppsala's
    uppsala = [
        p
        for p in queries.live_placements((PlacementStatus.SENT,))
        if p.to_unit.code == "UPPSALA-CIVA"
    ]
    assert (
        client.post(
            f"/transfers/placements/{uppsala[0].id}/answer", data={"answer": "accept"}
        ).status_code
        == 302
    )
    assert (
        client.post(
            f"/transfers/placements/{incoming[0].id}/answer", data={"answer": "accept"}
        ).status_code
        == 403
    )  # not Uppsala's placement
    client.post("/logout")

    login(client, "coordinator")
    client.post(f"/transfers/placements/{uppsala[0].id}/book", data={"resource": "IVA-AMB-STH-1"})
    booking = uppsala[0].active_booking
    client.post(f"/transfers/bookings/{booking.id}/depart")
    picture = client.get("/icu/picture/").get_data(as_text=True)
    assert "1 patient under transport" in picture
    client.post(f"/transfers/bookings/{booking.id}/arrive")
    assert uppsala[0].patient.status == PatientStatus.ARRIVED
    picture = client.get("/icu/picture/").get_data(as_text=True)
    assert "0 patienter under transport" in picture
    assert f'data-case="{uppsala[0].patient.case_ref}"' in picture  # arrived today
    measures = client.get("/transfers/measures").get_data(as_text=True)
    assert "Region Stockholm" in measures


def test_every_transfer_page_renders_for_the_coordinator(client, app, users):
    with app.app_context():
        reports()
        resources()
    login(client, "coordinator")
    for url in (
        "/transfers/",
        "/transfers/coordination",
        "/transfers/transport",
        "/transfers/nordic",
        "/transfers/measures",
        "/transfers/transport/new",
    ):
        assert client.get(url).status_code == 200, url
