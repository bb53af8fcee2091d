"""Words for the transfer area's values and the model's reasons, in the reader's language."""

from supplyapp.formatting import number
from supplyapp.i18n import _
from supplyapp.i18n import lazy as _l

STATUS = {
    "requested": _l("Waiting for a placement"),
    "proposed": _l("Proposed to the receiving unit"),
    "accepted": _l("Accepted"),
    "transport_arranged": _l("Transport arranged"),
    "in_transit": _l("In transit"),
    "arrived": _l("Arrived"),
    "abroad": _l("Sent to a Nordic country"),
    "cancelled": _l("Withdrawn by the sender"),
    "not_moved": _l("No longer to be moved"),
}
PLACEMENT = {
    "draft": _l("Proposed, not sent"),
    "sent": _l("Waiting for the unit's answer"),
    "accepted": _l("Accepted"),
    "declined": _l("Declined by the unit"),
    "withdrawn": _l("Withdrawn"),
}
BOOKING = {
    "arranged": _l("Transport arranged"),
    "in_transit": _l("In transit"),
    "arrived": _l("Arrived"),
    "cancelled": _l("Cancelled"),
}
LEVEL = {
    "invasive": _l("Invasive ventilation"),
    "ecmo": _l("ECMO"),
    "niv": _l("Non-invasive ventilation"),
}
AGE = {"adult": _l("Adult"), "child": _l("Child")}
URGENCY = {"immediate": _l("Immediate"), "today": _l("Today"), "planned": _l("Planned")}
MODE = {"road": _l("road"), "helicopter": _l("helicopter"), "aircraft": _l("aircraft")}
KIND = {
    "aircraft": _l("Ambulance aircraft"),
    "helicopter": _l("Ambulance helicopter"),
    "road": _l("Intensive-care ambulance"),
}
COUNTRY = {"DK": _l("Denmark"), "FI": _l("Finland"), "IS": _l("Iceland"), "NO": _l("Norway")}
# The model's reason codes (allocation.transfers) in words; an unknown code shows the model's
# English sentence.
REASON = {
    "nearest_free": _l("nearest free place"),
    "nearer_places_taken": _l("nearer places are taken by more urgent patients"),
    "nearer_region_too_full": _l("a nearer region would end fuller than the sender"),
    "nearer_by_air_no_seats": _l("no air seats left for a nearer place"),
    "given": _l("placed by the coordinator"),
    "not_transport_stable": _l("not transport-stable"),
    "no_place_in_range": _l("no free place within range"),
    "no_ecmo_place_in_range": _l("no free ECMO place within range"),
    "no_child_place_in_range": _l("no free place for a child within range"),
    "region_would_fall_below_sender": _l(
        "every region in range would end with a lower free share than the sender"
    ),
    "region_below_cushion": _l("every region in range would fall below its cushion"),
    "no_air_seats_left": _l("no air seats left"),
    "places_taken": _l("the places in range are taken by more urgent patients"),
}


def _get(table: dict, value) -> str:
    key = getattr(value, "value", value)
    return str(table.get(key, key or ""))


def status(value) -> str:
    return _get(STATUS, value)


def placement(value) -> str:
    return _get(PLACEMENT, value)


def booking(value) -> str:
    return _get(BOOKING, value)


def level(value) -> str:
    return _get(LEVEL, value)


def age(value) -> str:
    return _get(AGE, value)


def urgency(value) -> str:
    return _get(URGENCY, value)


def mode(value) -> str:
    return _get(MODE, value)


def kind(value) -> str:
    return _get(KIND, value)


def country(value) -> str:
    return _get(COUNTRY, value)


def reason(code: str | None, fallback: str = "") -> str:
    return str(REASON[code]) if code in REASON else fallback


def move(line) -> str:
    """ "to Linköping IVA by aircraft, 2.1 h: nearest free place" for a placement."""
    return _(
        "to %(unit)s by %(mode)s, %(hours)s h: %(why)s",
        unit=line.to_unit.name,
        mode=mode(line.mode),
        hours=number(line.hours, 1),
        why=line.change_reason or reason(line.reason_code, line.reason),
    )


def needs(key: str) -> str:
    """ "invasive-adult" -> "Invasive ventilation, adult"."""
    care, _sep, group = key.partition("-")
    return f"{level(care)}, {age(group).lower()}"


RULES = {
    1: _l("Rule 1, a feasible move (a free place of the care level, a transport that reaches)"),
    3: _l("Rule 3, fair to the helper (the receiving region not left fuller than the sender)"),
}


def violation(rule: int, message: str) -> str:
    """A broken rule named in the reader's language, with the model's own explanation."""
    return f"{RULES[rule]}: {message}" if rule in RULES else message
