"""Benchmarks are pytest tests marked `benchmark`: `uv run pytest -m benchmark benchmarks/ -s`."""
