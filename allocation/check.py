"""Check any set of shipments against rules 1 and 4 of the needs policy.

The model's own plans satisfy every rule by construction; this is for plans an officer has
changed by hand. Each finding names the rule, the item and the organisation or source, and
carries its figures, so a user interface can word it in its own language.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field
from typing import Any

from .network import great_circle_km
from .plan import Shipment
from .problem import Line, Problem, Source

TOLERANCE = 1e-6

Lines = dict[tuple[str, str], Line]  # (organisation, item) -> its line
Totals = dict[tuple[str, str], int]  # (organisation or source, item) -> units


@dataclass(frozen=True)
class Finding:
    """One way the shipments break a rule."""

    rule: int
    code: str
    item: str
    subject: str  # the organisation or source concerned
    values: dict[str, Any] = field(default_factory=dict)

    @property
    def message(self) -> str:
        return MESSAGES[self.code].format(item=self.item, subject=self.subject, **self.values)


MESSAGES = {
    "negative": "{subject}: {item} quantity {quantity} is not a whole number above zero",
    "not_whole_packs": "{subject}: {quantity} {item} is not a whole number of packs of {pack}",
    "unknown_source": "{subject} is not a source or organisation of the problem",
    "unknown_line": "{subject} has no line for {item}",
    "source_exceeded": "{subject} would give {sent} {item} but may give only {stock}",
    "reserve_touched": "{sent} {item} from national stock would touch the reserve: "
    "only {free} may be given out",
    "over_request": "{subject} would receive {received} {item}, more than the {requested} "
    "it requested",
    "redistribution_off": "redistribution of {item} is switched off for this round",
    "not_a_donor": "{subject} may not give {item} (it requests it, has no known use, or is "
    "not marked as a possible donor)",
    "below_floor": "{subject} would keep {days:.1f} days of {item}, below the floor of "
    "{floor:g} days",
    "national_first": "{item} is redistributed although national stock could still give "
    "{spare} more",
    "recipient_above_floor": "{subject} would end at {days:.1f} days of {item}: surplus goes "
    "only to those below {floor:g} days",
    "giver_below_receiver": "{donor} would keep {donor_days:.1f} days of {item}, fewer than "
    "the {days:.1f} days {subject} ends with",
}


def check_shipments(problem: Problem, shipments: Iterable[Shipment]) -> list[Finding]:
    """Every breach of rule 1 (feasible) and rule 4 (redistribution) by these shipments."""
    shipments = list(shipments)
    sources = {s.code: s for s in problem.sources}
    lines = {(o.code, code): line for o in problem.organisations for code, line in o.lines.items()}
    findings = _check_quantities(problem, shipments, sources, lines)
    if findings:
        return findings  # the sums below would only repeat the same faults
    sent, received, given = _totals(shipments)
    findings += _check_sources(problem, sent)
    findings += _check_recipients(problem, lines, received)
    findings += _check_donors(problem, lines, given)
    findings += _check_redistribution(problem, shipments, sent, received, given, lines)
    return findings


def _check_quantities(
    problem: Problem, shipments: list[Shipment], sources: dict[str, Source], lines: Lines
) -> list[Finding]:
    findings = []
    packs = {i.code: i.pack_size for i in problem.items}
    for s in shipments:
        quantity = s.quantity
        if isinstance(quantity, bool) or not isinstance(quantity, int) or quantity <= 0:
            findings.append(Finding(1, "negative", s.item, s.organisation, {"quantity": quantity}))
            continue
        pack = packs.get(s.item, 1)
        if problem.policy.whole_packs and quantity % pack:
            findings.append(
                Finding(
                    1,
                    "not_whole_packs",
                    s.item,
                    s.organisation,
                    {"quantity": quantity, "pack": pack},
                )
            )
        if (s.organisation, s.item) not in lines:
            findings.append(Finding(1, "unknown_line", s.item, s.organisation))
        if s.kind == "distribution" and s.source not in sources:
            findings.append(Finding(1, "unknown_source", s.item, s.source))
        if s.kind == "redistribution" and (s.source, s.item) not in lines:
            findings.append(Finding(1, "unknown_line", s.item, s.source))
    return findings


def _totals(shipments: list[Shipment]) -> tuple[Totals, Totals, Totals]:
    sent: dict[tuple[str, str], int] = defaultdict(int)
    received: dict[tuple[str, str], int] = defaultdict(int)
    given: dict[tuple[str, str], int] = defaultdict(int)
    for s in shipments:
        received[s.organisation, s.item] += s.quantity
        if s.kind == "distribution":
            sent[s.source, s.item] += s.quantity
        else:
            given[s.source, s.item] += s.quantity
    return sent, received, given


def _check_sources(problem: Problem, sent: Totals) -> list[Finding]:
    findings = []
    for source in problem.sources:
        for item in {i for (code, i) in sent if code == source.code}:
            stock = source.stock.get(item, 0)
            if sent[source.code, item] > stock:
                findings.append(
                    Finding(
                        1,
                        "source_exceeded",
                        item,
                        source.code,
                        {"sent": sent[source.code, item], "stock": stock},
                    )
                )
    for code in (i.code for i in problem.items):
        total = sum(q for (_, i), q in sent.items() if i == code)
        free = _national_free(problem, code)
        if total > free:
            findings.append(Finding(1, "reserve_touched", code, "", {"sent": total, "free": free}))
    return findings


def _national_free(problem: Problem, item: str) -> int:
    stock = sum(s.stock.get(item, 0) for s in problem.sources)
    return max(0, stock - problem.reserve.get(item, 0))


def _national_shippable(problem: Problem, item: str, pack: int) -> int:
    """What national stock can still give in whole shipments: each warehouse ships whole
    packs of its own stock, and never past the reserve (9 + 1 units with packs of 10 is
    nothing to ship, as the model sees it)."""
    per_source = sum(s.stock.get(item, 0) // pack * pack for s in problem.sources)
    return min(per_source, _national_free(problem, item) // pack * pack)


def _pack(problem: Problem, item: str) -> int:
    return next((i.pack_size for i in problem.items if i.code == item), 1)


def _request_limit(problem: Problem, item: str, requested: int) -> int:
    """Rule 1: with whole packs a request counts as its quantity rounded up to packs."""
    if not problem.policy.whole_packs:
        return requested
    pack = _pack(problem, item)
    return -(-requested // pack) * pack


def _check_recipients(problem: Problem, lines: Lines, received: Totals) -> list[Finding]:
    findings = []
    for (org, item), quantity in received.items():
        requested = lines[org, item].requested
        if quantity > _request_limit(problem, item, requested):
            findings.append(
                Finding(
                    1, "over_request", item, org, {"received": quantity, "requested": requested}
                )
            )
    return findings


def _check_donors(problem: Problem, lines: Lines, given: Totals) -> list[Finding]:
    findings = []
    floor = problem.policy.donor_floor_days
    for (donor, item), quantity in given.items():
        line = lines[donor, item]
        if not problem.policy.redistribute:
            findings.append(Finding(4, "redistribution_off", item, donor))
        if not (line.may_donate and line.requested == 0 and line.daily_use > 0):
            findings.append(Finding(4, "not_a_donor", item, donor))
            continue
        days = (line.on_hand - quantity) / line.daily_use
        if days < floor - TOLERANCE:
            findings.append(Finding(1, "below_floor", item, donor, {"days": days, "floor": floor}))
    return findings


def _days_after(line: Line, change: int) -> float:
    return (line.on_hand + change) / line.daily_use if line.daily_use > 0 else float("inf")


def _check_redistribution(
    problem: Problem,
    shipments: list[Shipment],
    sent: Totals,
    received: Totals,
    given: Totals,
    lines: Lines,
) -> list[Finding]:
    findings: list[Finding] = []
    floor = problem.policy.donor_floor_days
    packs = {i.code: (i.pack_size if problem.policy.whole_packs else 1) for i in problem.items}
    items = sorted({s.item for s in shipments if s.kind == "redistribution"})
    for item in items:
        national = sum(q for (_, i), q in sent.items() if i == item)
        wanted = sum(
            _request_limit(problem, item, line.requested)
            for (_, i), line in lines.items()
            if i == item
        )
        spare = min(_national_shippable(problem, item, packs[item]), wanted) - national
        if spare >= packs[item]:
            findings.append(Finding(4, "national_first", item, "", {"spare": spare}))
    seen = set()
    for s in shipments:
        if s.kind != "redistribution" or (s.source, s.organisation, s.item) in seen:
            continue
        seen.add((s.source, s.organisation, s.item))
        receiver = lines[s.organisation, s.item]
        after = _days_after(receiver, received[s.organisation, s.item])
        slack = packs[s.item] / receiver.daily_use if receiver.daily_use > 0 else 0
        if after > floor + slack + TOLERANCE:
            findings.append(
                Finding(
                    4,
                    "recipient_above_floor",
                    s.item,
                    s.organisation,
                    {"days": after, "floor": floor},
                )
            )
        donor_after = _days_after(lines[s.source, s.item], -given[s.source, s.item])
        if donor_after < after - slack - TOLERANCE:
            findings.append(
                Finding(
                    4,
                    "giver_below_receiver",
                    s.item,
                    s.organisation,
                    {"donor": s.source, "donor_days": donor_after, "days": after},
                )
            )
    return findings


def shipment_km(problem: Problem, source: str, organisation: str) -> float:
    """Great-circle kilometres from a source or donor to an organisation of the problem."""
    places = {s.code: (s.lat, s.lon) for s in problem.sources}
    places.update({o.code: (o.lat, o.lon) for o in problem.organisations})
    return great_circle_km(*places[source], *places[organisation])
