"""The intensive-care report API: hospital systems post a unit's figures; refusals name each
field (422), jumps come back as 409 with the warnings and are confirmed with `confirm`; the
same report posted again is stored once; tokens reach only the units they may report for."""

from datetime import timedelta

from sqlalchemy import select

from supplyapp import audit, clock
from supplyapp.extensions import db
from supplyapp.models.intensive_care import IcuReport, IcuUnit, ReportChannel
from supplyapp.services import intensive_care as icu
from supplyapp.services import tokens

URL = "/api/v1/icu/reports"


def user_token(name: str) -> dict:
    return {"Authorization": f"Bearer {tokens.issue_user_token(name, 't')[1]}"}


def org_token(code: str) -> dict:
    return {"Authorization": f"Bearer {tokens.issue_organisation_token(code, 't')[1]}"}


def body(unit="DANDERYD-IVA", **changes) -> dict:
    as_of = clock.now_local().replace(microsecond=0).isoformat()
    return {"unit": unit, "as_of": as_of, "adult_staffed": 10, "adult_occupied": 8, **changes}


def stored(unit="DANDERYD-IVA") -> list[IcuReport]:
    query = select(IcuReport).join(IcuReport.unit).where(IcuUnit.code == unit)
    return list(db.session.scalars(query.order_by(IcuReport.id)))


def test_a_hospital_system_posts_a_units_report(client, users):
    response = client.post(
        URL,
        json=body(
            child_staffed=2,
            assessment="limited",
            limits=["staff"],
            staff_shortage_7d=True,
            note="Två sjuksköterskor sjuka",
        ),
        headers=user_token("icu"),
    )
    assert response.status_code == 201, response.json
    assert response.json["figures"]["child_staffed"] == 2
    assert response.json["figures"]["child_occupied"] is None
    report = stored()[0]
    assert (report.adult_occupied, report.channel, report.reported_by) == (
        8,
        ReportChannel.API,
        "icu",
    )
    assert report.limits == ["staff"] and report.staff_shortage_7d is True


def test_refusals_name_each_field(client, users):
    icu_token = user_token("icu")
    response = client.post(URL, json=body(adult_occupied=16, ecmo_places=2), headers=icu_token)
    assert response.status_code == 422
    assert set(response.json["fields"]) == {"adult_occupied", "ecmo_places"}
    response = client.post(URL, json=body(child_staffed=301), headers=icu_token)
    assert set(response.json["fields"]) == {"child_staffed"}
    response = client.post(URL, json=body(colour="red"), headers=icu_token)
    assert set(response.json["fields"]) == {"colour"}
    response = client.post(
        URL, json=body(adult_staffed="ten", as_of="tomorrow"), headers=user_token("icu")
    )
    assert set(response.json["fields"]) == {"adult_staffed", "as_of"}
    response = client.post(URL, json={"unit": "NOWHERE"}, headers=user_token("admin"))
    assert response.status_code == 422 and list(response.json["fields"]) == ["unit"]
    assert stored() == []


def test_a_jump_is_409_with_the_warnings_until_confirmed(client, users):
    with audit.acting_as("seed"):
        icu.submit_report(
            icu.ReportInput(
                "DANDERYD-IVA",
                {"adult_staffed": 10, "adult_occupied": 8},
                as_of=clock.now_local() - timedelta(days=1),
            ),
            ReportChannel.API,
        )
    headers = org_token("01")  # Region Stockholm's own system, for its unit
    jumped = body(adult_staffed=30, adult_occupied=20)
    response = client.post(URL, json=jumped, headers=headers)
    assert response.status_code == 409
    assert set(response.json["warnings"]) == {"adult_staffed", "adult_occupied"}
    response = client.post(URL, json={**jumped, "confirm": ["adult_staffed"]}, headers=headers)
    assert response.status_code == 409 and list(response.json["warnings"]) == ["adult_occupied"]
    assert len(stored()) == 1
    confirmed = {**jumped, "confirm": ["adult_staffed", "adult_occupied"]}
    response = client.post(URL, json=confirmed, headers=headers)
    assert response.status_code == 201
    assert response.json["confirmed"] == ["adult_occupied", "adult_staffed"]


def test_the_same_report_posted_again_is_stored_once(client, users):
    headers = user_token("region")
    report = body()
    assert client.post(URL, json=report, headers=headers).status_code == 201
    again = client.post(URL, json=report, headers=headers)
    assert again.status_code == 200 and again.json["version"] == 1
    assert len(stored()) == 1


def test_tokens_reach_only_the_units_they_report_for(client, users):
    assert (
        client.post(URL, json=body("K-HUDDINGE-IVA"), headers=user_token("icu")).status_code == 403
    )
    assert client.post(URL, json=body(), headers=org_token("0380")).status_code == 403
    assert client.post(URL, json=body(), headers=user_token("viewer")).status_code == 403
    assert (
        client.post(URL, json=body("STGORAN-IVA"), headers=org_token("VG-0180-SG")).status_code
        == 201
    )
    assert (
        client.post(URL, json=body("ERSTA-IVA"), headers=org_token("VG-0180-SG")).status_code == 403
    )
    assert stored("K-HUDDINGE-IVA") == [] and stored() == []


def test_the_operation_is_in_the_openapi_document(client):
    document = client.get("/api/v1/openapi.json").json
    operation = document["paths"]["/icu/reports"]["post"]
    assert {"201", "200", "409", "422"} <= set(operation["responses"])
    assert "confirm" in document["components"]["schemas"]["IcuReportIn"]["properties"]
