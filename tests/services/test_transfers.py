"""Transfers at the service layer: a request and its refusals, the model run on the latest
reports, the coordinator's change re-checked, the receiving unit's answer, transport and the
Nordic step; every step audited."""

import pytest
from sqlalchemy import select

from supplyapp.extensions import db
from supplyapp.models import AuditEvent
from supplyapp.models.transfers import (
    BookingStatus,
    PatientStatus,
    PlacementStatus,
    TransferPatient,
    TransportBooking,
)
from supplyapp.queries import transfers as queries
from supplyapp.services import transfers, transfers_nordic, transfers_proposal, transfers_transport
from supplyapp.services.errors import InvalidInput
from tests.conftest import as_user
from tests.transfer_factories import CASES, reports, resources, scenario, six_patients


def _patients() -> dict[str, TransferPatient]:
    return {p.case_ref: p for p in db.session.scalars(select(TransferPatient))}


def _sent_run():
    with as_user("coordinator"):
        run = transfers_proposal.run_proposal()
        transfers_proposal.send_placements(run.id)
    return run


def _placements_to(code: str):
    return [
        p
        for p in queries.live_placements((PlacementStatus.SENT, PlacementStatus.ACCEPTED))
        if p.to_unit.code == code
    ]


def test_a_request_keeps_each_patient_open_with_who_asked(users):
    request = scenario()
    assert request.region.code == "01"
    assert request.requested_by == "region"
    assert [p.status for p in request.patients] == [PatientStatus.REQUESTED] * 6
    assert [p.case_ref for p in request.patients] == CASES


@pytest.mark.parametrize(
    "case", ["19121212-1212", "121212-1212", "201212121212", "T 19121272-1212"]
)
def test_a_personal_identity_number_as_case_reference_is_refused_naming_the_field(users, case):
    given = [
        transfers.PatientInput("T-OK-1", "invasive", "adult", False, True, "today"),
        transfers.PatientInput(case, "invasive", "adult", False, True, "today"),
    ]
    with as_user("region"), pytest.raises(InvalidInput) as refused:
        transfers.file_request("DANDERYD-IVA", given)
    assert set(refused.value.errors) == {"patients[1].case_ref"}
    assert "personal identity number" in refused.value.errors["patients[1].case_ref"]
    assert db.session.scalar(select(TransferPatient.id)) is None  # nothing stored


def test_bad_fields_and_a_case_asked_for_twice_are_each_named(users):
    six_patients()
    given = [
        transfers.PatientInput(CASES[0], "invasive", "adult", False, True, "today"),
        transfers.PatientInput("T-NEW-1", "oxygen", "elderly", False, True, "soon"),
        transfers.PatientInput("T-NEW-1", "niv", "adult", False, True, "today"),
    ]
    with as_user("region"), pytest.raises(InvalidInput) as refused:
        transfers.file_request("DANDERYD-IVA", given)
    assert set(refused.value.errors) == {
        "patients[0].case_ref",
        "patients[1].level",
        "patients[1].age_group",
        "patients[1].urgency",
        "patients[2].case_ref",
    }


def test_the_model_runs_on_the_latest_reports_and_respects_the_cushion(users):
    scenario()
    with as_user("coordinator"):
        run = transfers_proposal.run_proposal()
    assert run.run_by == "coordinator"
    assert run.status == "optimal"
    units = {u["code"]: u for u in run.problem_json["units"]}
    assert units["UPPSALA-CIVA"]["free"] == {"invasive": 5, "ecmo": 0, "niv": 5}
    assert {m["mode"] for m in run.problem_json["modes"]} == {"road", "aircraft"}
    drafts = queries.placements_of_run(run.id, (PlacementStatus.DRAFT,))
    to = sorted(p.to_unit.code for p in drafts)
    # Uppsala keeps its 10 % cushion (2 of 20 free): it receives three, Linköping the rest.
    assert to == ["LINKOPING-IVA"] * 3 + ["UPPSALA-CIVA"] * 3
    assert all(p.patient.status == PatientStatus.REQUESTED for p in drafts)  # not yet sent


