"""Words for enum values, in the user's language."""

from supplyapp.i18n import lazy as _l

ROLE_LABELS = {
    "admin": _l("Administrator"),
    "logistics": _l("Logistics"),
    "officer": _l("Allocation officer"),
    "requester": _l("Requester"),
    "county": _l("County administrative board"),
    "viewer": _l("Viewer"),
    "icu_reporter": _l("ICU reporter"),
    "icu_coordinator": _l("National ICU coordinator"),
}

ROLE_DESCRIPTIONS = {
    "admin": _l("You manage users and reference data: places, warehouses, suppliers, items."),
    "logistics": _l("You log deliveries, run quality control and dispatch shipments."),
    "officer": _l("You run the allocation model, review plans and approve others' plans."),
    "requester": _l("You report your organisation's stock and use, and file shortage requests."),
    "county": _l("You coordinate sharing within your county and send combined requests."),
    "viewer": _l("You follow the national situation picture and reports."),
    "icu_reporter": _l("You give your intensive care unit's daily report."),
    "icu_coordinator": _l(
        "You coordinate patient transfers between regions: proposals, transport, Nordic requests."
    ),
}

KIND_LABELS = {
    "region": _l("Region"),
    "municipality": _l("Municipality"),
    "care_provider": _l("Care provider"),
    "county_board": _l("County administrative board"),
}


def _value(v) -> str:
    return getattr(v, "value", v)


def role_label(role) -> str:
    return str(ROLE_LABELS.get(_value(role), role))


def role_description(role) -> str:
    return str(ROLE_DESCRIPTIONS.get(_value(role), ""))


def kind_label(kind) -> str:
    return str(KIND_LABELS.get(_value(kind), kind))


# Orders, call-offs, donations and offers share some words (partly delivered, cancelled...).
SUPPLY_STATUS_LABELS = {
    "draft": _l("Draft"),
    "placed": _l("Placed"),
    "confirmed": _l("Confirmed"),
    "partly_delivered": _l("Partly delivered"),
    "delivered": _l("Delivered"),
    "cancelled": _l("Cancelled"),
    "called_off": _l("Called off"),
    "expected": _l("Expected"),
    "new": _l("New"),
    "approved": _l("Approved"),
    "declined": _l("Declined"),
    "converted": _l("Became an order or a donation"),
}


def supply_status(status) -> str:
    """An order's, call-off's, donation's or offer's status in the user's language."""
    return str(SUPPLY_STATUS_LABELS.get(_value(status), _value(status)))
