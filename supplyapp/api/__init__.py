"""The JSON API under /api/v1/, for other systems. Bearer tokens; errors as JSON.

Endpoints are declared with `endpoint(...)`, which adds the Flask route and its description to
the OpenAPI document served at /api/v1/openapi.json, so the document follows the code.
"""

from dataclasses import dataclass
from functools import wraps

from flask import Blueprint, abort, current_app, g, jsonify, request
from werkzeug.exceptions import HTTPException

from supplyapp import audit, inputs
from supplyapp.extensions import csrf
from supplyapp.i18n import _, api_locale
from supplyapp.models import Organisation, Role
from supplyapp.queries import tokens as token_queries
from supplyapp.services import idempotency, tokens
from supplyapp.services.errors import Conflict, DomainError, InvalidInput, NotFound, known_id

bp = Blueprint("api", __name__, url_prefix="/api/v1")
csrf.exempt(bp)

# path -> method -> OpenAPI operation; filled by endpoint()
OPERATIONS: dict[str, dict[str, dict]] = {}
SCHEMAS: dict[str, dict] = {}


@dataclass(frozen=True)
class Principal:
    """Who calls: a user's token carries the user's role; an organisation's token acts as a
    requester (or county board) of that organisation."""

    name: str
    role: Role
    organisation: Organisation | None
    token_id: int

    @property
    def organisation_id(self) -> int | None:
        return self.organisation.id if self.organisation else None


def _principal_from_token() -> Principal:
    header = request.headers.get("Authorization", "")
    scheme, _, value = header.partition(" ")
    if scheme.lower() != "bearer" or not value.strip():
        abort(401)
    record = tokens.use_token(value.strip())
    if record is None:
        abort(401)
    if record.user is not None:
        user = record.user
        return Principal(user.username, user.role, user.organisation, record.id)
    organisation = record.organisation
    if organisation is None:  # the one_owner constraint forbids it
        raise ValueError(f"Token {record.prefix} has neither a user nor an organisation.")
    role = Role.COUNTY if organisation.kind == "county_board" else Role.REQUESTER
    return Principal(f"token:{record.prefix}", role, organisation, record.id)


def endpoint(
    path: str,
    method: str,
    *,
    roles=tuple(Role),
    summary: str,
    responses: dict,
    parameters: list | None = None,
    body: dict | None = None,
    tag: str = "general",
    public: bool = False,
    idempotent: bool = False,
):
    """Declare an API operation: route, role guard, and its OpenAPI description. An idempotent
    one accepts an `Idempotency-Key` header (see `answer_once`)."""
    flask_path = path.replace("{", "<").replace("}", ">")
    operation = {
        "summary": summary,
        "tags": [tag],
        "operationId": f"{method}_{path}".replace("/", "_").replace("{", "").replace("}", ""),
        "parameters": [*(parameters or []), *([IDEMPOTENCY_KEY] if idempotent else [])],
        "responses": {**BAD_REQUEST, **responses, **({} if public else STANDARD_ERRORS)},
    }
    if not public:
        operation["security"] = [{"bearer": []}]
    if body is not None:
        operation["requestBody"] = {
            "required": True,
            "content": {"application/json": {"schema": body}},
        }
    OPERATIONS.setdefault(path, {})[method] = operation

    def decorator(view):
        @wraps(view)
        def wrapped(*args, **kwargs):
            if not public:
                g.api_principal = _principal_from_token()
                if g.api_principal.role not in roles:
                    abort(403)
                audit.set_actor(g.api_principal.name, request.remote_addr)
            if idempotent and idempotency.KEY_HEADER in request.headers:
                return answer_once(view, *args, **kwargs)
            return view(*args, **kwargs)

        bp.add_url_rule(
            flask_path, endpoint=view.__name__, view_func=wrapped, methods=[method.upper()]
        )
        return wrapped

    return decorator


IDEMPOTENCY_KEY = {
    "name": idempotency.KEY_HEADER,
    "in": "header",
    "required": False,
    "description": (
        "A key of your choosing, new for each write (a UUID): a retry with the same key from the"
        " same token files nothing again and gets the first answer, with the header"
        " `Idempotent-Replayed: true`. Reusing a key for a different body is refused (422)."
        " A refused request stores nothing, so it may be retried with its key."
    ),
    "schema": {
        "type": "string",
        "minLength": 1,
        "maxLength": idempotency.MAX_KEY_LENGTH,
        "pattern": "^[!-~]+$",
    },
}


