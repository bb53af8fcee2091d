"""Patient transfers: requests, the coordinator's proposal, answers, transport, Nordic requests."""

from supplyapp.web.transfers import coordination, requests  # noqa: F401  (each adds its routes)
from supplyapp.web.transfers.blueprint import bp

__all__ = ["bp"]
