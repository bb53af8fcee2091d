"""Language: Swedish by default, English when the user chooses it.

The browser's Accept-Language is deliberately not used on pages: staff with an English-language
browser still work in Swedish unless they switch. The JSON API (/api/) has no session: it answers
in the language the call's Accept-Language asks for, Swedish (the default) when it asks for none
we speak, so each answer is in one language.
"""

from flask import current_app, has_request_context, request, session
from flask_babel import gettext, lazy_gettext
from flask_login import current_user

lazy = lazy_gettext
_ = gettext


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return "en"  # the command line speaks the code's language
    if request.blueprint == "api" or request.path.startswith("/api/"):
        return api_locale()
    chosen = session.get("lang")
    if isinstance(chosen, str) and chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]


def api_locale() -> str:
    """The API's language for this call: the best of Accept-Language, else the default."""
    languages = current_app.config["LANGUAGES"]
    best = request.accept_languages.best_match(languages)
    return best or current_app.config["BABEL_DEFAULT_LOCALE"]
