"""Allocation pages through the test client: the list, a new round, the approver's table,
edits refused by the model's rules, four eyes, approval, and the decision document.

The scenario (tests/planning_factories.py): 1,000 FFP2 at NL-ARN; Uppsala (0380) asks for 600
and Stockholm (0180) for 1,000; Upplands Väsby (0114) has surplus. The model sends Stockholm
720 from NL-ARN and 280 from Upplands Väsby, Uppsala 280 and 180.
"""

import hashlib
import io
import json

import flask_babel
import pandas as pd
from sqlalchemy import select

from supplyapp.extensions import db
from supplyapp.models.planning import AllocationPlan, PlanLine, PlanStatus, Shipment
from supplyapp.services import plan_review, stock
from tests.conftest import as_user, login
from tests.downloads import workbook_rows
from tests.planning_factories import filed, reported, run, shortage_scenario


def _english(client, username):
    login(client, username)
    client.post("/language", data={"lang": "en", "next": "/"})
    # The test's app context outlives each request, and flask-babel keeps the locale it chose
    # on it: forget it, so the next request reads the language just chosen.
    flask_babel.refresh()


def _text(response) -> str:
    return response.get_data(as_text=True)


def _plan(plan_id) -> AllocationPlan:
    db.session.expire_all()
    return db.session.get(AllocationPlan, plan_id)


def _line(plan_id, origin, recipient) -> PlanLine:
    return next(
        line
        for line in _plan(plan_id).lines
        if (line.origin_code, line.recipient.code) == (origin, recipient)
    )


def _row(page: str, line_id: int) -> str:
    start = page.index(f'data-line="{line_id}"')
    return page[start : page.index("</tr>", start)]


def test_the_list_shows_plans_newest_first_and_what_waits_for_a_decision(client, users):
    shortage_scenario()
    first, second = run(), run()
    with as_user("officer"):
        plan_review.submit(first)
    _english(client, "officer2")
    page = _text(client.get("/allocation/"))
    table = page[page.index('id="plans"') :]
    assert table.index(f"PLAN-{second:05d}") < table.index(f"PLAN-{first:05d}")
    assert 'class="awaiting"' in page and "1 plan waits for your decision." in page
    only = _text(client.get("/allocation/?status=submitted"))
    assert f"PLAN-{first:05d}" in only and f"PLAN-{second:05d}" not in only


def test_the_proposer_is_not_asked_to_decide_in_the_list(client, users):
    shortage_scenario()
    with as_user("officer"):
        plan_review.submit(run())
    _english(client, "officer")
    page = _text(client.get("/allocation/"))
    assert "waits for your decision" not in page and "another officer decides" in page


def test_an_officer_runs_a_round_from_the_form(client, users):
    shortage_scenario()
    _english(client, "officer")
    response = client.post(
        "/allocation/new",
        data={
            "items": ["ffp2"],
            "policy": "needs",
            "donor_floor_days": "28",
            "redistribute": "y",
            "whole_packs": "y",
            "keep_reserve": "y",
        },
    )
    plan = db.session.scalar(select(AllocationPlan))
    assert response.headers["Location"].endswith(f"/allocation/plans/{plan.id}")
    assert plan.proposed_by == "officer" and plan.settings["item_codes"] == ["ffp2"]
    assert sum(line.quantity for line in plan.lines) == 1460


def test_a_round_without_requests_says_there_is_nothing_to_allocate(client, users):
    _english(client, "officer")
    page = _text(client.post("/allocation/new", data={"policy": "needs", "donor_floor_days": "28"}))
    assert "No open requests for the chosen items." in page
    assert db.session.scalar(select(AllocationPlan)) is None


def test_a_donor_floor_out_of_range_is_marked_beside_the_field(client, users):
    shortage_scenario()
    _english(client, "officer")
    page = _text(
        client.post("/allocation/new", data={"policy": "needs", "donor_floor_days": "400"})
    )
    assert 'data-field-error="donor_floor_days"' in page