def answer_once(view, *args, **kwargs):
    """Run the view once per token and Idempotency-Key; a repeat gets the stored answer."""
    principal: Principal = g.api_principal
    key = request.headers[idempotency.KEY_HEADER]
    asked = idempotency.fingerprint(request.method, request.path, request.get_data())

    def work() -> tuple[int, str]:
        response, status = view(*args, **kwargs)
        return status, response.get_data(as_text=True)

    try:
        status, body, replayed = idempotency.answer_once(principal.token_id, key, asked, work)
    except Conflict:
        # The same key raced us and won: its answer is stored now.
        stored = token_queries.stored_answer(principal.token_id, key)
        if stored is None:
            raise
        idempotency.refuse_other_request(stored, asked)
        status, body, replayed = stored.status, stored.body, True
    response = current_app.response_class(body, status=status, mimetype="application/json")
    if replayed:
        response.headers["Idempotent-Replayed"] = "true"
    return response


def error_response(
    status: int, message: str, fields: dict | None = None, codes: dict | None = None
):
    """An error body in the call's one language (Accept-Language): `error` and `codes` are
    stable codes for programs, `message` and `fields` the words for people."""
    body = {"error": _ERROR_TITLES.get(status, "error"), "message": message, "status": status}
    if fields:
        body["fields"] = {name: str(text) for name, text in fields.items()}
        body["codes"] = {name: (codes or {}).get(name, "invalid") for name in fields}
    return jsonify(body), status


@bp.after_request
def content_language(response):
    response.headers["Content-Language"] = api_locale()
    return response


_ERROR_TITLES = {
    400: "bad_request",
    401: "unauthorized",
    403: "forbidden",
    404: "not_found",
    405: "method_not_allowed",
    409: "conflict",
    413: "too_large",
    415: "unsupported_media_type",
    422: "invalid_input",
    500: "server_error",
}

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error", "message", "status"],
    "properties": {
        "error": {"type": "string"},
        "message": {"type": "string"},
        "status": {"type": "integer"},
        "fields": {"type": "object", "additionalProperties": {"type": "string"}},
        "codes": {
            "type": "object",
            "additionalProperties": {"type": "string"},
            "description": "A stable code per field of `fields` (for programs; "
            "`fields` and `message` are in the language of Accept-Language)",
        },
    },
}
SCHEMAS["Error"] = ERROR_SCHEMA


def _error(description: str) -> dict:
    return {
        "description": description,
        "content": {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}},
    }


STANDARD_ERRORS = {
    "401": _error("No valid bearer token"),
    "403": _error("The token's role or organisation does not reach this"),
}
# The input layer (supplyapp/inputs.py) may refuse any request: a NUL character or a lone
# surrogate in the path or the query string, an impossible record number, too deep JSON.
BAD_REQUEST = {"400": _error("The request holds what no field may (named in `message`)")}
INVALID_INPUT = {"422": _error("The input is invalid; `fields` names each bad field")}
NOT_FOUND = {"404": _error("No such record")}


@bp.errorhandler(HTTPException)
def http_error(error: HTTPException):
    messages = {
        401: _("A valid bearer token is needed: Authorization: Bearer <token>."),
        403: _("This token may not do that."),
        404: _("No such record."),
        405: _("This method is not allowed here."),
        413: _("The request is too large."),
        500: _("Something went wrong on the server."),
    }
    code = error.code or 500
    # An abort's own description (given in the call's language) wins over Werkzeug's English.
    own = error.description if error.description != type(error).description else None
    if code in (401, 403) or not own:
        return error_response(code, messages.get(code, own or error.name))
    return error_response(code, own)


@bp.errorhandler(InvalidInput)
def invalid_input(error: InvalidInput):
    return error_response(422, str(error), error.errors, error.codes)


@bp.errorhandler(NotFound)
def not_found(error: NotFound):
    return error_response(404, str(error))


@bp.errorhandler(DomainError)
def domain_error(error: DomainError):
    return error_response(409, str(error))


def path_id(value, message: str) -> int:
    """A record's id from the path (text there); anything that cannot be one is not found."""
    try:
        number = int(value)
    except (TypeError, ValueError):
        raise NotFound(message) from None
    if not known_id(number):
        raise NotFound(message)
    return number


def json_body() -> dict:
    """The request's JSON object, after the input layer (supplyapp/inputs.py): a 400/415 with a
    clear message, or 422 naming each field whose text cannot be stored."""
    if not request.is_json:
        abort(415, _("Send JSON with Content-Type: application/json."))
    try:
        data = inputs.parse_json(request.get_data())
    except inputs.TooDeep:
        abort(
            400,
            _(
                "The JSON is nested too deep (more than %(depth)s levels).",
                depth=inputs.MAX_JSON_DEPTH,
            ),
        )
    except ValueError:
        data = None
    if not isinstance(data, dict):
        abort(400, _("The body must be a JSON object."))
    problems = inputs.json_problems(data)
    if problems:
        raise InvalidInput(problems)
    return data


from supplyapp.api import (  # noqa: E402,F401  (register)
    demand,
    forecasts,
    general,
    icu_picture,
    icu_reports,
    shipments,
    stock,
    transfers,
)
