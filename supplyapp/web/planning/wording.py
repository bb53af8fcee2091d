"""The allocation package speaks English; these word its findings, reasons and labels in the
user's language. Findings carry codes and figures; the model's reasons are fixed templates,
read back with regular expressions. Unknown text is shown as it came."""

import re

from allocation.check import Finding
from supplyapp.formatting import number
from supplyapp.i18n import _
from supplyapp.i18n import lazy as _l
from supplyapp.queries import reference as reference_queries

STATUS_LABELS = {
    "draft": _l("Draft"),
    "submitted": _l("Waiting for approval"),
    "returned": _l("Sent back"),
    "approved": _l("Approved"),
    "discarded": _l("Discarded"),
}
KIND_LABELS = {
    "distribution": _l("Distribution"),
    "redistribution": _l("Redistribution"),
    "none": _l("Nothing allocated"),
}
POLICY_LABELS = {"needs": _l("Needs (lowest days first)"), "population": _l("Population key")}
REQUEST_OUTCOMES = {
    "met": _l("Your request is met"),
    "partly_met": _l("Your request is partly met"),
    "declined": _l("Your request is declined in this decision"),
}
PRIORITY_LABELS = {"critical": _l("Critical"), "high": _l("High"), "normal": _l("Normal")}


def label(table: dict, value) -> str:
    value = getattr(value, "value", value)
    return str(table.get(value, value if value is not None else "–"))


def _days(value) -> str:
    return number(float(value), 1)


def _finding_text(f: Finding, subject: str) -> str:
    v = f.values
    texts = {
        "negative": lambda: _(
            "%(subject)s: the quantity of %(item)s, %(quantity)s, is not a whole number above zero",
            subject=subject,
            item=f.item,
            quantity=v["quantity"],
        ),
        "not_whole_packs": lambda: _(
            "%(subject)s: %(quantity)s %(item)s is not a whole number of packs of %(pack)s",
            subject=subject,
            item=f.item,
            quantity=number(v["quantity"]),
            pack=number(v["pack"]),
        ),
        "unknown_source": lambda: _(
            "%(subject)s is not a warehouse or organisation of this round", subject=subject
        ),
        "unknown_line": lambda: _(
            "%(subject)s has no figures for %(item)s in this round", subject=subject, item=f.item
        ),
        "source_exceeded": lambda: _(
            "%(subject)s would give %(sent)s %(item)s but may give only %(stock)s",
            subject=subject,
            item=f.item,
            sent=number(v["sent"]),
            stock=number(v["stock"]),
        ),
        "reserve_touched": lambda: _(
            "%(sent)s %(item)s from national stock would touch the "
            "national reserve: only %(free)s may be given out",
            item=f.item,
            sent=number(v["sent"]),
            free=number(v["free"]),
        ),
        "over_request": lambda: _(
            "%(subject)s would receive %(received)s %(item)s, more than "
            "the %(requested)s it requested",
            subject=subject,
            item=f.item,
            received=number(v["received"]),
            requested=number(v["requested"]),
        ),
        "redistribution_off": lambda: _(
            "redistribution of %(item)s is switched off for this round", item=f.item
        ),
        "not_a_donor": lambda: _(
            "%(subject)s may not give %(item)s (it requests it, has no "
            "known use, or is not a possible donor)",
            subject=subject,
            item=f.item,
        ),
        "below_floor": lambda: _(
            "%(subject)s would keep %(days)s days of %(item)s, below the floor of %(floor)s days",
            subject=subject,
            item=f.item,
            days=_days(v["days"]),
            floor=_days(v["floor"]),
        ),
        "national_first": lambda: _(
            "%(item)s is redistributed although national stock could still give %(spare)s more",
            item=f.item,
            spare=number(v["spare"]),
        ),
        "recipient_above_floor": lambda: _(
            "%(subject)s would end at %(days)s days of %(item)s: surplus goes only to those "
            "below %(floor)s days",
            subject=subject,
            item=f.item,
            days=_days(v["days"]),
            floor=_days(v["floor"]),
        ),
        "giver_below_receiver": lambda: _(
            "%(donor)s would keep %(donor_days)s days of %(item)s, fewer than the %(days)s "
            "days %(subject)s ends with",
            subject=subject,
            item=f.item,
            donor=_name(v["donor"]),
            donor_days=_days(v["donor_days"]),
            days=_days(v["days"]),
        ),
    }
    make = texts.get(f.code)
    return make() if make else f.message


