"""Every route with every role: one status per cell, and where a redirect leads.

The tables below are the access policy written out. A row names a URL, its endpoint, who may
use it, and what those users get; every other signed-in user (or token) gets 403, a visitor
who is not signed in is sent to sign in (302 to /login?next=<the URL>), and an API call with
no token gets 401. What an allowed user gets:

- GET: the page or the file, 200, unless the row states otherwise;
- POST: always stated in the row. The tests post an empty form (empty JSON to the API), so it
  is the form again with its errors (FORM_AGAIN, 200), a refusal of the input (400, 422), or
  a redirect to a stated path, where the page shows what happened.

A redirect is checked with the path it leads to, so a 302 cannot hide one to an error page.
A row states an exception for some roles with each(default, role=...) (on a public route, the
visitor's cell is `anonymous`), and with first_then(first, later) what the first allowed user
gets and what those after them get: the users take turns on the same records, in the order of
USERS. A route missing from the tables fails the suite, so a new route cannot be added without
deciding who may use it and what they get.
"""

from collections import defaultdict
from typing import NamedTuple
from urllib.parse import unquote, urlsplit

import pytest

from tests.conftest import USERS, as_user, login
from tests.web.access_icu_picture import ICU_PICTURE_API_ROUTES, ICU_PICTURE_ROUTES

NATIONAL = {"admin", "officer", "officer2", "logistics", "viewer"}
EVERYONE = set(USERS)
ADMIN = {"admin"}
ADMIN_OFFICER = {"admin", "officer", "officer2"}
LOGISTICS = {"admin", "logistics"}
PUBLIC = "public"
ANONYMOUS = "anonymous"  # the cell of a visitor who is not signed in, on a public route


class Expect(NamedTuple):
    """One cell: the status, and for a redirect the path it leads to ({records} filled in)."""

    status: int
    location: str | None = None


OK = Expect(200)
FORM_AGAIN = Expect(200)  # the empty form shown again, with its errors
BAD_REQUEST = Expect(400)
REFUSED = Expect(403)
NOT_FOUND = Expect(404)
CONFLICT = Expect(409)
INVALID = Expect(422)  # the input refused, with its errors
UNAUTHORISED = Expect(401)


def to(path: str) -> Expect:
    """A redirect (302) to this path."""
    return Expect(302, path)


class Each(NamedTuple):
    default: Expect
    roles: dict[str, Expect]


def each(default: Expect, **roles: Expect) -> Each:
    """The default for the allowed users, and what these roles get instead."""
    return Each(default, roles)


class FirstThen(NamedTuple):
    first: Expect
    later: Expect


def first_then(first: Expect, later: Expect) -> FirstThen:
    """What the first allowed user gets, and what those after them get."""
    return FirstThen(first, later)


