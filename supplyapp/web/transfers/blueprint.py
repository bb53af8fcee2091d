"""The transfers area's blueprint; its routes live in requests.py and coordination.py."""

from flask import Blueprint

bp = Blueprint("transfers", __name__, url_prefix="/transfers")
