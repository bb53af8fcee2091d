"""Every route with every role: allowed, refused (403) or sent to sign in.

The table below is the access policy written out; a route missing from it fails the test, so a
new route cannot be added without deciding who may use it.
"""

import pytest

from tests.conftest import USERS, login

NATIONAL = {"admin", "officer", "officer2", "logistics", "viewer"}
EVERYONE = set(USERS)
ADMIN = {"admin"}
ADMIN_OFFICER = {"admin", "officer", "officer2"}
LOGISTICS = {"admin", "logistics"}
PUBLIC = "public"

# (method, url, endpoint, who may use it)
ROUTES = [
    ("GET", "/login", "auth.login", PUBLIC),
    ("GET", "/health", "main.health", PUBLIC),
    ("POST", "/language", "auth.language", PUBLIC),
    ("POST", "/logout", "auth.logout", EVERYONE),
    ("GET", "/account/password", "auth.change_password", EVERYONE),
    ("GET", "/", "main.home", EVERYONE),
    ("GET", "/admin/", "admin.index", ADMIN),
    ("GET", "/admin/data/items/", "admin.record_list", ADMIN),
    ("GET", "/admin/data/organisations/", "admin.record_list", ADMIN),
    ("GET", "/admin/data/items/new", "admin.record_new", ADMIN),
    ("POST", "/admin/data/items/new", "admin.record_new", ADMIN),
    ("GET", "/admin/data/items/ffp2/edit", "admin.record_edit", ADMIN),
    ("POST", "/admin/data/items/ffp2/edit", "admin.record_edit", ADMIN),
    ("GET", "/admin/data/counties/01/edit", "admin.record_edit", ADMIN),
    ("GET", "/admin/users/", "admin.user_list", ADMIN),
    ("GET", "/admin/users/new", "admin.user_new", ADMIN),
    ("POST", "/admin/users/new", "admin.user_new", ADMIN),
    ("GET", "/admin/users/viewer/edit", "admin.user_edit", ADMIN),
    ("POST", "/admin/users/viewer/edit", "admin.user_edit", ADMIN),
    ("POST", "/admin/users/nobody/reset-password", "admin.user_reset_password", ADMIN),
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
    ("GET", "/demand/", "demand.index", EVERYONE),
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
    ("POST", "/demand/organisations/0380/report", "demand.report_form", {"admin", "requester"}),
    ("POST", "/demand/organisations/01/report", "demand.report_form", {"admin", "region"}),
    ("POST", "/demand/organisations/0380/upload", "demand.report_upload", {"admin", "requester"}),
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
    ),
    ("GET", "/demand/requests/", "demand.request_list", EVERYONE),
    ("GET", "/demand/requests/export.xlsx", "demand.request_export", EVERYONE),
    (
        "GET",
        "/demand/requests/{request}",
        "demand.request_detail",
        NATIONAL | {"requester", "county"},
    ),
    ("POST", "/demand/requests/{request}/decision", "demand.request_decision", ADMIN_OFFICER),
    (
        "POST",
        "/demand/requests/{request}/withdraw",
        "demand.request_withdraw",
        {"admin", "requester"},
    ),
    ("GET", "/demand/counties/03/", "demand.county_overview", NATIONAL | {"county"}),
    ("GET", "/demand/counties/01/", "demand.county_overview", NATIONAL),
    ("POST", "/demand/counties/03/sharings", "demand.sharing_new", {"admin", "county"}),
    ("POST", "/demand/counties/01/sharings", "demand.sharing_new", ADMIN),
    ("POST", "/demand/counties/03/forward", "demand.county_forward", {"admin", "county"}),
    ("GET", "/demand/organisations/0380/tokens", "demand.token_list", {"admin", "requester"}),
    ("POST", "/demand/organisations/0380/tokens", "demand.token_list", {"admin", "requester"}),
    ("GET", "/demand/organisations/LST-03/tokens", "demand.token_list", {"admin", "county"}),
    (
        "POST",
        "/demand/organisations/0380/tokens/{token}/revoke",
        "demand.token_revoke",
        {"admin", "requester"},
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
    ("POST", "/stock/lots/{lot}", "stock.lot_detail", LOGISTICS),
    ("GET", "/stock/receive", "stock.receive", LOGISTICS),
    ("POST", "/stock/receive", "stock.receive", LOGISTICS),
    ("GET", "/stock/quality/{lot}", "stock.inspect", LOGISTICS),
    ("POST", "/stock/quality/{lot}", "stock.inspect", LOGISTICS),
    ("GET", "/stock/count?warehouse=NL-ARN", "stock.count", LOGISTICS),
    ("GET", "/stock/import", "stock.import_deliveries", LOGISTICS),
    ("POST", "/stock/import", "stock.import_deliveries", LOGISTICS),
    ("GET", "/supply/orders/", "supply.order_list", NATIONAL),
    ("GET", "/supply/orders/new", "supply.order_new", ADMIN_OFFICER),
    ("POST", "/supply/orders/new", "supply.order_new", ADMIN_OFFICER),
    ("GET", "/supply/orders/{order}", "supply.order_detail", NATIONAL),
    ("POST", "/supply/orders/{order}/lines", "supply.order_add_line", ADMIN_OFFICER),
    ("POST", "/supply/orders/{order}/status", "supply.order_status", ADMIN_OFFICER),
    ("GET", "/supply/orders/import", "supply.order_import", ADMIN_OFFICER),
    ("POST", "/supply/orders/import", "supply.order_import", ADMIN_OFFICER),
    ("GET", "/supply/eu/", "supply.eu", NATIONAL),
    ("GET", "/supply/eu/new", "supply.framework_new", ADMIN_OFFICER),
    ("POST", "/supply/eu/new", "supply.framework_new", ADMIN_OFFICER),
    ("POST", "/supply/eu/shares/{share}/call-off", "supply.call_off", ADMIN_OFFICER),
    ("GET", "/supply/donations/new", "supply.donation_new", ADMIN_OFFICER),
    ("POST", "/supply/donations/new", "supply.donation_new", ADMIN_OFFICER),
    ("GET", "/supply/domestic/", "supply.domestic_list", NATIONAL),
    ("GET", "/supply/domestic/new", "supply.domestic_new", ADMIN_OFFICER),
    ("POST", "/supply/domestic/new", "supply.domestic_new", ADMIN_OFFICER),
    ("GET", "/supply/domestic/{domestic}", "supply.domestic_detail", NATIONAL),
    ("GET", "/supply/offers/", "supply.offer_list", NATIONAL),
    ("GET", "/supply/offers/new", "supply.offer_new", ADMIN_OFFICER),
    ("POST", "/supply/offers/new", "supply.offer_new", ADMIN_OFFICER),
    ("GET", "/supply/offers/{offer}", "supply.offer_detail", NATIONAL),
    ("POST", "/supply/offers/{offer}", "supply.offer_detail", ADMIN_OFFICER),
    ("GET", "/supply/suppliers/", "supply.supplier_list", NATIONAL),
    # Allocation rounds: {plan} a draft with {line}; {approved_plan} decided, with shipments.
    ("GET", "/allocation/", "planning.plan_list", NATIONAL),
    ("GET", "/allocation/new", "planning.round_new", ADMIN_OFFICER),
    ("POST", "/allocation/new", "planning.round_new", ADMIN_OFFICER),
    ("GET", "/allocation/plans/{plan}", "planning.plan_detail", NATIONAL),
    ("GET", "/allocation/plans/{approved_plan}?item=ffp2", "planning.plan_detail", NATIONAL),
    ("POST", "/allocation/plans/{plan}/lines/{line}", "planning.line_change", ADMIN_OFFICER),
    ("POST", "/allocation/plans/{plan}/lines", "planning.line_add", ADMIN_OFFICER),
    ("POST", "/allocation/plans/{plan}/submit", "planning.plan_submit", ADMIN_OFFICER),
    ("POST", "/allocation/plans/{plan}/return", "planning.plan_return", ADMIN_OFFICER),
    ("POST", "/allocation/plans/{plan}/approve", "planning.plan_approve", ADMIN_OFFICER),
    ("POST", "/allocation/plans/{plan}/discard", "planning.plan_discard", ADMIN_OFFICER),
    ("GET", "/allocation/plans/{approved_plan}/decision", "planning.plan_decision", NATIONAL),
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
    ("POST", "/shipments/{shipment}/pick", "shipments.shipment_pick", LOGISTICS),
    ("POST", "/shipments/{shipment}/dispatch", "shipments.shipment_dispatch", LOGISTICS),
    ("POST", "/shipments/{redistribution}/sent", "shipments.shipment_sent", {"admin"}),
    ("POST", "/shipments/{shipment}/receive", "shipments.shipment_receive", {"admin", "requester"}),
    (
        "POST",
        "/shipments/{redistribution}/receive",
        "shipments.shipment_receive",
        {"admin", "requester"},
    ),
    ("POST", "/shipments/{shipment_0180}/receive", "shipments.shipment_receive", {"admin"}),
]