# (method, url, endpoint, who may use it[, what they get: needed for a POST])
ROUTES = [
    ("GET", "/login", "auth.login", PUBLIC, each(to("/"), anonymous=OK)),
    ("GET", "/health", "main.health", PUBLIC),
    ("POST", "/language", "auth.language", PUBLIC, BAD_REQUEST),  # no language given
    ("POST", "/logout", "auth.logout", EVERYONE, to("/login")),
    ("GET", "/account/password", "auth.change_password", EVERYONE),
    ("GET", "/", "main.home", EVERYONE),
    ("GET", "/admin/", "admin.index", ADMIN),
    ("GET", "/admin/data/items/", "admin.record_list", ADMIN),
    ("GET", "/admin/data/organisations/", "admin.record_list", ADMIN),
    ("GET", "/admin/data/items/new", "admin.record_new", ADMIN),
    ("POST", "/admin/data/items/new", "admin.record_new", ADMIN, FORM_AGAIN),
    ("GET", "/admin/data/items/ffp2/edit", "admin.record_edit", ADMIN),
    ("POST", "/admin/data/items/ffp2/edit", "admin.record_edit", ADMIN, FORM_AGAIN),
    ("GET", "/admin/data/counties/01/edit", "admin.record_edit", ADMIN),
    ("GET", "/admin/users/", "admin.user_list", ADMIN),
    ("GET", "/admin/users/new", "admin.user_new", ADMIN),
    ("POST", "/admin/users/new", "admin.user_new", ADMIN, FORM_AGAIN),
    ("GET", "/admin/users/viewer/edit", "admin.user_edit", ADMIN),
    # An empty post is no form to Flask-WTF, so the user's own values are saved unchanged.
    ("POST", "/admin/users/viewer/edit", "admin.user_edit", ADMIN, to("/admin/users/")),
    ("POST", "/admin/users/nobody/reset-password", "admin.user_reset_password", ADMIN, NOT_FOUND),
    ("GET", "/audit/", "audit.event_list", ADMIN_OFFICER),
    ("GET", "/organisations/", "organisations.organisation_list", EVERYONE),
    # Organisation-bound users reach only their own organisation (county: its county's).
    (
        "GET",
        "/organisations/0380",
        "organisations.organisation_detail",
        NATIONAL | {"requester", "county"},
    ),
    ("GET", "/organisations/01", "organisations.organisation_detail", NATIONAL | {"region"}),
    ("GET", "/organisations/03", "organisations.organisation_detail", NATIONAL | {"county"}),
    ("GET", "/organisations/0180", "organisations.organisation_detail", NATIONAL),
    ("GET", "/organisations/LST-03", "organisations.organisation_detail", NATIONAL | {"county"}),
    # Demand: {request} and {token} are filled in from route_records below.
    (
        "GET",
        "/demand/",
        "demand.index",
        EVERYONE,
        each(
            to("/demand/requests/"),
            requester=to("/demand/organisations/0380/"),
            region=to("/demand/organisations/01/"),
            county=to("/demand/counties/03/"),
        ),
    ),
    (
        "GET",
        "/demand/organisations/0380/",
        "demand.organisation_situation",
        NATIONAL | {"requester", "county"},
    ),
    ("GET", "/demand/organisations/01/", "demand.organisation_situation", NATIONAL | {"region"}),
    (
        "GET",
        "/demand/organisations/0380/history",
        "demand.report_history",
        NATIONAL | {"requester", "county"},
    ),
    ("GET", "/demand/organisations/0380/report", "demand.report_form", {"admin", "requester"}),
    (
        "POST",
        "/demand/organisations/0380/report",
        "demand.report_form",
        {"admin", "requester"},
        FORM_AGAIN,
    ),
    (
        "POST",
        "/demand/organisations/01/report",
        "demand.report_form",
        {"admin", "region"},
        FORM_AGAIN,
    ),
    (
        "POST",
        "/demand/organisations/0380/upload",
        "demand.report_upload",
        {"admin", "requester"},
        INVALID,
    ),
    (
        "GET",
        "/demand/organisations/0380/requests/new",
        "demand.request_new",
        {"admin", "requester"},
    ),
    (
        "POST",
        "/demand/organisations/0380/requests/new",
        "demand.request_new",
        {"admin", "requester"},
        FORM_AGAIN,
    ),
    ("GET", "/demand/requests/", "demand.request_list", EVERYONE),
    ("GET", "/demand/requests/export.xlsx", "demand.request_export", EVERYONE),
    (
        "GET",
        "/demand/requests/{request}",
        "demand.request_detail",
        NATIONAL | {"requester", "county"},
    ),
    (
        "POST",
        "/demand/requests/{request}/decision",
        "demand.request_decision",
        ADMIN_OFFICER,
        INVALID,
    ),
    # The first withdraws it, the next is told it is withdrawn already: both on the request.
    (
        "POST",
        "/demand/requests/{request}/withdraw",
        "demand.request_withdraw",
        {"admin", "requester"},
        to("/demand/requests/{request}"),
    ),
    ("GET", "/demand/counties/03/", "demand.county_overview", NATIONAL | {"county"}),
    ("GET", "/demand/counties/01/", "demand.county_overview", NATIONAL),
    ("POST", "/demand/counties/03/sharings", "demand.sharing_new", {"admin", "county"}, INVALID),
    ("POST", "/demand/counties/01/sharings", "demand.sharing_new", ADMIN, INVALID),
    ("POST", "/demand/counties/03/forward", "demand.county_forward", {"admin", "county"}, INVALID),
    ("GET", "/demand/organisations/0380/tokens", "demand.token_list", {"admin", "requester"}),
    (
        "POST",
        "/demand/organisations/0380/tokens",
        "demand.token_list",
        {"admin", "requester"},
        INVALID,
    ),
    ("GET", "/demand/organisations/LST-03/tokens", "demand.token_list", {"admin", "county"}),
    # Revoking twice is no error: both are back on the token list.
    (
        "POST",
        "/demand/organisations/0380/tokens/{token}/revoke",
        "demand.token_revoke",
        {"admin", "requester"},
        to("/demand/organisations/0380/tokens"),
    ),
    ("GET", "/situation/", "situation.situation_picture", NATIONAL),
    ("GET", "/situation/regions/03", "situation.region_detail", NATIONAL | {"county"}),
    ("GET", "/situation/regions/01", "situation.region_detail", NATIONAL),
    ("GET", "/situation/export.xlsx", "situation.situation_export", NATIONAL),
    # Stock and supply: {lot}, {order}, {share}, {domestic}, {offer} from supply_route_records.
    ("GET", "/stock/", "stock.national", NATIONAL),
    ("GET", "/stock/?format=xlsx", "stock.national", NATIONAL),
    ("GET", "/stock/lots", "stock.lots", NATIONAL),
    ("GET", "/stock/expiring?days=90", "stock.expiring", NATIONAL),
    ("GET", "/stock/pipeline?format=csv", "stock.pipeline", NATIONAL),
    ("GET", "/stock/movements", "stock.movements", NATIONAL),
    ("GET", "/stock/deliveries", "stock.deliveries", NATIONAL),
    ("GET", "/stock/quality", "stock.quality", NATIONAL),
    ("GET", "/stock/lots/{lot}", "stock.lot_detail", NATIONAL),
    ("POST", "/stock/lots/{lot}", "stock.lot_detail", LOGISTICS, BAD_REQUEST),  # no action
    ("GET", "/stock/receive", "stock.receive", LOGISTICS),
    ("POST", "/stock/receive", "stock.receive", LOGISTICS, FORM_AGAIN),
    ("GET", "/stock/quality/{lot}", "stock.inspect", LOGISTICS),
    ("POST", "/stock/quality/{lot}", "stock.inspect", LOGISTICS, FORM_AGAIN),
    ("GET", "/stock/count?warehouse=NL-ARN", "stock.count", LOGISTICS),
    ("GET", "/stock/import", "stock.import_deliveries", LOGISTICS),
    ("POST", "/stock/import", "stock.import_deliveries", LOGISTICS, FORM_AGAIN),
    ("GET", "/supply/orders/", "supply.order_list", NATIONAL),
    ("GET", "/supply/orders/new", "supply.order_new", ADMIN_OFFICER),
    ("POST", "/supply/orders/new", "supply.order_new", ADMIN_OFFICER, FORM_AGAIN),
    ("GET", "/supply/orders/{order}", "supply.order_detail", NATIONAL),
    # The order's page again with the form's errors, as 400.
    ("POST", "/supply/orders/{order}/lines", "supply.order_add_line", ADMIN_OFFICER, BAD_REQUEST),
    ("POST", "/supply/orders/{order}/status", "supply.order_status", ADMIN_OFFICER, BAD_REQUEST),
    ("GET", "/supply/orders/import", "supply.order_import", ADMIN_OFFICER),
    ("POST", "/supply/orders/import", "supply.order_import", ADMIN_OFFICER, FORM_AGAIN),
    ("GET", "/supply/eu/", "supply.eu", NATIONAL),
    ("GET", "/supply/eu/new", "supply.framework_new", ADMIN_OFFICER),
    ("POST", "/supply/eu/new", "supply.framework_new", ADMIN_OFFICER, FORM_AGAIN),
    # The form sits on the EU page: back there, with the errors as a message.
    (
        "POST",
        "/supply/eu/shares/{share}/call-off",
        "supply.call_off",
        ADMIN_OFFICER,
        to("/supply/eu/"),
    ),
    ("GET", "/supply/donations/new", "supply.donation_new", ADMIN_OFFICER),
    ("POST", "/supply/donations/new", "supply.donation_new", ADMIN_OFFICER, FORM_AGAIN),
    ("GET", "/supply/domestic/", "supply.domestic_list", NATIONAL),
    ("GET", "/supply/domestic/new", "supply.domestic_new", ADMIN_OFFICER),
    ("POST", "/supply/domestic/new", "supply.domestic_new", ADMIN_OFFICER, FORM_AGAIN),
    ("GET", "/supply/domestic/{domestic}", "supply.domestic_detail", NATIONAL),
    ("GET", "/supply/offers/", "supply.offer_list", NATIONAL),
    ("GET", "/supply/offers/new", "supply.offer_new", ADMIN_OFFICER),
    ("POST", "/supply/offers/new", "supply.offer_new", ADMIN_OFFICER, FORM_AGAIN),
    ("GET", "/supply/offers/{offer}", "supply.offer_detail", NATIONAL),
    ("POST", "/supply/offers/{offer}", "supply.offer_detail", ADMIN_OFFICER, FORM_AGAIN),
    ("GET", "/supply/suppliers/", "supply.supplier_list", NATIONAL),
    # Allocation rounds: {plan} a draft with {line}; {approved_plan} decided, with shipments.
    ("GET", "/allocation/", "planning.plan_list", NATIONAL),
    ("GET", "/allocation/new", "planning.round_new", ADMIN_OFFICER),
    ("POST", "/allocation/new", "planning.round_new", ADMIN_OFFICER, FORM_AGAIN),
    ("GET", "/allocation/plans/{plan}", "planning.plan_detail", NATIONAL),
    ("GET", "/allocation/plans/{approved_plan}?item=ffp2", "planning.plan_detail", NATIONAL),
    # The plan's page again, with the line's or the form's errors.
    (
        "POST",
        "/allocation/plans/{plan}/lines/{line}",
        "planning.line_change",
        ADMIN_OFFICER,
        FORM_AGAIN,
    ),
    ("POST", "/allocation/plans/{plan}/lines", "planning.line_add", ADMIN_OFFICER, FORM_AGAIN),
    # Submit needs no input: the first submits, the others are told it is submitted already.
    (
        "POST",
        "/allocation/plans/{plan}/submit",
        "planning.plan_submit",
        ADMIN_OFFICER,
        to("/allocation/plans/{plan}"),
    ),
    ("POST", "/allocation/plans/{plan}/return", "planning.plan_return", ADMIN_OFFICER, FORM_AGAIN),
    # A draft cannot be approved: back on the plan's page, with the reason as a message.
    (
        "POST",
        "/allocation/plans/{plan}/approve",
        "planning.plan_approve",
        ADMIN_OFFICER,
        to("/allocation/plans/{plan}"),
    ),
    (
        "POST",
        "/allocation/plans/{plan}/discard",
        "planning.plan_discard",
        ADMIN_OFFICER,
        FORM_AGAIN,
    ),
    ("GET", "/allocation/plans/{approved_plan}/decision", "planning.plan_decision", NATIONAL),
    # A requester reads the decision as it concerns its own organisation (0380 is in the plan).
    (
        "GET",
        "/allocation/plans/{approved_plan}/mine",
        "planning.my_decision",
        {"requester", "region", "county"},
        each(OK, region=NOT_FOUND, county=NOT_FOUND),
    ),
    (
        "GET",
        "/allocation/plans/{plan}/mine",
        "planning.my_decision",
        {"requester", "region", "county"},
        NOT_FOUND,
    ),
    (
        "GET",
        "/allocation/plans/{approved_plan}/decision.xlsx",
        "planning.plan_decision_xlsx",
        NATIONAL,
    ),
    ("GET", "/allocation/plans/{plan}/problem.json", "planning.plan_problem", NATIONAL),
    ("GET", "/allocation/plans/{plan}/plan.json", "planning.plan_model", NATIONAL),
    # Shipments: bound users reach those to or from organisations they may see.
    ("GET", "/shipments/", "shipments.shipment_list", EVERYONE),
    ("GET", "/shipments/?format=csv", "shipments.shipment_list", EVERYONE),
    ("GET", "/shipments/?view=todo", "shipments.shipment_list", EVERYONE),
    (
        "GET",
        "/shipments/{shipment}",
        "shipments.shipment_detail",
        NATIONAL | {"requester", "county"},
    ),
    ("GET", "/shipments/{shipment_0180}", "shipments.shipment_detail", NATIONAL),
    (
        "GET",
        "/shipments/{redistribution}",
        "shipments.shipment_detail",
        NATIONAL | {"requester", "county"},
    ),
    # Picking needs no input: the first picks it, the next is told it is picked already.
    (
        "POST",
        "/shipments/{shipment}/pick",
        "shipments.shipment_pick",
        LOGISTICS,
        to("/shipments/{shipment}"),
    ),
    # Not picked yet, so not at this step: back on the shipment, with that as a message.
    (
        "POST",
        "/shipments/{shipment}/dispatch",
        "shipments.shipment_dispatch",
        LOGISTICS,
        to("/shipments/{shipment}"),
    ),
    ("POST", "/shipments/{redistribution}/sent", "shipments.shipment_sent", {"admin"}, INVALID),
    (
        "POST",
        "/shipments/{shipment}/receive",
        "shipments.shipment_receive",
        {"admin", "requester"},
        INVALID,
    ),
    (
        "POST",
        "/shipments/{redistribution}/receive",
        "shipments.shipment_receive",
        {"admin", "requester"},
        INVALID,
    ),
    (
        "POST",
        "/shipments/{shipment_0180}/receive",
        "shipments.shipment_receive",
        {"admin"},
        INVALID,
    ),
]
ROUTES += ICU_PICTURE_ROUTES

