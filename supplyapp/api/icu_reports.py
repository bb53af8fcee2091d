"""API: units' daily reports from hospital systems."""
