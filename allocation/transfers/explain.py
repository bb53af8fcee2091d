"""Reasons in plain words for every patient, placed or not."""