from tests.web.access_icu_reports import ICU_REPORT_API_ROUTES, ICU_REPORT_ROUTES  # noqa: E402

ROUTES += ICU_REPORT_ROUTES

from tests.web.access_forecasts import (  # noqa: E402
    FORECAST_API_ROUTES,
    FORECAST_ROUTES,
    forecast_route_records,
)

ROUTES += FORECAST_ROUTES

from tests.web.access_transfers import TRANSFER_API_ROUTES, TRANSFER_ROUTES  # noqa: E402

ROUTES += TRANSFER_ROUTES

# The API, called with a token of each user (and of organisations): same policy, by token. The
# body posted is an empty JSON object.
API_ROUTES = [
    ("GET", "/api/v1/openapi.json", "api.openapi_json", PUBLIC),
    ("GET", "/api/v1/me", "api.me", EVERYONE),
    ("POST", "/api/v1/reports", "api.post_report", {"admin", "requester", "region"}, INVALID),
    ("POST", "/api/v1/requests", "api.post_request", {"admin", "requester", "region"}, INVALID),
    ("GET", "/api/v1/requests", "api.list_requests", EVERYONE),
    ("GET", "/api/v1/requests/{request}", "api.get_request", NATIONAL | {"requester", "county"}),
    # The first withdraws it (a withdrawal needs no reason); the next finds it withdrawn.
    (
        "POST",
        "/api/v1/requests/{request}/withdraw",
        "api.withdraw_request",
        {"admin", "requester"},
        first_then(OK, CONFLICT),
    ),
    ("GET", "/api/v1/situation", "api.get_situation", EVERYONE),
    (
        "GET",
        "/api/v1/reports/latest?organisation=0380",
        "api.get_latest_report",
        NATIONAL | {"requester", "county"},
    ),
    (
        "GET",
        "/api/v1/reports/latest?organisation=01",
        "api.get_latest_report",
        NATIONAL | {"region"},
    ),
    ("GET", "/api/v1/stock", "api.get_stock", NATIONAL),
    ("GET", "/api/v1/stock/lots?item=ffp2", "api.get_lots", NATIONAL),
    ("GET", "/api/v1/stock/available/ffp2", "api.get_available", NATIONAL),
    ("GET", "/api/v1/pipeline", "api.get_pipeline", NATIONAL),
    ("GET", "/api/v1/shipments", "api.list_shipments", EVERYONE),
    ("GET", "/api/v1/shipments?status=planned", "api.list_shipments", EVERYONE),
    (
        "GET",
        "/api/v1/shipments/{shipment}",
        "api.get_shipment_json",
        NATIONAL | {"requester", "county"},
    ),
    ("GET", "/api/v1/shipments/{shipment_0180}", "api.get_shipment_json", NATIONAL),
]
API_ROUTES += ICU_REPORT_API_ROUTES
API_ROUTES += ICU_PICTURE_API_ROUTES
API_ROUTES += FORECAST_API_ROUTES

