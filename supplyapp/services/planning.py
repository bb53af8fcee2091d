"""Allocation rounds: build the problem from the database, solve it, store the proposal.

The problem is what the allocation package reads: approved, unexpired national stock that no
approved plan has reserved; the national reserve per item; each organisation's latest figures and
open requests; places. It is stored with the plan, byte for byte, so the plan can be reproduced.
"""

import json
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import cast

from sqlalchemy import func, insert, select

import allocation
from allocation.problem import PolicyName
from supplyapp import audit, clock, measures
from supplyapp.config import setting
from supplyapp.extensions import db
from supplyapp.i18n import _
from supplyapp.models import County, Item, Organisation, OrganisationKind, Warehouse
from supplyapp.models.demand import PRIORITY_RANK, LatestReportLine
from supplyapp.models.planning import AllocationPlan, LineKind, PlanLine, PlanStatus
from supplyapp.models.stock import Lot, StockBalance
from supplyapp.permissions import REQUESTING_KINDS
from supplyapp.services.demand_requests import open_requests_query
from supplyapp.services.errors import DomainError, InvalidInput
from supplyapp.services.transaction import use_case

POLICIES = ("needs", "population")


@dataclass
class RoundSettings:
    """What the officer chose: items (none: all with open requests), policy and its settings."""

    item_codes: list[str] = field(default_factory=list)
    policy: str = "needs"
    donor_floor_days: float = 28.0
    redistribute: bool = True
    whole_packs: bool = True
    keep_reserve: bool = True

    def to_dict(self) -> dict:
        return {
            "item_codes": list(self.item_codes),
            "policy": self.policy,
            "donor_floor_days": self.donor_floor_days,
            "redistribute": self.redistribute,
            "whole_packs": self.whole_packs,
            "keep_reserve": self.keep_reserve,
        }


@dataclass
class BuiltProblem:
    problem: allocation.Problem
    context: dict  # "org|item" -> requests, report date, staleness
    warnings: list[dict]


class NothingToAllocate(DomainError):
    """No open request for the chosen items."""


def _check_settings(settings: RoundSettings) -> None:
    errors = {}
    if settings.policy not in POLICIES:
        errors["policy"] = _("Choose the needs policy or the population key.")
    floor = settings.donor_floor_days
    if isinstance(floor, bool) or not isinstance(floor, int | float) or not 0 <= floor <= 365:
        errors["donor_floor_days"] = _("Give a number of days from 0 to 365.")
    if errors:
        raise InvalidInput(errors)


def _chosen_items(settings: RoundSettings, requested_item_ids: set[int]) -> list[Item]:
    items = db.session.scalars(select(Item).where(Item.active.is_(True)).order_by(Item.code)).all()
    if not settings.item_codes:
        return [item for item in items if item.id in requested_item_ids]
    known = {item.code: item for item in items}
    unknown = [code for code in settings.item_codes if code not in known]
    if unknown:
        raise InvalidInput({"items": _("Unknown item %(code)s.", code=", ".join(unknown))})
    return [known[code] for code in sorted(set(settings.item_codes))]


def _open_requests() -> dict[tuple[int, int], list]:
    """(organisation id, item id) -> its open requests that count nationally."""
    by_pair = defaultdict(list)
    for request in db.session.scalars(open_requests_query()):
        if request.quantity > request.met_quantity:
            by_pair[request.organisation_id, request.item_id].append(request)
    return by_pair


def _national_stock(item_ids: list[int], today: date) -> dict[tuple[int, int], int]:
    """(warehouse id, item id) -> approved, unexpired stock not reserved by an approved plan."""
    query = (
        select(StockBalance.warehouse_id, StockBalance.item_id, func.sum(StockBalance.available))
        .join(Lot, Lot.id == StockBalance.lot_id)
        .where(
            StockBalance.item_id.in_(item_ids),
            StockBalance.available > 0,
            (Lot.expiry_date.is_(None)) | (Lot.expiry_date > today),
        )
        .group_by(StockBalance.warehouse_id, StockBalance.item_id)
    )
    return {(w, i): int(q) for w, i, q in db.session.execute(query)}


