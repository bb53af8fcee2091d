"""The access matrix's rows for the intensive-care report pages and API (spliced into
test_access.py's ROUTES and API_ROUTES). The ICU reporter is bound to Danderyd IVA, a unit of
Region Stockholm ("region"); Uppsala kommun ("requester") has no intensive care unit. The
rows post empty forms, so they change nothing and need no records of their own."""

from tests.web.test_access import (
    BAD_REQUEST,
    FORM_AGAIN,
    INVALID,
    NATIONAL,
    to,
)

REPORTERS = {"admin", "requester", "region", "icu"}
DANDERYD = {"admin", "region", "icu"}
REGION = {"admin", "region"}
ADMIN = {"admin"}

ICU_REPORT_ROUTES = [
    ("GET", "/icu/units/", "intensive_care.report_units", REPORTERS),
    ("GET", "/icu/units/DANDERYD-IVA/report", "intensive_care.report_form", DANDERYD),
    # No time given: the form again, with the error beside it; nothing stored.
    ("POST", "/icu/units/DANDERYD-IVA/report", "intensive_care.report_form", DANDERYD, FORM_AGAIN),
    # The ICU reporter reaches only its own unit.
    ("GET", "/icu/units/K-HUDDINGE-IVA/report", "intensive_care.report_form", REGION),
    ("GET", "/icu/units/STGORAN-IVA/report", "intensive_care.report_form", REGION),
    ("GET", "/icu/regions/01/template.xlsx", "intensive_care.report_template", REGION),
    ("GET", "/icu/regions/01/template.csv", "intensive_care.report_template", REGION),
    ("GET", "/icu/regions/01/upload", "intensive_care.report_upload", REGION),
    ("POST", "/icu/regions/01/upload", "intensive_care.report_upload", REGION, FORM_AGAIN),
    # No file carried in the confirm form: a bad request.
    (
        "POST",
        "/icu/regions/01/upload/confirm",
        "intensive_care.report_upload_confirm",
        REGION,
        BAD_REQUEST,
    ),
    ("GET", "/icu/regions/01/crisis-level", "intensive_care.crisis_level", NATIONAL | {"region"}),
    ("GET", "/icu/regions/03/crisis-level", "intensive_care.crisis_level", NATIONAL | {"county"}),
    # No level chosen: the form again with its error.
    ("POST", "/icu/regions/01/crisis-level", "intensive_care.crisis_level", REGION, FORM_AGAIN),
    ("GET", "/icu/admin/units/", "intensive_care.unit_admin_list", ADMIN),
    ("GET", "/icu/admin/units/new", "intensive_care.unit_new", ADMIN),
    ("POST", "/icu/admin/units/new", "intensive_care.unit_new", ADMIN, FORM_AGAIN),
    ("GET", "/icu/admin/units/DANDERYD-IVA/edit", "intensive_care.unit_edit", ADMIN),
    # An empty post is no form to Flask-WTF: the unit's own values are saved unchanged.
    (
        "POST",
        "/icu/admin/units/DANDERYD-IVA/edit",
        "intensive_care.unit_edit",
        ADMIN,
        to("/icu/admin/units/"),
    ),
    # No date given: refused, the unit stays open.
    ("POST", "/icu/admin/units/DANDERYD-IVA/close", "intensive_care.unit_close", ADMIN, INVALID),
]

ICU_REPORT_API_ROUTES = [
    # An empty body names no unit: refused. A county board's token may not report.
    ("POST", "/api/v1/icu/reports", "api.post_icu_report", REPORTERS, INVALID),
]
