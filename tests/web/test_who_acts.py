"""Who acts is said once, at the edge: the web request, the API token and the CLI command each
set it, and the columns that name a person say what the audit rows say."""

import getpass

from sqlalchemy import select

from supplyapp.extensions import db
from supplyapp.models import ApiToken, AuditEvent
from supplyapp.models.demand import ShortageRequest
from tests.conftest import login
from tests.web.test_demand_api import auth, post_report, post_request
from tests.web.test_demand_pages import file_request


def _created_by_in_audit(record) -> str:
    return db.session.scalar(
        select(AuditEvent.actor).where(
            AuditEvent.entity == record.__tablename__,
            AuditEvent.entity_key == record.code,
            AuditEvent.action == "create",
        )
    )


def _request_and_its_history() -> tuple[ShortageRequest, set[str]]:
    request = db.session.scalar(select(ShortageRequest))
    return request, {change.changed_by for change in request.history}


def test_a_request_filed_on_the_web_names_the_signed_in_user(client, users):
    login(client, "requester")
    assert file_request(client).status_code == 302
    request, history = _request_and_its_history()
    assert request.created_by == _created_by_in_audit(request)
    assert (request.created_by, history) == ("requester", {"requester"})


def test_a_request_filed_through_the_api_names_the_token(client, users):
    headers = auth("0380")
    post_report(client, headers)
    assert post_request(client, headers).status_code == 201
    request, history = _request_and_its_history()
    token = db.session.scalar(select(ApiToken))
    assert request.created_by == _created_by_in_audit(request)
    assert (request.created_by, history) == (f"token:{token.prefix}", {f"token:{token.prefix}"})


def test_a_token_made_on_the_command_line_names_the_os_user(app, users):
    result = app.test_cli_runner().invoke(args=["tokens", "create", "--user", "viewer"])
    assert result.exit_code == 0, result.output
    token = db.session.scalar(select(ApiToken))
    assert token.created_by == _created_by_in_audit(token)
    assert token.created_by == f"cli:{getpass.getuser()}"