def test_the_plan_page_shows_the_approvers_figures(client, users):
    shortage_scenario()
    plan_id = run()
    _english(client, "viewer")
    page = _text(client.get(f"/allocation/plans/{plan_id}"))
    stockholm = _row(page, _line(plan_id, "NL-ARN", "0180").id)
    # 200 in stock, 50 a day: 4.0 days before; 1,000 received in all: 24.0 days after.
    assert "<strong>Stockholm</strong>" in stockholm
    assert ">4.0<" in stockholm and ">24.0<" in stockholm
    assert ">720<" in stockholm and "filled in full" in stockholm
    uppsala = _row(page, _line(plan_id, "0114", "0380").id)
    assert ">180<" in uppsala and "Redistribution" in uppsala and ">28.0<" in uppsala
    assert "180 came from other organisations" in uppsala
    # The water level and what more stock buys, from the model's plan.
    assert 'data-testid="level-ffp2">18.6' in page and "+16.43 days" in page
    # Needs against the population key: lowest days after 24.0 against 15.0, unmet 140/600.
    assert 'data-measure="needs-lowest_days_after">24.0' in page
    assert 'data-measure="population-unmet">600' in page
    # Where the material goes: 1,000 to Stockholm's county (01), 460 to Uppsala's (03).
    counties = page[page.index('id="counties"') :]
    assert '<td class="num">1,000</td>' in _row(
        counties.replace('data-county="01"', 'data-line="01"'), "01"
    )
    assert '<td class="num">460</td>' in _row(
        counties.replace('data-county="03"', 'data-line="03"'), "03"
    )
    # A viewer reads, but gets no forms.
    assert 'class="line-form"' not in page and "Submit for approval" not in page


def test_an_officer_changes_a_line_with_a_reason(client, users):
    shortage_scenario()
    plan_id = run()
    line = _line(plan_id, "0114", "0180")
    _english(client, "officer")
    response = client.post(
        f"/allocation/plans/{plan_id}/lines/{line.id}",
        data={"quantity": "200", "reason": "Väsby keeps a buffer"},
    )
    assert response.status_code == 302
    changed = _line(plan_id, "0114", "0180")
    assert (changed.quantity, changed.proposed_quantity, changed.changed_by) == (
        200,
        280,
        "officer",
    )
    page = _text(client.get(f"/allocation/plans/{plan_id}"))
    row = _row(page, line.id)
    assert "changed-quantity" in row and "Väsby keeps a buffer" in row
    # Stockholm now receives 920: (200 + 920) / 50 = 22.4 days after; 80 more unmet.
    assert ">22.4<" in row and ">220 <small" in page.replace("\n", "")


def test_a_change_without_a_reason_is_refused_beside_the_line(client, users):
    shortage_scenario()
    plan_id = run()
    line = _line(plan_id, "NL-ARN", "0180")
    _english(client, "officer")
    page = _text(
        client.post(
            f"/allocation/plans/{plan_id}/lines/{line.id}", data={"quantity": "700", "reason": ""}
        )
    )
    assert f'data-field-error="line-{line.id}"' in page
    assert _line(plan_id, "NL-ARN", "0180").quantity == 720


def test_a_change_that_breaks_a_rule_is_refused_with_the_finding(client, users):
    shortage_scenario()
    plan_id = run()
    line = _line(plan_id, "NL-ARN", "0380")
    _english(client, "officer")
    page = _text(
        client.post(
            f"/allocation/plans/{plan_id}/lines/{line.id}",
            data={"quantity": "500", "reason": "More to Uppsala"},
        )
    )
    assert 'data-testid="findings"' in page
    # 720 + 500 from a warehouse that may give 1,000.
    assert (
        "Rule 1, ffp2:" in page and "(NL-ARN) would give 1,220 ffp2 but may give only 1,000" in page
    )
    assert _line(plan_id, "NL-ARN", "0380").quantity == 280


def test_a_refused_change_is_shown_beside_its_line(client, users):
    shortage_scenario()
    plan_id = run()
    line = _line(plan_id, "NL-ARN", "0380")
    _english(client, "officer")
    page = _text(
        client.post(
            f"/allocation/plans/{plan_id}/lines/{line.id}",
            data={"quantity": "500", "reason": "More to Uppsala"},
        )
    )
    row = _row(page, line.id)
    assert "has-error" in row and 'data-field-error="line-' in row
    assert "would give 1,220 ffp2 but may give only 1,000" in row


def _unserved_scenario() -> int:
    """The shortage, and Täby (0160) holding 1,000 days asks for 50 (normal): it gets nothing,
    the critical requests having taken all."""
    shortage_scenario()
    reported("0160", "ffp2", stock=10_000, use=10)
    filed("0160", "ffp2", 50, "normal")
    return run()


