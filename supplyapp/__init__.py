"""The Flask app of the national supply system: create_app builds it."""

from pathlib import Path

from flask import Flask, abort, g, request, session
from flask_login import current_user
from werkzeug.routing import IntegerConverter

from supplyapp import audit, clock, inputs
from supplyapp.config import Config, config_from_environment
from supplyapp.extensions import babel, csrf, db, login_manager, migrate
from supplyapp.services.errors import MAX_ID

ROOT = Path(__file__).resolve().parent.parent

# Scripts, styles and images from the app itself only: no inline script or style, no plugin,
# no framing, forms post only here.
CONTENT_SECURITY_POLICY = "; ".join(
    [
        "default-src 'self'",
        "script-src 'self'",
        "style-src 'self'",
        "img-src 'self' data:",
        "object-src 'none'",
        "base-uri 'self'",
        "form-action 'self'",
        "frame-ancestors 'none'",
    ]
)
# Nothing here needs the camera, the microphone, the position, payment or USB.
PERMISSIONS_POLICY = "camera=(), microphone=(), geolocation=(), payment=(), usb=()"


class RecordIdConverter(IntegerConverter):
    """A number in a URL is a record's id: one beyond a 32-bit key matches no route (404)
    instead of reaching PostgreSQL, which refuses such a number in a query."""

    def __init__(self, url_map, *args, **kwargs):
        kwargs.setdefault("max", MAX_ID)
        super().__init__(url_map, *args, **kwargs)


def create_app(config: type[Config] | None = None, **overrides) -> Flask:
    """Build the app: config, extensions, blueprints, CLI and error handlers."""
    config = config or config_from_environment()
    app = Flask(
        __name__,
        template_folder=str(ROOT / "templates"),
        static_folder=str(ROOT / "static"),
        instance_path=str(Path(overrides.pop("INSTANCE_PATH", ROOT / "instance")).resolve()),
    )
    app.config.from_object(config)
    app.config.update(overrides)
    config.finish(app)
    clock.init_app(app)
    _trust_proxies(app)

    _init_extensions(app)
    app.url_map.converters["int"] = RecordIdConverter
    _register_blueprints(app)
    _register_request_hooks(app)

    from supplyapp import cli, errors
    from supplyapp.web import navigation, notifications, templating

    errors.register(app)
    templating.register(app)
    navigation.register(app)
    notifications.register(app)
    cli.register(app)
    return app


def _trust_proxies(app: Flask) -> None:
    """Werkzeug's ProxyFix for requests from TRUSTED_PROXIES only (supplyapp/proxies.py)."""
    from supplyapp import proxies
    from supplyapp.config import ConfigError

    try:
        trusted = proxies.networks(app.config.get("TRUSTED_PROXIES"))
        proxies.networks(app.config.get("LOGIN_SHARED_ADDRESSES"))
    except ValueError as error:
        raise ConfigError(f"TRUSTED_PROXIES / LOGIN_SHARED_ADDRESSES: {error}") from None
    if trusted:
        app.wsgi_app = proxies.TrustedProxyFix(app.wsgi_app, trusted)  # type: ignore[method-assign]


def _init_extensions(app: Flask) -> None:
    from supplyapp import database, i18n, models  # noqa: F401  (models register tables)

    db.init_app(app)
    database.configure_engine(app)
    migrate.init_app(app, db, directory=str(ROOT / "migrations"), render_as_batch=True)
    csrf.init_app(app)
    babel.init_app(
        app,
        locale_selector=i18n.select_locale,
        default_translation_directories=str(ROOT / "translations"),
    )
    login_manager.init_app(app)
    login_manager.login_view = "auth.login"
    login_manager.login_message = i18n.lazy("Please sign in to see this page.")
    login_manager.login_message_category = "info"
    login_manager.session_protection = "strong"

    @login_manager.user_loader
    def load_user(session_id: str):
        # "id.version" (User.get_id): a session from before a sign-out, a password change, a
        # reset or disabling names an old version and is no longer signed in.
        from supplyapp.queries.reference import user_for_session

        return user_for_session(session_id)


def _register_blueprints(app: Flask) -> None:
    from supplyapp.api import bp as api_bp
    from supplyapp.web.admin.routes import bp as admin_bp
    from supplyapp.web.audit.routes import bp as audit_bp
    from supplyapp.web.auth.routes import bp as auth_bp
    from supplyapp.web.demand import bp as demand_bp
    from supplyapp.web.forecasts import bp as forecasts_bp
    from supplyapp.web.intensive_care import bp as intensive_care_bp
    from supplyapp.web.main.routes import bp as main_bp
    from supplyapp.web.organisations.routes import bp as organisations_bp
    from supplyapp.web.planning.routes import bp as planning_bp
    from supplyapp.web.shipments.routes import bp as shipments_bp
    from supplyapp.web.situation.routes import bp as situation_bp
    from supplyapp.web.stock.routes import bp as stock_bp
    from supplyapp.web.supply.routes import bp as supply_bp
    from supplyapp.web.transfers import bp as transfers_bp

    for bp in (
        auth_bp,
        main_bp,
        admin_bp,
        audit_bp,
        organisations_bp,
        demand_bp,
        situation_bp,
        intensive_care_bp,
        forecasts_bp,
        transfers_bp,
        stock_bp,
        supply_bp,
        planning_bp,
        shipments_bp,
        api_bp,
    ):
        app.register_blueprint(bp)


def _register_request_hooks(app: Flask) -> None:
    @app.before_request
    def refuse_hostile_input():
        # The one input layer (supplyapp/inputs.py): NUL characters, lone surrogates and
        # impossible record numbers in the path, the query string or a form are refused at the
        # door, naming the field, before any query sees them.
        fields = [*request.args.items(multi=True), *request.form.items(multi=True)]
        problem = inputs.request_problem(request.path, fields)
        if problem:
            abort(400, problem)

    @app.before_request
    def set_audit_actor():
        address = request.remote_addr
        if current_user.is_authenticated:
            audit.set_actor(current_user.username, address)
        else:
            audit.set_actor("anonymous", address)
        g.lang = session.get("lang")

    @app.after_request
    def security_headers(response):
        headers = response.headers
        headers.setdefault("X-Content-Type-Options", "nosniff")
        headers.setdefault("X-Frame-Options", "DENY")
        headers.setdefault("Referrer-Policy", "same-origin")
        headers.setdefault("Content-Security-Policy", CONTENT_SECURITY_POLICY)
        headers.setdefault("Permissions-Policy", PERMISSIONS_POLICY)
        if app.config["HSTS_SECONDS"]:
            headers.setdefault("Strict-Transport-Security", f"max-age={app.config['HSTS_SECONDS']}")
        # What a signed-in user or a token sees, and every download, stays out of caches (a
        # shared computer's browser, a proxy): only the public pages and static files may.
        if (
            current_user.is_authenticated
            or "Authorization" in request.headers
            or headers.get("Content-Disposition", "").startswith("attachment")
        ):
            headers["Cache-Control"] = "no-store"
        return response
