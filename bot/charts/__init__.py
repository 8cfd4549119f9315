"""Charts as PNG bytes: one style and one CJK font for every chart Coach draws (rehearsal, digests, reports)."""
