"""The navigation bar: each role sees the areas it works in."""

from flask import Flask, url_for
from flask_login import current_user

from supplyapp.i18n import lazy as _l
from supplyapp.models import Role

# (endpoint, label, roles that see it); later areas add their lines here.
NAVIGATION: list[tuple[str, object, tuple[Role, ...]]] = [
    ("main.home", _l("Start"), tuple(Role)),
    (
        "organisations.organisation_list",
        _l("Organisations"),
        (Role.ADMIN, Role.OFFICER, Role.LOGISTICS, Role.VIEWER, Role.COUNTY),
    ),
    (
        "situation.situation_picture",
        _l("Situation picture"),
        (Role.ADMIN, Role.OFFICER, Role.LOGISTICS, Role.VIEWER),
    ),
    ("intensive_care.picture", _l("Intensive care"), tuple(Role)),
    (
        "intensive_care.report_units",
        _l("Daily reports"),
        (Role.ADMIN, Role.ICU_REPORTER, Role.REQUESTER),
    ),
    (
        "transfers.coordination",
        _l("Transfer coordination"),
        (Role.ICU_COORDINATOR, Role.OFFICER),
    ),
    (
        "transfers.index",
        _l("Patient transfers"),
        (
            Role.ADMIN,
            Role.OFFICER,
            Role.VIEWER,
            Role.ICU_COORDINATOR,
            Role.REQUESTER,
            Role.ICU_REPORTER,
        ),
    ),
    ("demand.index", _l("Reports and requests"), (Role.REQUESTER, Role.COUNTY)),
    (
        "demand.request_list",
        _l("Shortage requests"),
        (Role.ADMIN, Role.OFFICER, Role.LOGISTICS, Role.VIEWER),
    ),
    (
        "forecasts.index",
        _l("Forecasts"),
        (Role.ADMIN, Role.OFFICER, Role.LOGISTICS, Role.VIEWER),
    ),
    ("stock.national", _l("Stock"), (Role.ADMIN, Role.OFFICER, Role.LOGISTICS, Role.VIEWER)),
    ("supply.order_list", _l("Supply"), (Role.ADMIN, Role.OFFICER, Role.LOGISTICS, Role.VIEWER)),
    (
        "planning.plan_list",
        _l("Allocation"),
        (Role.ADMIN, Role.OFFICER, Role.LOGISTICS, Role.VIEWER),
    ),
    (
        "shipments.shipment_list",
        _l("Shipments"),
        tuple(r for r in Role if r not in (Role.ICU_REPORTER, Role.ICU_COORDINATOR)),
    ),
    ("audit.event_list", _l("Audit log"), (Role.ADMIN, Role.OFFICER)),
    ("admin.index", _l("Administration"), (Role.ADMIN,)),
]


def navigation_for(role: Role) -> list[tuple[str, str, object]]:
    return [
        (endpoint, url_for(endpoint), label)
        for endpoint, label, roles in NAVIGATION
        if role in roles
    ]


def register(app: Flask) -> None:
    @app.context_processor
    def inject_navigation():
        if current_user.is_authenticated:
            items = navigation_for(current_user.role)
            if current_user.organisation is not None and current_user.role == Role.REQUESTER:
                items.insert(
                    1,
                    (
                        "organisations.organisation_detail",
                        url_for(
                            "organisations.organisation_detail", code=current_user.organisation.code
                        ),
                        _l("My organisation"),
                    ),
                )
            return {"navigation": items}
        return {"navigation": []}
