"""Read-only queries for the allocation pages: the list of plans, and for one plan the
approver's table, the summary per item, where the material goes, warnings and the decision.

Figures of the review come from what the plan stored (the problem it was solved from and the
model's answer), never from today's database, so the page shows what the model saw.
"""

import hashlib
import json
from collections import defaultdict
from collections.abc import Sequence
from datetime import datetime
from functools import cached_property
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import selectinload

from supplyapp import clock, measures
from supplyapp.extensions import db
from supplyapp.models import County, Item, Organisation, User
from supplyapp.models.demand import PRIORITY_RANK
from supplyapp.models.planning import AllocationPlan, LineKind, PlanLine, PlanStatus

LOW_DAYS = 7


def plans(status: str | None = None, limit: int = 500) -> list[dict]:
    """Plans newest first, each with its items, number of lines and units."""
    query = select(AllocationPlan).order_by(AllocationPlan.id.desc()).limit(limit)
    if status in {s.value for s in PlanStatus}:
        query = query.where(AllocationPlan.status == PlanStatus(status))
    found = db.session.scalars(query).all()
    totals: defaultdict[int, dict[str, Any]] = defaultdict(
        lambda: {"items": [], "lines": 0, "units": 0}
    )
    if found:
        rows = db.session.execute(
            select(PlanLine.plan_id, Item.code, func.count(), func.sum(PlanLine.quantity))
            .join(Item, Item.id == PlanLine.item_id)
            .where(PlanLine.plan_id.in_([p.id for p in found]))
            .group_by(PlanLine.plan_id, Item.code)
            .order_by(Item.code)
        )
        for plan_id, code, count, units in rows:
            totals[plan_id]["items"].append(code)
            totals[plan_id]["lines"] += count
            totals[plan_id]["units"] += int(units or 0)
    return [{"plan": p, **totals[p.id]} for p in found]


def problem_sha256(plan: AllocationPlan) -> str:
    """The fingerprint of the exact inputs, as stored (and as downloaded)."""
    return hashlib.sha256(plan.problem_json.encode("utf-8")).hexdigest()


def person(username: str | None) -> str:
    """ "Full Name (username)" for a decision; the username alone if the user is gone."""
    if not username:
        return "–"
    name = db.session.scalar(select(User.full_name).where(User.username == username))
    return f"{name} ({username})" if name else username


def _at(value: str | None) -> datetime | None:
    return datetime.fromisoformat(value) if value else None


