"""Error pages (HTML), and JSON for /api/."""

from flask import Flask, jsonify, render_template, request
from flask_wtf.csrf import CSRFError

from supplyapp.i18n import _
from supplyapp.services import transaction


def register(app: Flask) -> None:
    def page(status: int, title: str, message: str):
        if request.path.startswith("/api/"):
            return jsonify(error=title, message=message, status=status), status
        return render_template("errors/error.html", title=title, message=message), status

    @app.errorhandler(CSRFError)
    def csrf_error(error):
        return page(400, _("The form has expired"), _("Reload the page and submit the form again."))

    @app.errorhandler(400)
    def bad_request(error):
        return page(400, _("Bad request"), error.description or _("The request cannot be read."))

    @app.errorhandler(403)
    def forbidden(error):
        return page(403, _("Not allowed"), _("Your role does not give access to this page."))

    @app.errorhandler(404)
    def not_found(error):
        return page(404, _("Not found"), _("There is no such page or record."))

    @app.errorhandler(405)
    def method_not_allowed(error):
        return page(405, _("Not allowed"), _("That method is not allowed here."))

    @app.errorhandler(413)
    def too_large(error):
        return page(413, _("File too large"), _("The file is larger than the system accepts."))

    @app.errorhandler(500)
    def server_error(error):
        transaction.discard()  # a failed statement must not break the error page's reads
        return page(
            500,
            _("Something went wrong"),
            _("The error has been logged. Nothing was saved. Try again."),
        )