API_ROUTES += TRANSFER_API_ROUTES

# An organisation's token acts as that organisation's user would (a requester, or the county
# board for LST-03): the same rows decide.
ORGANISATION_TOKENS = {"0380": "requester", "01": "region", "LST-03": "county"}


def _rows(table):
    """The table with each row's outcome: a GET row without one gives 200."""
    rows = []
    for method, url, endpoint, allowed, *outcome in table:
        assert outcome or method == "GET", f"{method} {url}: state what the allowed users get"
        rows.append((method, url, endpoint, allowed, outcome[0] if outcome else OK))
    return rows


WEB_ROWS, API_ROWS = _rows(ROUTES), _rows(API_ROUTES)


def _ids(rows):
    return [f"{method} {url}" for method, url, *_ in rows]


@pytest.fixture
def route_records(users):
    """Records the URLs above point at: a request of Uppsala kommun and one of its tokens."""
    from datetime import timedelta

    from supplyapp import clock
    from supplyapp.services import demand_requests, tokens

    with as_user("matrix"):
        request = demand_requests.file_request(
            "0380",
            "ffp2",
            100,
            clock.today() + timedelta(days=3),
            "high",
            "Access matrix",
            stock_on_hand=10,
            daily_use=5,
        )
        token, _ = tokens.issue_organisation_token("0380", "matrix")
    from tests.planning_factories import planning_route_records
    from tests.supply_factories import supply_route_records
    from tests.transfer_factories import transfer_route_records

    parts = [
        transfer_route_records(),
        {"request": request.id, "token": token.id},
        supply_route_records(),
        planning_route_records(),
        forecast_route_records(),
    ]
    records = {}
    for part in parts:
        # Two areas naming the same record would point one area's URLs at the other's ids.
        assert not records.keys() & part.keys(), (
            f"record names used twice: {records.keys() & part.keys()}"
        )
        records.update(part)
    return records


