"""Hypothesis profile for the allocation tests (pure: no app, no database)."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from hypothesis import HealthCheck, settings

sys.path.insert(0, str(Path(__file__).resolve().parent))

settings.register_profile(
    "allocation",
    max_examples=int(os.environ.get("ALLOCATION_EXAMPLES", "60")),
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
    derandomize=os.environ.get("ALLOCATION_RANDOM") is None,
)