# The API, called with a token of each user (and of organisations): same policy, by token.
API_ROUTES = [
    ("GET", "/api/v1/openapi.json", "api.openapi_json", PUBLIC),
    ("GET", "/api/v1/me", "api.me", EVERYONE),
    ("POST", "/api/v1/reports", "api.post_report", {"admin", "requester", "region"}),
    ("POST", "/api/v1/requests", "api.post_request", {"admin", "requester", "region"}),
    ("GET", "/api/v1/requests", "api.list_requests", EVERYONE),
    ("GET", "/api/v1/requests/{request}", "api.get_request", NATIONAL | {"requester", "county"}),
    ("POST", "/api/v1/requests/{request}/withdraw", "api.withdraw_request", {"admin", "requester"}),
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

# An organisation's token acts as that organisation's user would (a requester, or the county
# board for LST-03): the same rows decide.
ORGANISATION_TOKENS = {"0380": "requester", "01": "region", "LST-03": "county"}


@pytest.fixture
def route_records(users):
    """Records the URLs above point at: a request of Uppsala kommun and one of its tokens."""
    from datetime import timedelta

    from supplyapp import clock
    from supplyapp.services import demand_requests, tokens

    request = demand_requests.file_request(
        "0380",
        "ffp2",
        100,
        clock.today() + timedelta(days=3),
        "high",
        "Access matrix",
        "matrix",
        stock_on_hand=10,
        daily_use=5,
    )
    token, _ = tokens.issue_organisation_token("0380", "matrix", "matrix")
    from tests.planning_factories import planning_route_records
    from tests.supply_factories import supply_route_records

    return {
        "request": request.id,
        "token": token.id,
        **supply_route_records(),
        **planning_route_records(),
    }


def test_every_route_is_in_the_access_table(app):
    covered = {endpoint for _, _, endpoint, _ in ROUTES + API_ROUTES}
    endpoints = {rule.endpoint for rule in app.url_map.iter_rules() if rule.endpoint != "static"}
    assert endpoints - covered == set(), "routes with no access decision"


def _request(client, method, url):
    return client.get(url) if method == "GET" else client.post(url, data={})


@pytest.mark.parametrize(
    "method,url,endpoint,allowed", ROUTES, ids=[f"{m} {u}" for m, u, _, _ in ROUTES]
)
def test_each_role_is_allowed_or_refused(client, route_records, method, url, endpoint, allowed):
    url = url.format(**route_records)
    for username in USERS:
        client.get("/")  # a fresh client state per role
        assert login(client, username).status_code == 302, username
        response = _request(client, method, url)
        if allowed != PUBLIC and username not in allowed:
            assert response.status_code == 403, (username, response.status_code)
        elif method == "GET":
            assert response.status_code in (200, 302), (username, response.status_code)
        else:  # an empty form: refused as bad input, never as forbidden
            assert response.status_code not in (401, 403) and response.status_code < 500, (
                username,
                response.status_code,
            )
        client.post("/logout")


@pytest.mark.parametrize(
    "method,url,endpoint,allowed",
    [r for r in ROUTES if r[3] != PUBLIC],
    ids=[f"{m} {u}" for m, u, _, a in ROUTES if a != PUBLIC],
)
def test_anonymous_is_sent_to_sign_in(client, route_records, method, url, endpoint, allowed):
    url = url.format(**route_records)
    response = _request(client, method, url)
    assert response.status_code == 302
    assert "/login" in response.headers["Location"]


@pytest.mark.parametrize(
    "method,url,endpoint,allowed", API_ROUTES, ids=[f"{m} {u}" for m, u, _, _ in API_ROUTES]
)
def test_each_roles_token_is_allowed_or_refused(
    client, app, route_records, method, url, endpoint, allowed
):
    url = url.format(**route_records)
    from supplyapp.services import tokens

    with app.app_context():
        issued = {name: tokens.issue_user_token(name, "matrix", "test")[1] for name in USERS}
    for username, token in issued.items():
        headers = {"Authorization": f"Bearer {token}"}
        if method == "GET":
            response = client.get(url, headers=headers)
        else:
            response = client.open(url, method=method, headers=headers, json={})
        if allowed != PUBLIC and username not in allowed:
            assert response.status_code == 403, (username, response.status_code)
        else:
            assert response.status_code not in (401, 403) and response.status_code < 500, (
                username,
                response.status_code,
            )
        if method == "GET" and (allowed == PUBLIC or username in allowed):
            assert response.status_code == 200, (username, response.status_code)


@pytest.mark.parametrize(
    "method,url,endpoint,allowed",
    [r for r in API_ROUTES if r[3] != PUBLIC],
    ids=[f"{m} {u}" for m, u, _, a in API_ROUTES if a != PUBLIC],
)
def test_each_organisations_token_is_allowed_or_refused(
    client, app, route_records, method, url, endpoint, allowed
):
    from supplyapp.services import tokens

    url = url.format(**route_records)
    for code, acts_as in ORGANISATION_TOKENS.items():
        token = tokens.issue_organisation_token(code, "matrix", "test")[1]
        headers = {"Authorization": f"Bearer {token}"}
        response = client.open(
            url, method=method, headers=headers, **({} if method == "GET" else {"json": {}})
        )
        if acts_as not in allowed:
            assert response.status_code == 403, (code, response.status_code)
        elif method == "GET":
            assert response.status_code == 200, (code, response.status_code)
        else:
            assert response.status_code not in (401, 403) and response.status_code < 500, (
                code,
                response.status_code,
            )
