"""API: the intensive-care picture, for systems and read-only viewers."""
