"""Use cases: load and save through models, decide through the domain, act through the gateway."""
