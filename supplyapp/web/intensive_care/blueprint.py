"""The intensive-care area's blueprint; its routes live in picture.py and reports.py."""

from flask import Blueprint

bp = Blueprint("intensive_care", __name__, url_prefix="/icu")