def test_a_requester_given_nothing_appears_on_the_plan_page_with_its_reason(client, users):
    plan_id = _unserved_scenario()
    assert not any(line.recipient.code == "0160" for line in _plan(plan_id).lines)
    _english(client, "viewer")
    page = _text(client.get(f"/allocation/plans/{plan_id}?item=ffp2"))
    start = page.index('data-unserved="0160"')
    row = page[start : page.index("</tr>", start)]
    assert "Täby" in row and "Nothing allocated" in row
    assert "nothing left: stock ran out on critical requests" in row


def test_a_requester_given_nothing_appears_in_the_decision_and_its_workbook(client, users):
    plan_id = _unserved_scenario()
    with as_user("officer"):
        plan_review.submit(plan_id)
    with as_user("officer2"):
        plan_review.approve(plan_id)
    _english(client, "viewer")
    page = _text(client.get(f"/allocation/plans/{plan_id}/decision"))
    start = page.index('data-unserved="0160|ffp2"')
    row = page[start : page.index("</tr>", start)]
    assert "Täby" in row and "nothing left: stock ran out on critical requests" in row
    rows = workbook_rows(
        client.get(f"/allocation/plans/{plan_id}/decision.xlsx").data, sheet="Rader"
    )
    taby = [r for r in rows if r["To"] == "0160"]
    assert len(taby) == 1 and taby[0]["Quantity"] == 0 and taby[0]["Requested"] == 50
    assert taby[0]["Kind"] == "Nothing allocated"


def test_an_officer_adds_a_line_the_model_did_not_propose(client, users):
    shortage_scenario()
    plan_id = run()
    with as_user("officer"):
        plan_review.change_line(plan_id, _line(plan_id, "0114", "0180").id, 260, "Split it")
    _english(client, "officer")
    response = client.post(
        f"/allocation/plans/{plan_id}/lines",
        data={
            "item": "ffp2",
            "origin": "0114",
            "recipient": "0180",
            "quantity": "20",
            "reason": "The other 20 as a separate load",
        },
    )
    assert response.status_code == 302
    added = [line for line in _plan(plan_id).lines if line.proposed_quantity == 0]
    assert [(a.recipient.code, a.quantity, a.change_reason) for a in added] == [
        ("0180", 20, "The other 20 as a separate load")
    ]


def test_an_added_line_from_an_unknown_recipient_is_marked_beside_the_field(client, users):
    shortage_scenario()
    plan_id = run()
    _english(client, "officer")
    page = _text(
        client.post(
            f"/allocation/plans/{plan_id}/lines",
            data={
                "item": "ffp2",
                "origin": "NL-ARN",
                "recipient": "9999",
                "quantity": "20",
                "reason": "Why not",
            },
        )
    )
    assert 'data-field-error="recipient"' in page and "not part of this round" in page


def test_the_proposer_cannot_approve_and_is_told_why(client, users):
    shortage_scenario()
    plan_id = run()
    _english(client, "officer")
    client.post(f"/allocation/plans/{plan_id}/submit")
    assert _plan(plan_id).status == PlanStatus.SUBMITTED
    page = _text(client.get(f"/allocation/plans/{plan_id}"))
    assert 'data-testid="four-eyes"' in page and 'data-testid="approve-plan"' not in page
    refused = _text(client.post(f"/allocation/plans/{plan_id}/approve", follow_redirects=True))
    assert "another officer must decide it" in refused
    assert _plan(plan_id).status == PlanStatus.SUBMITTED


def test_a_second_officer_approves_and_the_shipments_are_created(client, users):
    shortage_scenario()
    plan_id = run()
    with as_user("officer"):
        plan_review.submit(plan_id)
    _english(client, "officer2")
    page = _text(client.get(f"/allocation/plans/{plan_id}"))
    assert 'data-testid="approve-plan"' in page
    done = _text(
        client.post(
            f"/allocation/plans/{plan_id}/approve",
            data={"comment": "Agreed"},
            follow_redirects=True,
        )
    )
    assert "approved: stock is reserved" in done and 'data-testid="decision-link"' in done
    plan = _plan(plan_id)
    assert (plan.status, plan.decided_by) == (PlanStatus.APPROVED, "officer2")
    assert sorted(s.quantity for s in db.session.scalars(select(Shipment))) == [180, 280, 280, 720]
    again = _text(client.post(f"/allocation/plans/{plan_id}/approve", follow_redirects=True))
    assert "approved already" in again


