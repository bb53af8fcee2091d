"""Hostile input gets a clear 4xx, never a server error (issue 18, point 11): NUL bytes, lone
surrogates, very deep JSON, unknown enum values in query strings, ids of 2^31 and above in forms
and query strings, prices beyond the column or not finite. On SQLite and on PostgreSQL."""

import pytest

from supplyapp.imports import ImportRejected
from supplyapp.services.stock_import import import_order_lines
from tests.conftest import as_user, login
from tests.services.test_demand_requests import filed, reported
from tests.web.test_demand_api import auth

BIG = str(2**31)


def _no_server_error(response, *allowed):
    assert response.status_code < 500, response.text[:500]
    if allowed:
        assert response.status_code in allowed, (response.status_code, response.text[:300])


def test_lone_surrogates_in_json_are_refused_naming_the_field(client, users):
    body = (
        '{"item": "ffp2", "quantity": 5, "needed_by": "2030-01-01", "priority": "high",'
        ' "justification": "\\ud800 broken"}'
    )
    headers = {**auth("0380"), "Content-Type": "application/json"}
    answer = client.post("/api/v1/requests", data=body, headers=headers)
    _no_server_error(answer, 422)
    assert "justification" in answer.get_json()["fields"]


@pytest.mark.parametrize("depth", [100, 900, 100_000])
def test_deep_json_is_refused(client, users, depth):
    headers = {**auth("0380"), "Content-Type": "application/json", "Accept-Language": "en"}
    body = '{"lines": ' + "[" * depth + "]" * depth + "}"
    answer = client.post("/api/v1/reports", data=body, headers=headers)
    _no_server_error(answer, 400)
    assert "deep" in answer.get_json()["message"]


@pytest.mark.parametrize("user", ["officer", "requester", "county", "viewer"])
@pytest.mark.parametrize(
    "query", ["kind=foo", "status=foo", "priority=foo", "item=" + BIG, "county=" + BIG]
)
def test_unknown_filter_values_on_the_request_list_are_a_clear_answer(client, users, user, query):
    login(client, user)
    _no_server_error(client.get(f"/demand/requests/?{query}"), 200, 400)
    _no_server_error(client.get(f"/demand/requests/export.csv?{query}"), 200, 400)


@pytest.mark.parametrize(
    "url",
    [f"/stock/movements?lot={BIG}", f"/stock/expiring?days={BIG}", f"/stock/receive?line={BIG}"],
)
def test_huge_ids_in_query_strings_are_a_clear_answer(client, users, url):
    login(client, "logistics")
    _no_server_error(client.get(url))


def test_huge_ids_in_county_forms_are_refused(client, users):
    reported("0380", stock=100, use=10)
    filed("0380", quantity=10)
    login(client, "county")
    forward = client.post(
        "/demand/counties/03/forward", data={"request_ids": [BIG], "forward": "1"}
    )
    _no_server_error(forward, 302, 400, 404, 409, 422)
    sharing = client.post(
        "/demand/counties/03/sharings",
        data={
            "from_organisation": "0380",
            "to_organisation": "0381",
            "item": "ffp2",
            "quantity": "10",
            "shared_on": "2026-01-01",
            "request_id": BIG,
        },
    )
    _no_server_error(sharing, 400, 422)


@pytest.mark.parametrize("price", ["1e20", "inf", "99999999999", "-1", "nan"])
def test_order_files_with_prices_beyond_the_column_are_refused_row_by_row(places, price):
    data = f"order;supplier;item;quantity;unit_price\nO-1;LEV-001;ffp2;10;{price}\n".encode()
    with pytest.raises(ImportRejected) as refused, as_user("officer"):
        import_order_lines(data, "orders.csv")
    assert [(e.row, e.column) for e in refused.value.errors] == [(2, "unit_price")]
