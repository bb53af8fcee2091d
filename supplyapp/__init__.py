"""The Flask app of the national supply system: create_app builds it."""

from pathlib import Path

from flask import Flask, abort, g, request, session
from flask_login import current_user
from werkzeug.routing import IntegerConverter

from supplyapp import audit, clock
from supplyapp.config import Config, config_from_environment
from supplyapp.extensions import babel, csrf, db, login_manager, migrate
from supplyapp.i18n import _
from supplyapp.services.errors import MAX_ID

ROOT = Path(__file__).resolve().parent.parent


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
    def load_user(user_id: str):
        return db.session.get(models.User, int(user_id))


def _register_blueprints(app: Flask) -> None:
    from supplyapp.api import bp as api_bp
    from supplyapp.web.admin.routes import bp as admin_bp
    from supplyapp.web.audit.routes import bp as audit_bp
    from supplyapp.web.auth.routes import bp as auth_bp
    from supplyapp.web.demand import bp as demand_bp
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
    def refuse_nul_characters():
        # No field may hold a NUL character (PostgreSQL's text cannot): refuse it at the door,
        # in the path, the query string or a form, before any query sees it.
        values = [request.path, *request.args.values(), *request.form.values()]
        if any("\x00" in value for value in values):
            abort(400, _("The request contains a NUL character, which no field may hold."))

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
        response.headers.setdefault("X-Content-Type-Options", "nosniff")
        response.headers.setdefault("X-Frame-Options", "DENY")
        response.headers.setdefault("Referrer-Policy", "same-origin")
        return response
