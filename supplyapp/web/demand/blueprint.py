"""The demand area's blueprint; its routes live in routes.py, county.py and tokens.py."""

from flask import Blueprint

bp = Blueprint("demand", __name__, url_prefix="/demand")