def test_every_route_is_in_the_access_table(app):
    covered = {endpoint for _, _, endpoint, *_ in ROUTES + API_ROUTES}
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert endpoints - covered == set(), "routes with no access decision"


def test_each_row_names_the_endpoint_its_url_reaches(app):
    adapter = app.url_map.bind("localhost")
    any_record = defaultdict(lambda: "1")
    for method, url, endpoint, *_ in ROUTES + API_ROUTES:
        path = urlsplit(url.format_map(any_record)).path
        assert adapter.match(path, method=method)[0] == endpoint, f"{method} {url}"


def _cell(outcome, role: str, later: bool) -> Expect:
    """What an allowed user of this role gets; `later`: another allowed user went before."""
    if isinstance(outcome, Each):
        return outcome.roles.get(role, outcome.default)
    if isinstance(outcome, FirstThen):
        return outcome.later if later else outcome.first
    return outcome


def _table_says(outcome, allowed, callers, records) -> dict[str, Expect]:
    """Each caller's cell; callers are (name, role acted as) taking turns in this order."""
    cells, later = {}, False
    for name, role in callers:
        if allowed != PUBLIC and role not in allowed:
            cells[name] = REFUSED
            continue
        cell = _cell(outcome, role, later)
        later = True
        if cell.location:
            cell = cell._replace(location=cell.location.format(**records))
        cells[name] = cell
    return cells


