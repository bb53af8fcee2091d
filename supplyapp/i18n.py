"""Language: Swedish by default, English when the user chooses it.

The browser's Accept-Language is deliberately not used: staff with an English-language browser
still work in Swedish unless they switch.
"""

from flask import current_app, has_request_context, session
from flask_babel import gettext, lazy_gettext
from flask_login import current_user

lazy = lazy_gettext
_ = gettext


def select_locale() -> str:
    languages = current_app.config["LANGUAGES"]
    if not has_request_context():
        return "en"  # the command line speaks the code's language
    chosen = session.get("lang")
    if isinstance(chosen, str) and chosen in languages:
        return chosen
    if current_user and current_user.is_authenticated and current_user.locale in languages:
        return current_user.locale
    return current_app.config["BABEL_DEFAULT_LOCALE"]