def _sources(items: list[Item], today: date) -> tuple[allocation.Source, ...]:
    stock = _national_stock([item.id for item in items], today)
    codes = {item.id: item.code for item in items}
    warehouses = db.session.scalars(
        select(Warehouse).where(Warehouse.active.is_(True)).order_by(Warehouse.code)
    ).all()
    return tuple(
        allocation.Source(
            code=w.code,
            lat=w.lat,
            lon=w.lon,
            stock={codes[i]: q for (wid, i), q in sorted(stock.items()) if wid == w.id},
        )
        for w in warehouses
    )


def _latest(item_ids: list[int]) -> dict[tuple[int, int], LatestReportLine]:
    rows = db.session.scalars(
        select(LatestReportLine).where(LatestReportLine.item_id.in_(item_ids))
    )
    return {(row.organisation_id, row.item_id): row for row in rows}


def _figures(latest: LatestReportLine | None, requests: list, today: date) -> dict:
    """Stock today and daily use: the latest report, or the request's own if newer."""
    newest_request = max(requests, key=lambda r: r.created_at) if requests else None
    if latest is not None and (
        newest_request is None or latest.as_of >= clock.local_day(newest_request.created_at)
    ):
        return {
            "on_hand": measures.stock_today(
                latest.stock_on_hand, latest.daily_use, latest.as_of, today
            ),
            "daily_use": latest.daily_use,
            "as_of": latest.as_of,
            "source": "report",
        }
    if newest_request is not None:
        return {
            "on_hand": newest_request.stock_at_request,
            "daily_use": newest_request.daily_use_at_request,
            "as_of": clock.local_day(newest_request.created_at),
            "source": "request",
        }
    return {}


def _line(settings, figures, requests, stale: bool) -> allocation.Line:
    requested = sum(r.quantity - r.met_quantity for r in requests)
    priority = min((r.priority for r in requests), key=PRIORITY_RANK.__getitem__, default=None)
    return allocation.Line(
        on_hand=int(figures["on_hand"]),
        daily_use=float(figures["daily_use"]),
        requested=requested,
        priority=priority.value if priority else "normal",
        may_donate=settings.redistribute
        and not requests
        and not stale
        and figures["daily_use"] > 0,
    )


def _context_entry(figures, requests, stale: bool) -> dict:
    oldest = min((r.created_at for r in requests), default=None)
    return {
        "requests": [r.id for r in sorted(requests, key=lambda r: r.id)],
        "oldest_request": oldest.isoformat() if oldest else None,
        "as_of": figures["as_of"].isoformat(),
        "figures": figures["source"],
        "stale": stale,
    }


def _places(organisation: Organisation, counties: dict[str, County]):
    if organisation.kind == OrganisationKind.COUNTY_BOARD:
        county = counties[organisation.county_code]
        return county.lat, county.lon
    return organisation.lat, organisation.lon


def build_problem(settings: RoundSettings, today: date | None = None) -> BuiltProblem:
    """The allocation problem for these settings from the database as it is now."""
    _check_settings(settings)
    today = today or clock.today()
    requests = _open_requests()
    items = _chosen_items(settings, {item_id for _, item_id in requests})
    if not items:
        raise NothingToAllocate(_("No open requests for the chosen items."))
    item_codes = {item.id: item.code for item in items}
    latest = _latest(list(item_codes))
    stale_after = int(setting("REPORT_STALE_DAYS"))
    counties = {c.code: c for c in db.session.scalars(select(County))}
    kinds = (*REQUESTING_KINDS, OrganisationKind.COUNTY_BOARD)
    organisations = db.session.scalars(
        select(Organisation)
        .where(Organisation.active.is_(True), Organisation.kind.in_(kinds))
        .order_by(Organisation.code)
    ).all()
    problem_orgs, context, warnings = [], {}, []
    for org in organisations:
        lines = {}
        for item_id, code in item_codes.items():
            own = requests.get((org.id, item_id), [])
            figures = _figures(latest.get((org.id, item_id)), own, today)
            if not figures:
                continue
            stale = (today - figures["as_of"]).days > stale_after
            line = _line(settings, figures, own, stale)
            if line.requested == 0 and not line.may_donate:
                continue
            lines[code] = line
            context[f"{org.code}|{code}"] = _context_entry(figures, own, stale)
            if stale and own:
                warnings.append(
                    {
                        "kind": "stale",
                        "organisation": org.code,
                        "item": code,
                        "as_of": figures["as_of"].isoformat(),
                    }
                )
        if not lines:
            continue
        lat, lon = _places(org, counties)
        if lat is None or lon is None:
            warnings.append({"kind": "no_place", "organisation": org.code, "item": ""})
            continue
        problem_orgs.append(
            allocation.Organisation(
                code=org.code,
                lat=lat,
                lon=lon,
                kind=org.kind.value,
                population=org.population or 0,
                lines=lines,
            )
        )
    if not any(line.requested for org in problem_orgs for line in org.lines.values()):
        raise NothingToAllocate(_("No open requests for the chosen items."))
    problem = allocation.Problem(
        items=tuple(
            allocation.Item(code=i.code, pack_size=i.pack_size, name=i.name_en) for i in items
        ),
        sources=_sources(items, today),
        organisations=tuple(problem_orgs),
        reserve={
            i.code: i.national_reserve
            for i in items
            if settings.keep_reserve and i.national_reserve
        },
        policy=allocation.Policy(
            name=cast(PolicyName, settings.policy),  # one of POLICIES: see _check_settings
            donor_floor_days=float(settings.donor_floor_days),
            redistribute=settings.redistribute,
            whole_packs=settings.whole_packs,
            solver=setting("ALLOCATION_SOLVER"),
        ),
    )
    return BuiltProblem(problem, context, warnings)


