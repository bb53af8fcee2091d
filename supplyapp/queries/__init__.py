"""Read-only queries for pages, the API, exports and the CLI: one module per area.

They return data (rows, records, plain values, DataFrames), never URLs or translated sentences;
they never change anything.
"""