def test_approval_refused_when_the_stock_moved_lists_the_problem(client, users):
    lot_id = shortage_scenario()
    plan_id = run()
    with as_user("officer"):
        plan_review.submit(plan_id)
    stock.reserve(lot_id, 500, reason="Another decision")
    _english(client, "officer2")
    page = _text(client.post(f"/allocation/plans/{plan_id}/approve", follow_redirects=True))
    assert "cannot be approved as it stands" in page
    assert "NL-ARN now holds 500 ffp2 that can be allocated, the plan needs 1,000" in page
    assert _plan(plan_id).status == PlanStatus.SUBMITTED


def test_sending_back_needs_a_comment_and_shows_it(client, users):
    shortage_scenario()
    plan_id = run()
    with as_user("officer"):
        plan_review.submit(plan_id)
    _english(client, "officer2")
    empty = _text(client.post(f"/allocation/plans/{plan_id}/return", data={"comment": ""}))
    assert 'data-field-error="comment"' in empty
    assert _plan(plan_id).status == PlanStatus.SUBMITTED
    client.post(f"/allocation/plans/{plan_id}/return", data={"comment": "Check Uppsala"})
    page = _text(client.get(f"/allocation/plans/{plan_id}"))
    assert _plan(plan_id).status == PlanStatus.RETURNED
    assert 'data-testid="decision-comment">Check Uppsala' in page


def test_an_officer_discards_a_plan_with_a_reason(client, users):
    shortage_scenario()
    plan_id = run()
    _english(client, "officer")
    client.post(f"/allocation/plans/{plan_id}/discard", data={"reason": "Superseded"})
    plan = _plan(plan_id)
    assert (plan.status, plan.decision_comment) == (PlanStatus.DISCARDED, "Superseded")


def test_readers_may_not_act(client, users):
    shortage_scenario()
    plan_id = run()
    _english(client, "logistics")
    assert client.get(f"/allocation/plans/{plan_id}").status_code == 200
    assert client.post(f"/allocation/plans/{plan_id}/submit").status_code == 403
    assert client.get("/allocation/new").status_code == 403


def _approved() -> int:
    shortage_scenario()
    plan_id = run()
    with as_user("officer"):
        plan_review.change_line(
            plan_id, _line(plan_id, "0114", "0180").id, 260, "Hold 20 back for next week"
        )
        plan_review.submit(plan_id)
    with as_user("officer2"):
        plan_review.approve(plan_id)
    return plan_id


def test_the_decision_shows_the_legal_basis_the_people_and_the_hash(client, users):
    plan_id = _approved()
    _english(client, "viewer")
    page = _text(client.get(f"/allocation/plans/{plan_id}/decision"))
    assert "Decision on allocation" in page
    assert "(2020:126)" in page and "§ 4" in page
    problem_json = _plan(plan_id).problem_json
    digest = hashlib.sha256(problem_json.encode("utf-8")).hexdigest()
    assert f'data-testid="sha256">{digest}' in page
    assert "python -m allocation solve problem.json -o plan.json" in page
    assert "HiGHS" in page and "Hold 20 back for next week" in page
    assert "<strong>Officer (officer)</strong>" in page
    assert "<strong>Officer2 (officer2)</strong>" in page
    download = client.get(f"/allocation/plans/{plan_id}/problem.json")
    assert "attachment" in download.headers["Content-Disposition"]
    assert hashlib.sha256(download.data).hexdigest() == digest
    model = json.loads(client.get(f"/allocation/plans/{plan_id}/plan.json").data)
    assert sum(s["quantity"] for s in model["shipments"]) == 1460


