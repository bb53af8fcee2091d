"""Distances: straight lines (haversine) between units, and the moves each group of patients
could make (only pairs within range are ever considered)."""
