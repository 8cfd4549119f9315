"""`coach report`: per-person and per-department numbers over a window, as CSV or a self-contained HTML page."""
