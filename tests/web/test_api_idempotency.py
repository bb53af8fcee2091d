"""Idempotency-Key on the API's writes (issue 18, point 3): a retried report or request is filed
once and gets the first answer again, also when the retries race each other in threads (on
SQLite and on PostgreSQL)."""

import threading
import uuid

from sqlalchemy import func, select

from supplyapp.extensions import db
from supplyapp.models.demand import ShortageRequest, SituationReport
from tests.web.test_demand_api import auth, post_report, post_request


def count(model) -> int:
    db.session.expire_all()
    return db.session.scalar(select(func.count()).select_from(model))


def test_a_retried_report_with_the_same_key_is_stored_once_and_answered_alike(client, users):
    headers = {**auth("0380"), "Idempotency-Key": str(uuid.uuid4())}
    first = post_report(client, headers)
    again = post_report(client, headers)
    assert first.status_code == again.status_code == 201
    assert again.get_json() == first.get_json()
    assert again.headers["Idempotent-Replayed"] == "true"
    assert "Idempotent-Replayed" not in first.headers
    assert count(SituationReport) == 1
    # Without a key, or with a new one, it is a new report.
    post_report(client, auth("0380"))
    post_report(client, {**headers, "Idempotency-Key": str(uuid.uuid4())})
    assert count(SituationReport) == 3


def test_a_key_is_unique_per_token_not_across_tokens(client, users):
    key = str(uuid.uuid4())
    post_report(client, auth("0380")).get_json()
    assert post_report(client, {**auth("0380"), "Idempotency-Key": key}).status_code == 201
    assert post_report(client, {**auth("01"), "Idempotency-Key": key}).status_code == 201
    assert count(SituationReport) == 3


def test_a_key_reused_for_another_body_or_malformed_is_refused(client, users):
    headers = {**auth("0380"), "Idempotency-Key": "order-42"}
    post_report(client, headers)
    post_request(client, headers | {"Idempotency-Key": "request-1"})
    other = post_request(client, headers | {"Idempotency-Key": "request-1"}, quantity=900)
    assert other.status_code == 422
    assert "Idempotency-Key" in other.get_json()["fields"]
    bad = post_report(client, headers | {"Idempotency-Key": "x" * 256})
    assert bad.status_code == 422 and "Idempotency-Key" in bad.get_json()["fields"]
    assert count(ShortageRequest) == 1


def test_a_refused_request_stores_no_answer_and_may_be_retried_with_its_key(client, users):
    headers = {**auth("0380"), "Idempotency-Key": "r-1"}
    assert post_request(client, headers).status_code == 422  # no report yet: no figures
    post_report(client, auth("0380"))
    assert post_request(client, headers).status_code == 201
    assert count(ShortageRequest) == 1


def test_retries_racing_each_other_file_once_and_all_get_the_first_answer(app, users):
    headers = {**auth("0380"), "Idempotency-Key": str(uuid.uuid4())}
    with app.test_client() as client:
        post_report(client, auth("0380"))
    db.session.remove()
    barrier = threading.Barrier(6)
    answers: list = []

    def retry():
        with app.test_client() as client:
            barrier.wait()
            response = post_request(client, headers)
            answers.append((response.status_code, response.get_json()))

    threads = [threading.Thread(target=retry) for _ in range(6)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert [status for status, _ in answers] == [201] * 6, answers
    assert len({body["id"] for _, body in answers}) == 1
    assert count(ShortageRequest) == 1


def test_the_openapi_document_offers_the_header_on_both_writes(client):
    paths = client.get("/api/v1/openapi.json").get_json()["paths"]
    for path in ("/reports", "/requests"):
        names = [p["name"] for p in paths[path]["post"]["parameters"]]
        assert "Idempotency-Key" in names, path
