"""The ingest pipeline: observed Slack events become counters, progress and celebrations.

Listeners translate a payload into a `batch.EventItem` and hand it to `writer.IngestQueue`, which
records events in batches on one thread (`batch.ingest_batch`, the hot path: one transaction per
batch) and afterwards refreshes the Home tabs of people who progressed (`home_refresh.HomeRefresher`).
"""
