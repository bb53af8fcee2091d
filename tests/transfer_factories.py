"""The transfer scenario the service, web and browser tests share: Region Stockholm at 99 %
(Danderyd IVA and Karolinska Solna IVA, 100 staffed places, 99 occupied), Uppsala CIVA with 5
free of 20 (3 may be received above the 10 % cushion), Linköping IVA with 15 free of 30; an
ambulance aircraft (2 patients), two intensive-care ambulances; and six invasive adult patients
asked for from Danderyd."""

from supplyapp import audit
from supplyapp.models.intensive_care import ReportChannel
from supplyapp.services import accounts, transfers, transfers_transport
from supplyapp.services import intensive_care as icu

UNITS = {
    # unit: staffed, occupied (all adults, all places with a ventilator), invasive
    "DANDERYD-IVA": (50, 50, 45),
    "K-SOLNA-IVA": (50, 49, 40),
    "UPPSALA-CIVA": (20, 15, 10),
    "LINKOPING-IVA": (30, 15, 10),
}
RESOURCES = [
    {
        "code": "SA-ARN-1",
        "name": "Ambulansflyg Stockholm 1",
        "kind": "aircraft",
        "operator": "Svenskt Ambulansflyg",
        "base": "Stockholm Arlanda",
        "lat": 59.65,
        "lon": 17.92,
        "patients_per_trip": 2,
        "speed_kmh": 400,
        "range_km": 2000,
    },
    {
        "code": "IVA-AMB-STH-1",
        "name": "IVA-ambulans Stockholm 1",
        "kind": "road",
        "base": "Solna",
        "lat": 59.35,
        "lon": 18.03,
        "patients_per_trip": 1,
        "speed_kmh": 70,
        "range_km": 400,
    },
    {
        "code": "IVA-AMB-STH-2",
        "name": "IVA-ambulans Stockholm 2",
        "kind": "road",
        "base": "Danderyd",
        "lat": 59.39,
        "lon": 18.04,
        "patients_per_trip": 1,
        "speed_kmh": 70,
        "range_km": 400,
    },
]
CASES = [f"T-2026-{n:04d}" for n in range(1, 7)]
PASSWORD = "test-password-123"


def reports() -> None:
    """Today's reports of the four units."""
    with audit.acting_as("seed"):
        for code, (staffed, occupied, invasive) in UNITS.items():
            icu.submit_report(
                icu.ReportInput(
                    code,
                    {
                        "adult_staffed": staffed,
                        "adult_staffed_ventilator": staffed,
                        "adult_occupied": occupied,
                        "adult_invasive": invasive,
                    },
                ),
                ReportChannel.API,
            )


def resources() -> None:
    with audit.acting_as("seed"):
        for values in RESOURCES:
            transfers_transport.save_resource(values)


def uppsala_reporter() -> None:
    """Uppsala CIVA's ICU reporter, "uppsala" (not one of conftest's USERS)."""
    accounts.create_user("uppsala", "Uppsala", "icu_reporter", PASSWORD, "UPPSALA-CIVA")


def six_patients(as_user: str = "region"):
    """Region Stockholm asks for six invasive adult patients from Danderyd IVA."""
    with audit.acting_as(as_user):
        return transfers.file_request(
            "DANDERYD-IVA",
            [
                transfers.PatientInput(case, "invasive", "adult", True, True, "today")
                for case in CASES
            ],
        )


def scenario():
    """Reports, transport and the six patients; the request."""
    reports()
    resources()
    return six_patients()


def transfer_route_records() -> dict:
    """Records the transfer URLs of the access table point at (tests/web/access_transfers.py)."""
    from supplyapp.extensions import db
    from supplyapp.models.transfers import NordicRequest, PlacementStatus
    from supplyapp.queries import transfers as queries
    from supplyapp.services import transfers_proposal
    from supplyapp.services.transaction import run_use_case

    request = scenario()
    with audit.acting_as("matrix"):
        run = transfers_proposal.run_proposal()
        sent = transfers_proposal.send_placements(run.id)
        to_uppsala = next(p for p in sent if p.to_unit.code == "UPPSALA-CIVA")
        to_linkoping = next(p for p in sent if p.to_unit.code == "LINKOPING-IVA")
        transfers.answer_placement(to_linkoping.id, True)
        booking = transfers_transport.book_transport(to_linkoping.id, "SA-ARN-1")
    nordic = NordicRequest(created_by="matrix", needs={"ecmo-adult": 1}, national_free_share=0.1)
    with audit.acting_as("matrix"):
        run_use_case(lambda: db.session.add(nordic))
    assert queries.placement_by_id(to_uppsala.id).status == PlacementStatus.SENT
    return {
        "transfer_request": request.id,
        "transfer_patient": to_uppsala.patient_id,
        "placement": to_uppsala.id,
        "booking": booking.id,
        "proposal_run": run.id,
        "nordic": nordic.id,
    }