def test_a_change_that_breaks_a_rule_is_refused_and_one_that_keeps_them_is_saved(users):
    scenario()
    with as_user("coordinator"):
        run = transfers_proposal.run_proposal()
    drafts = queries.placements_of_run(run.id, (PlacementStatus.DRAFT,))
    to_linkoping = next(p for p in drafts if p.to_unit.code == "LINKOPING-IVA")
    with as_user("coordinator"):
        # A fourth patient to Uppsala would leave it under its cushion: rule 3.
        with pytest.raises(transfers_proposal.ChangeRefused) as refused:
            transfers_proposal.change_placement(
                run.id, to_linkoping.patient_id, "UPPSALA-CIVA", "road", "Närmare"
            )
        assert {rule for rule, _message in refused.value.violations} == {3}
        with pytest.raises(InvalidInput) as no_reason:
            transfers_proposal.change_placement(
                run.id, to_linkoping.patient_id, "LINKOPING-IVA", "road", " "
            )
        assert set(no_reason.value.errors) == {"reason"}
        changed = transfers_proposal.change_placement(
            run.id, to_linkoping.patient_id, "LINKOPING-IVA", "road", "Flyget behövs för ECMO"
        )
    assert changed.mode.value == "road" and changed.change_reason == "Flyget behövs för ECMO"
    assert to_linkoping.status == PlacementStatus.WITHDRAWN
    reasons = db.session.scalars(
        select(AuditEvent.reason).where(AuditEvent.entity == "transfer_placements")
    ).all()
    assert "Flyget behövs för ECMO" in reasons


def test_sending_twice_sends_once_and_a_decline_reopens_the_patient(users):
    scenario()
    run = _sent_run()
    with as_user("coordinator"):
        assert transfers_proposal.send_placements(run.id) == []
    patients = _patients()
    assert all(p.status == PatientStatus.PROPOSED for p in patients.values())
    uppsala = _placements_to("UPPSALA-CIVA")
    with as_user("uppsala"):
        transfers.answer_placement(uppsala[0].id, True)
        with pytest.raises(InvalidInput):
            transfers.answer_placement(uppsala[1].id, False, "")
        transfers.answer_placement(uppsala[1].id, False, "Ingen sjuksköterska i natt")
        with pytest.raises(transfers.WrongStatus):
            transfers.answer_placement(uppsala[1].id, True)
    assert uppsala[0].patient.status == PatientStatus.ACCEPTED
    declined = uppsala[1].patient
    assert declined.status == PatientStatus.REQUESTED
    assert [p.case_ref for p in queries.open_patients()] == [declined.case_ref]
    # The next proposal takes the declined patient again, and Uppsala's place is not free.
    with as_user("coordinator"):
        again = transfers_proposal.run_proposal()
    assert [m["case"] for m in again.proposal_json["moves"]] == [declined.case_ref]
    units = {u["code"]: u for u in again.problem_json["units"]}
    assert units["UPPSALA-CIVA"]["free"]["invasive"] == 5 - 2  # two still on their way


def test_a_double_booking_books_once_and_the_journey_ends_in_arrival(users):
    scenario()
    _sent_run()
    line = _placements_to("LINKOPING-IVA")[0]
    with as_user("linkoping"):
        transfers.answer_placement(line.id, True)
    with as_user("coordinator"):
        first = transfers_transport.book_transport(line.id, "SA-ARN-1")
        again = transfers_transport.book_transport(line.id, "SA-ARN-1")
        with pytest.raises(transfers.WrongStatus):
            transfers_transport.book_transport(line.id, "IVA-AMB-STH-1")
        assert first.id == again.id
        assert len(db.session.scalars(select(TransportBooking)).all()) == 1
        assert line.patient.status == PatientStatus.TRANSPORT_ARRANGED
        transfers_transport.advance_booking(first.id, "depart")
        assert line.patient.status == PatientStatus.IN_TRANSIT
        assert queries.in_transit_by_region()[line.to_unit.region_id] == {"out": 0, "in": 1}
        with pytest.raises(transfers.WrongStatus):
            transfers_transport.advance_booking(first.id, "depart")
        transfers_transport.advance_booking(first.id, "arrive")
    assert first.status == BookingStatus.ARRIVED and line.patient.status == PatientStatus.ARRIVED
    assert queries.in_transit_by_region() == {}


