"""Words for the shipment statuses and kinds, in the user's language."""

from supplyapp.i18n import lazy as _l

STATUS_LABELS = {
    "planned": _l("Planned"),
    "picked": _l("Picked"),
    "in_transit": _l("In transit"),
    "received": _l("Received"),
}

KIND_LABELS = {
    "distribution": _l("Distribution from national stock"),
    "redistribution": _l("Redistribution between organisations"),
}


def _value(v) -> str:
    return getattr(v, "value", v)


def status_label(status) -> str:
    return str(STATUS_LABELS.get(_value(status), status))


def kind_label(kind) -> str:
    return str(KIND_LABELS.get(_value(kind), kind))