@use_case
def run_round(settings: RoundSettings, today: date | None = None) -> AllocationPlan:
    """Build the problem, solve it by both policies, and store the chosen one as a draft."""
    built = build_problem(settings, today)
    # The problem is rebuilt from its own JSON so that what is stored is exactly what was solved.
    problem_json = json.dumps(built.problem.to_dict(), ensure_ascii=False, sort_keys=True)
    problem = allocation.Problem.from_dict(json.loads(problem_json))
    plans, measures = allocation.compare_policies(problem)
    chosen = plans[settings.policy]
    plan = AllocationPlan(
        status=PlanStatus.DRAFT,
        policy_name=settings.policy,
        settings=settings.to_dict(),
        problem_json=problem_json,
        model_plan_json=json.dumps(chosen.to_dict(), ensure_ascii=False),
        comparison_json=json.dumps({name: m.to_dict() for name, m in measures.items()}),
        context=built.context,
        warnings=built.warnings,
        solver=chosen.solver,
        solver_version=chosen.solver_version,
        solve_seconds=chosen.seconds,
        proposed_by=audit.current_actor_name(),
    )
    db.session.add(plan)
    db.session.flush()
    _store_lines(plan, chosen)
    audit.give_reason(_("Allocation round run"))
    return plan


def _store_lines(plan: AllocationPlan, chosen: allocation.Plan) -> None:
    """One plan line per shipment of the model's plan, bulk-inserted (a round has thousands)."""
    items = {code: i for code, i in db.session.execute(select(Item.code, Item.id))}
    warehouses = {code: i for code, i in db.session.execute(select(Warehouse.code, Warehouse.id))}
    organisations = {
        code: i for code, i in db.session.execute(select(Organisation.code, Organisation.id))
    }
    rows = []
    for s in chosen.shipments:
        national = s.kind == "distribution"
        rows.append(
            dict(
                plan_id=plan.id,
                item_id=items[s.item],
                kind=LineKind(s.kind),
                warehouse_id=warehouses[s.source] if national else None,
                donor_id=None if national else organisations[s.source],
                recipient_id=organisations[s.organisation],
                km=round(s.km, 1),
                proposed_quantity=s.quantity,
                quantity=s.quantity,
            )
        )
    if rows:
        db.session.execute(insert(PlanLine), rows)
    # One audit event for the lot: the lines are the model's plan, stored with the round.
    audit.record(
        db.session,
        "create",
        "allocation_plan_lines",
        plan.code,
        after={"lines": len(rows)},
        reason=_("Proposed by the allocation model"),
    )


def stored_problem(plan: AllocationPlan) -> allocation.Problem:
    return allocation.Problem.from_dict(json.loads(plan.problem_json))


def stored_model_plan(plan: AllocationPlan) -> allocation.Plan:
    return allocation.Plan.from_dict(json.loads(plan.model_plan_json))