def _visitor_gets(outcome, allowed, records, unless_public: Expect) -> Expect:
    """The cell of a visitor not signed in: the row's own on a public route."""
    if allowed != PUBLIC:
        return unless_public
    return _table_says(outcome, PUBLIC, [(ANONYMOUS, ANONYMOUS)], records)[ANONYMOUS]


def _got(response) -> Expect:
    """The status, and for a redirect where it leads: the path and the (decoded) query."""
    if response.status_code // 100 != 3:
        return Expect(response.status_code)
    target = urlsplit(response.headers["Location"])
    assert target.netloc in ("", "localhost"), response.headers["Location"]
    location = f"{target.path}?{unquote(target.query)}" if target.query else target.path
    return Expect(response.status_code, location)


def _request(client, method, url):
    return client.get(url) if method == "GET" else client.post(url, data={})


@pytest.mark.parametrize("method,url,endpoint,allowed,outcome", WEB_ROWS, ids=_ids(WEB_ROWS))
def test_each_role_gets_what_the_table_says(
    client, route_records, method, url, endpoint, allowed, outcome
):
    url = url.format(**route_records)
    got = {}
    for username in USERS:
        client.get("/")  # a fresh client state per role
        assert login(client, username).status_code == 302, username
        got[username] = _got(_request(client, method, url))
        client.post("/logout")
    users = [(username, username) for username in USERS]
    assert got == _table_says(outcome, allowed, users, route_records)