def test_a_grounded_aircraft_is_neither_offered_to_the_model_nor_bookable(users):
    scenario()
    with as_user("coordinator"):
        transfers_transport.set_resource_state("SA-ARN-1", True, True)
        run = transfers_proposal.run_proposal()
        assert {m["mode"] for m in run.problem_json["modes"]} == {"road"}
        transfers_proposal.send_placements(run.id)
    line = _placements_to("LINKOPING-IVA")[0]
    with as_user("linkoping"):
        transfers.answer_placement(line.id, True)
    with as_user("coordinator"), pytest.raises(InvalidInput) as refused:
        transfers_transport.book_transport(line.id, "SA-ARN-1")
    assert set(refused.value.errors) == {"resource"}


def test_a_patient_no_longer_to_be_moved_withdraws_the_placement(users):
    scenario()
    _sent_run()
    line = _placements_to("UPPSALA-CIVA")[0]
    with as_user("region"):
        transfers.stop_patient(line.patient_id, "not_moved", "Försämrad, ej transportabel")
    assert line.status == PlacementStatus.WITHDRAWN
    assert line.patient.status == PatientStatus.NOT_MOVED
    with as_user("uppsala"), pytest.raises(transfers.WrongStatus):
        transfers.answer_placement(line.id, True)


def test_the_nordic_step_opens_only_for_unplaced_patients_under_the_national_signal(users):
    reports()
    resources()
    with as_user("region"):
        transfers.file_request(
            "DANDERYD-IVA",
            [transfers.PatientInput("T-ECMO-1", "ecmo", "adult", True, True, "immediate")],
        )
    with as_user("coordinator"):
        run = transfers_proposal.run_proposal()
    assert run.proposal_json["moves"] == []  # no ECMO place reported anywhere
    share = run.proposal_json["national_free_share_before"]
    assert share == pytest.approx((1 + 5 + 15) / 150, abs=1e-3)  # 14 %: under 20 %
    with as_user("coordinator"):
        nordic = transfers_nordic.prepare_request("Inga ECMO-platser")
        assert nordic.needs == {"ecmo-adult": 1}
        transfers_nordic.record_offer(nordic.id, "NO", {"ecmo": 1})
        with pytest.raises(InvalidInput):
            transfers_nordic.record_offer(nordic.id, "DE", {"ecmo": 1})
        transfers_nordic.send_patient(nordic.id, "T-ECMO-1", "NO", "Rikshospitalet")
        assert _patients()["T-ECMO-1"].status == PatientStatus.ABROAD
        with pytest.raises(transfers_nordic.NoNordicCase):
            transfers_nordic.prepare_request()  # the candidate has gone


def test_the_demo_loads_its_transport_and_open_request_once(users):
    from supplyapp.demo.transfers import CASES as DEMO_CASES
    from supplyapp.demo.transfers import RESOURCES, load_demo_transfers

    assert load_demo_transfers() == len(RESOURCES)
    assert load_demo_transfers() == len(RESOURCES)  # again: nothing twice
    waiting = queries.open_patients()
    assert [p.case_ref for p in waiting] == [case for case, _level in DEMO_CASES]
    assert {p.request.unit.code for p in waiting} == {"K-SOLNA-IVA"}
    aircraft = [r for r in queries.resources() if r.kind.value == "aircraft"]
    assert sorted({r.base for r in aircraft}) == [
        "Göteborg Landvetter",
        "Stockholm Arlanda",
        "Umeå",
    ]
    assert len(aircraft) == 6