def test_the_decision_workbook_opens_with_pandas(client, users):
    plan_id = _approved()
    _english(client, "officer")
    response = client.get(f"/allocation/plans/{plan_id}/decision.xlsx")
    sheets = pd.read_excel(io.BytesIO(response.data), sheet_name=None)
    assert list(sheets) == ["Beslut", "Rader", "Indata"]
    lines = sheets["Rader"]
    assert sorted(lines["Quantity"]) == [180, 260, 280, 720]
    assert sorted(lines["Model's proposal"]) == [180, 280, 280, 720]
    # Organisation codes stay text with their leading zeros: Upplands Väsby 0114, Uppsala 0380.
    rows = workbook_rows(response.data, sheet="Rader")
    assert sorted((r["From"], r["To"], r["Quantity"]) for r in rows) == [
        ("0114", "0180", 260),
        ("0114", "0380", 180),
        ("NL-ARN", "0180", 720),
        ("NL-ARN", "0380", 280),
    ]
    inputs = dict(zip(sheets["Indata"]["Input"], sheets["Indata"]["Value"], strict=True))
    assert (
        inputs["SHA-256 of the problem"]
        == hashlib.sha256(_plan(plan_id).problem_json.encode("utf-8")).hexdigest()
    )
    assert "officer2" in " ".join(sheets["Beslut"]["Value"].astype(str))


def test_a_plan_not_yet_approved_has_no_decision_document(client, users):
    shortage_scenario()
    plan_id = run()
    _english(client, "officer")
    assert client.get(f"/allocation/plans/{plan_id}/decision").status_code == 404


def test_a_requester_sees_the_decision_about_its_own_allocation(client, users):
    plan_id = _unserved_scenario()
    with as_user("officer"):
        plan_review.submit(plan_id)
    with as_user("officer2"):
        plan_review.approve(plan_id)
    _english(client, "requester")  # Uppsala kommun (0380)
    shipment = next(
        s
        for s in db.session.scalars(select(Shipment).where(Shipment.plan_id == plan_id))
        if s.recipient.code == "0380"
    )
    # The shipment's page links the plan to the page the requester may read.
    shipment_page = _text(client.get(f"/shipments/{shipment.id}"))
    assert f'href="/allocation/plans/{plan_id}/mine"' in shipment_page
    response = client.get(f"/allocation/plans/{plan_id}/mine")
    assert response.status_code == 200
    page = _text(response)
    # Uppsala asked for 600 and got 280 + 180: partly met, told so.
    outcome = page[page.index('data-outcome="ffp2"') :]
    assert 'data-state="partly_met"' in outcome[:80]
    assert "Your request is partly met" in outcome and "requested 600, allocated 460" in outcome
    lines = page[page.index('id="my-lines"') :]
    assert lines.count("data-line=") == 2 and "Stockholm" not in lines
    assert "Täby" not in page  # only the lines that concern Uppsala
    # The national plan page stays closed to it.
    assert client.get(f"/allocation/plans/{plan_id}").status_code == 403


def test_a_requester_given_nothing_is_told_its_request_is_declined(client, users):
    shortage_scenario()
    reported("0380", "visor", stock=10_000, use=10)
    filed("0380", "visor", 50, "normal")
    plan_id = run(item_codes=["ffp2", "visor"])
    with as_user("officer"):
        plan_review.submit(plan_id)
    with as_user("officer2"):
        plan_review.approve(plan_id)
    _english(client, "requester")
    page = _text(client.get(f"/allocation/plans/{plan_id}/mine"))
    visor = page[page.index('data-outcome="visor"') :]
    assert 'data-state="declined"' in visor[:80]
    assert "Your request is declined in this decision" in visor
    assert 'data-unserved="0380|visor"' in page


def test_the_warnings_name_only_those_left_under_7_days_by_the_plan(client, users):
    # 100 FFP2 for Uppsala (5 days) and Stockholm (4 days), who ask for 600 and 1,000: both
    # stay under 7 days. Täby holds 1,000 days and is never warned, nor the donor.
    shortage_scenario(national=100)
    reported("0160", "ffp2", stock=10_000, use=10)
    filed("0160", "ffp2", 50, "normal")
    plan_id = run(redistribute=False)
    _english(client, "viewer")
    page = _text(client.get(f"/allocation/plans/{plan_id}"))
    warnings = page[page.index('data-testid="warnings"') :]
    warnings = warnings[: warnings.index("</ul>")]
    low = [part for part in warnings.split("<li") if "warning-low" in part]
    assert len(low) == 2
    assert any("(0380)" in part for part in low) and any("(0180)" in part for part in low)
    assert "0160" not in warnings and "0114" not in warnings
