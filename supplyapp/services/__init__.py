"""Use cases: the only code that commits. Plain values in, results out, domain errors raised."""