@pytest.mark.parametrize("method,url,endpoint,allowed,outcome", WEB_ROWS, ids=_ids(WEB_ROWS))
def test_anonymous_is_sent_to_sign_in(
    client, route_records, method, url, endpoint, allowed, outcome
):
    url = url.format(**route_records)
    expected = _visitor_gets(outcome, allowed, route_records, to(f"/login?next={url}"))
    assert _got(_request(client, method, url)) == expected


def _call(client, method, url, token=None):
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    if method == "GET":
        return client.get(url, headers=headers)
    return client.open(url, method=method, headers=headers, json={})


@pytest.mark.parametrize("method,url,endpoint,allowed,outcome", API_ROWS, ids=_ids(API_ROWS))
def test_each_roles_token_gets_what_the_table_says(
    client, app, route_records, method, url, endpoint, allowed, outcome
):
    from supplyapp.services import tokens

    url = url.format(**route_records)
    with app.app_context(), as_user("test"):
        issued = {name: tokens.issue_user_token(name, "matrix")[1] for name in USERS}
    got = {username: _got(_call(client, method, url, token)) for username, token in issued.items()}
    users = [(username, username) for username in USERS]
    assert got == _table_says(outcome, allowed, users, route_records)


@pytest.mark.parametrize("method,url,endpoint,allowed,outcome", API_ROWS, ids=_ids(API_ROWS))
def test_each_organisations_token_gets_what_the_table_says(
    client, route_records, method, url, endpoint, allowed, outcome
):
    from supplyapp.services import tokens

    url = url.format(**route_records)
    got = {}
    for code in ORGANISATION_TOKENS:
        with as_user("test"):
            token = tokens.issue_organisation_token(code, "matrix")[1]
        got[code] = _got(_call(client, method, url, token))
    organisations = list(ORGANISATION_TOKENS.items())
    assert got == _table_says(outcome, allowed, organisations, route_records)


@pytest.mark.parametrize("method,url,endpoint,allowed,outcome", API_ROWS, ids=_ids(API_ROWS))
def test_the_api_without_a_token_is_unauthorised(
    client, route_records, method, url, endpoint, allowed, outcome
):
    url = url.format(**route_records)
    expected = _visitor_gets(outcome, allowed, route_records, UNAUTHORISED)
    assert _got(_call(client, method, url)) == expected
