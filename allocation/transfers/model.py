"""The PuLP model: integer flows of identical patients to units, solved rule by rule."""