class PlanView:
    """One plan read for its page: the stored inputs and answer, and its lines as they stand."""

    def __init__(self, plan: AllocationPlan):
        self.plan = plan
        self.problem = json.loads(plan.problem_json)
        self.model = json.loads(plan.model_plan_json)
        self.comparison = json.loads(plan.comparison_json or "{}")

    @cached_property
    def item_codes(self) -> list[str]:
        return [item["code"] for item in self.problem["items"]]

    @cached_property
    def items(self) -> dict[str, Item]:
        found = db.session.scalars(select(Item).where(Item.code.in_(self.item_codes)))
        return {item.code: item for item in found}

    def chosen_item(self, code: str | None) -> str | None:
        if code in self.item_codes:
            return code
        return self.item_codes[0] if self.item_codes else None

    @cached_property
    def problem_lines(self) -> dict[tuple[str, str], dict]:
        """(organisation code, item code) -> the line the model read."""
        return {
            (org["code"], code): line
            for org in self.problem["organisations"]
            for code, line in org["lines"].items()
        }

    @cached_property
    def lines(self) -> Sequence[PlanLine]:
        return db.session.scalars(
            select(PlanLine)
            .where(PlanLine.plan_id == self.plan.id)
            .options(
                selectinload(PlanLine.item),
                selectinload(PlanLine.warehouse),
                selectinload(PlanLine.donor),
                selectinload(PlanLine.recipient).selectinload(Organisation.county),
            )
            .order_by(PlanLine.id)
        ).all()

    @cached_property
    def flows(self) -> tuple[dict, dict]:
        """Per (organisation, item): units received and given as the lines now stand."""
        received: defaultdict[tuple[str, str], int] = defaultdict(int)
        given: defaultdict[tuple[str, str], int] = defaultdict(int)
        for line in self.lines:
            received[line.recipient.code, line.item.code] += line.quantity
            if line.kind == LineKind.REDISTRIBUTION:
                given[line.origin_code, line.item.code] += line.quantity
        return received, given

    @cached_property
    def reasons(self) -> dict[tuple[str, str], str]:
        return {
            (o["organisation"], o["item"]): o.get("reason", "")
            for o in self.model.get("outcomes", [])
        }

    def days_after(self, org: str, item: str) -> float | None:
        line = self.problem_lines.get((org, item))
        if line is None:
            return None
        received, given = self.flows
        stock = line["on_hand"] + received[org, item] - given[org, item]
        return measures.days_of_supply(stock, line["daily_use"])

    # -- per item ------------------------------------------------------------------------------

    def item_summaries(self) -> list[dict]:
        """Per item: available, given out now against the model, unmet, the water level."""
        now: defaultdict[tuple[str, LineKind], int] = defaultdict(int)
        for line in self.lines:
            now[line.item.code, line.kind] += line.quantity
        result = []
        for code in self.item_codes:
            model = self.model.get("items", {}).get(code, {})
            requested = sum(
                line["requested"] for (_, item), line in self.problem_lines.items() if item == code
            )
            national = now[code, LineKind.DISTRIBUTION]
            surplus = now[code, LineKind.REDISTRIBUTION]
            pack = next(i["pack_size"] for i in self.problem["items"] if i["code"] == code)
            result.append(
                {
                    "code": code,
                    "item": self.items.get(code),
                    "pack_size": pack,
                    "available": model.get("available"),
                    "requested": requested,
                    "allocated": national,
                    "model_allocated": model.get("allocated"),
                    "redistributed": surplus,
                    "model_redistributed": model.get("redistributed", 0),
                    "unmet": max(0, requested - national - surplus),
                    "model_unmet": model.get("unmet"),
                    "level_days": model.get("level_days"),
                    "level_priority": model.get("level_priority"),
                    "one_more_pack_days": model.get("one_more_pack_days"),
                    "thousand_more_days": model.get("thousand_more_days"),
                    "changed": national != model.get("allocated")
                    or surplus != model.get("redistributed", 0),
                }
            )
        return result

    # -- the approver's table ------------------------------------------------------------------

    def approver_rows(self, item: str) -> list[dict]:
        """One row per line of the item: who gets what from where, and the figures behind it;
        and one row for each requester the plan gives nothing, with the model's reason."""
        rows = [self._row(line) for line in self.lines if line.item.code == item]
        rows += self.unserved_rows(item)
        return sorted(
            rows,
            key=lambda r: (
                PRIORITY_RANK.get(r["priority"], 9),
                r["days_before"] if r["days_before"] is not None else float("inf"),
                r["recipient"].code,
                r["id"] or 0,
            ),
        )

    def unserved_rows(self, item: str | None = None) -> list[dict]:
        """Requesters of the item (every item when None) with no line that gives them
        anything: they appear with a quantity of 0 and the model's reason."""
        served = {
            (line.recipient.code, line.item.code)
            for line in self.lines
            if line.quantity or line.proposed_quantity
        }
        wanted = [
            (org, code)
            for (org, code), figures in self.problem_lines.items()
            if figures.get("requested", 0) > 0
            and (item is None or code == item)
            and (org, code) not in served
        ]
        if not wanted:
            return []
        organisations = {
            o.code: o
            for o in db.session.scalars(
                select(Organisation)
                .where(Organisation.code.in_({org for org, _ in wanted}))
                .options(selectinload(Organisation.county))
            )
        }
        return [
            self._unserved_row(organisations[org], code)
            for org, code in sorted(wanted)
            if org in organisations
        ]

    def _unserved_row(self, org: Organisation, item: str) -> dict:
        figures = self.problem_lines.get((org.code, item), {})
        context = self.plan.context.get(f"{org.code}|{item}", {})
        use = figures.get("daily_use", 0)
        return {
            "id": None,
            "line": None,
            "item_code": item,
            "recipient": org,
            "county": org.county,
            "kind": "none",
            "origin": None,
            "origin_code": "",
            "km": None,
            "on_hand": figures.get("on_hand"),
            "daily_use": use,
            "days_before": measures.days_of_supply(figures.get("on_hand", 0), use),
            "days_after": self.days_after(org.code, item),
            "requested": figures.get("requested", 0),
            "priority": figures.get("priority"),
            "requests": context.get("requests", []),
            "oldest_request": _at(context.get("oldest_request")),
            "as_of": context.get("as_of"),
            "stale": context.get("stale", False),
            "proposed": 0,
            "quantity": 0,
            "changed": False,
            "change_reason": None,
            "changed_by": None,
            "changed_at": None,
            "reason": self.reasons.get((org.code, item), ""),
            "donor_days_before": None,
            "donor_days_after": None,
        }

    def _row(self, line: PlanLine) -> dict:
        org, item = line.recipient.code, line.item.code
        figures = self.problem_lines.get((org, item), {})
        context = self.plan.context.get(f"{org}|{item}", {})
        use = figures.get("daily_use", 0)
        row = {
            "id": line.id,
            "line": line,
            "item_code": item,
            "recipient": line.recipient,
            "county": line.recipient.county,
            "kind": line.kind.value,
            "origin": line.warehouse or line.donor,
            "origin_code": line.origin_code,
            "km": line.km,
            "on_hand": figures.get("on_hand"),
            "daily_use": use,
            "days_before": measures.days_of_supply(figures.get("on_hand", 0), use),
            "days_after": self.days_after(org, item),
            "requested": figures.get("requested", 0),
            "priority": figures.get("priority"),
            "requests": context.get("requests", []),
            "oldest_request": _at(context.get("oldest_request")),
            "as_of": context.get("as_of"),
            "stale": context.get("stale", False),
            "proposed": line.proposed_quantity,
            "quantity": line.quantity,
            "changed": line.changed,
            "change_reason": line.change_reason,
            "changed_by": line.changed_by,
            "changed_at": line.changed_at,
            "reason": self.reasons.get((org, item), ""),
            "donor_days_before": None,
            "donor_days_after": None,
        }
        if line.donor is not None:
            donor = self.problem_lines.get((line.donor.code, item), {})
            row["donor_days_before"] = measures.days_of_supply(
                donor.get("on_hand", 0), donor.get("daily_use", 0)
            )
            row["donor_days_after"] = self.days_after(line.donor.code, item)
        return row

    def request_age_days(self, row: dict) -> int | None:
        oldest = row["oldest_request"]
        if oldest is None:
            return None
        return max(0, (clock.utc(self.plan.proposed_at) - clock.utc(oldest)).days)

    # -- where the material goes --------------------------------------------------------------

    def county_totals(self, item: str) -> dict[str, dict]:
        """County code -> units of the item the plan sends there, and to how many recipients."""
        totals: defaultdict[str, dict[str, Any]] = defaultdict(
            lambda: {"units": 0, "recipients": set()}
        )
        for line in self.lines:
            if line.item.code == item and line.quantity > 0:
                entry = totals[line.recipient.county_code]
                entry["units"] += line.quantity
                entry["recipients"].add(line.recipient.code)
        counties = {c.code: c for c in db.session.scalars(select(County))}
        return {
            code: {
                "county": counties.get(code),
                "units": t["units"],
                "recipients": len(t["recipients"]),
            }
            for code, t in sorted(totals.items())
        }

    # -- warnings ------------------------------------------------------------------------------

    def warnings(self) -> list[dict]:
        """Stale figures and organisations without a place (from the round), and recipients
        left under a week of supply by the plan as it now stands."""
        names = {
            code: name
            for code, name in db.session.execute(select(Organisation.code, Organisation.name))
        }
        found = [{**w, "name": names.get(w["organisation"], "")} for w in self.plan.warnings]
        for (org, item), line in sorted(self.problem_lines.items()):
            if line["requested"] <= 0:
                continue
            after = self.days_after(org, item)
            if after is not None and after < LOW_DAYS:
                found.append(
                    {
                        "kind": "low",
                        "organisation": org,
                        "item": item,
                        "name": names.get(org, ""),
                        "days": after,
                    }
                )
        return found

    # -- one organisation's part ---------------------------------------------------------------

    def concerns(self, code: str) -> bool:
        """Whether the organisation was in the round (it requested or could give)."""
        return any(org == code for org, _ in self.problem_lines)

    def organisation_rows(self, code: str) -> list[dict]:
        """The decision's lines that concern one organisation (to it or from it), and its
        requests the plan gives nothing."""
        return [
            r
            for r in self.decision_lines()
            if r["recipient"].code == code
            or (r["kind"] == "redistribution" and r["origin_code"] == code)
        ]

    def organisation_outcomes(self, code: str) -> list[dict]:
        """Per item the organisation requested: requested, allocated as the plan stands, and
        whether the request is met, partly met or declined."""
        received, _ = self.flows
        result = []
        for (org, item), figures in sorted(self.problem_lines.items()):
            requested = figures.get("requested", 0)
            if org != code or requested <= 0:
                continue
            got = received[org, item]
            state = "met" if got >= requested else "partly_met" if got > 0 else "declined"
            result.append(
                {
                    "item_code": item,
                    "item": self.items.get(item),
                    "requested": requested,
                    "allocated": got,
                    "state": state,
                    "reason": self.reasons.get((org, item), ""),
                }
            )
        return result

    # -- the decision --------------------------------------------------------------------------

    def decision_lines(self) -> list[dict]:
        """Every line with a quantity or a proposal, and every requester given nothing, in
        item and recipient order."""
        rows = [self._row(line) for line in self.lines if line.quantity or line.proposed_quantity]
        rows += self.unserved_rows()
        return sorted(rows, key=lambda r: (r["item_code"], r["recipient"].code, r["id"] or 0))