def _name(code: str) -> str:
    if not code:
        return ""
    name = reference_queries.place_name(code)
    return f"{name} ({code})" if name else code


def finding_message(f: Finding) -> str:
    """A refusal of the model's rules, naming the rule, the item and the organisation."""
    return _(
        "Rule %(rule)s, %(item)s: %(text)s",
        rule=f.rule,
        item=f.item,
        text=_finding_text(f, _name(f.subject)),
    )


def _num(text: str) -> float:
    return float(text.replace(",", ""))


# (pattern of the package's English reason, how to word it); the item's label is dropped
# where the page already names the item.
_REASONS = [
    (r"filled in full \(in whole packs\)", lambda m: _("filled in full (in whole packs)")),
    (
        r"filled in full \(rounded up to whole packs\)",
        lambda m: _("filled in full (rounded up to whole packs)"),
    ),
    (r"filled in full", lambda m: _("filled in full")),
    (
        r"asked for less than one pack \(([\d,]+) units\)",
        lambda m: _(
            "asked for less than one pack (%(units)s units)", units=number(int(_num(m[1])))
        ),
    ),
    (
        r"no warehouse with stock of this item can deliver here",
        lambda m: _("no warehouse with stock of this item can deliver here"),
    ),
    (
        r"no known daily use, so served after those with known use: got ([\d.]+)% of the request",
        lambda m: _(
            "no known daily use, so served after those with known use: got %(share)s%% "
            "of the request",
            share=m[1],
        ),
    ),
    (
        r"raised to ([\d.]+) days: national stock of .+ ran out, so ([\d,]+) came from other "
        r"organisations' surplus",
        lambda m: _(
            "raised to %(days)s days: national stock ran out, so %(units)s came from "
            "other organisations' surplus",
            days=_days(_num(m[1])),
            units=number(int(_num(m[2]))),
        ),
    ),
    (
        r"raised to ([\d.]+) days; no more could reach it from its warehouses",
        lambda m: _(
            "raised to %(days)s days; no more could reach it from its warehouses",
            days=_days(_num(m[1])),
        ),
    ),
    (
        r"nothing left: .+ ran out on (\w+) requests, which are served first",
        lambda m: _(
            "nothing left: stock ran out on %(priority)s requests, which are served first",
            priority=label(PRIORITY_LABELS, m[1]).lower(),
        ),
    ),
    (
        r"already holds ([\d.]+) days, at or above the national level of ([\d.]+) days for .+",
        lambda m: _(
            "already holds %(days)s days, at or above the national level of %(level)s days",
            days=_days(_num(m[1])),
            level=_days(_num(m[2])),
        ),
    ),
    (
        r"raised to ([\d.]+) days, the national level for .+: stock ran out",
        lambda m: _(
            "raised to %(days)s days, the national level: stock ran out", days=_days(_num(m[1]))
        ),
    ),
    (
        r"population 0: the population key gives it nothing",
        lambda m: _("population 0: the population key gives it nothing"),
    ),
    (
        r"share by population: ([\d.]+) per 1,000 inhabitants; stock of .+ ran out",
        lambda m: _(
            "share by population: %(share)s per 1,000 inhabitants; stock ran out",
            share=_days(_num(m[1])),
        ),
    ),
    (
        r"gave ([\d,]+) and keeps ([\d,]+) days",
        lambda m: _(
            "gave %(units)s and keeps %(days)s days",
            units=number(int(_num(m[1]))),
            days=number(int(_num(m[2]))),
        ),
    ),
]
_COMPILED = [(re.compile(f"^{pattern}$"), word) for pattern, word in _REASONS]


def reason_text(reason: str) -> str:
    """The model's reason in the user's language (as it came if its wording is unknown)."""
    for pattern, word in _COMPILED:
        match = pattern.match(reason or "")
        if match:
            return word(match)
    return reason or ""


def warning_text(w: dict) -> str:
    who = f"{w.get('name') or w['organisation']} ({w['organisation']})"
    if w["kind"] == "stale":
        return _(
            "%(who)s: the figures for %(item)s are from %(as_of)s, older than the reporting limit",
            who=who,
            item=w["item"],
            as_of=w.get("as_of", "?"),
        )
    if w["kind"] == "no_place":
        return _(
            "%(who)s has no place (latitude and longitude) and was left out of the round", who=who
        )
    if w["kind"] == "low":
        return _(
            "%(who)s is left with %(days)s days of %(item)s after the plan",
            who=who,
            days=_days(w["days"]),
            item=w["item"],
        )
    return f"{who}: {w}"
