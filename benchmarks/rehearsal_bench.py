"""Rehearsal speed: simulated person-days per second, against the ingest path alone in the same run.

    uv run python benchmarks/rehearsal_bench.py [PEOPLE WEEKS ...]   # default: 300x6, 1000x8, then 300/1000/3000 x 2

For each size it runs a full rehearsal (bundled playbook, seed 1), then, with the same app still running,
sends as many signed events as the rehearsal's people sent through the ingest path alone (reactions in
#company-news, HTTP driver, waited until recorded): the baseline says how much of the time is the app's
event path and how much is the rest (planner, worker, interactions, the clock loop).
"""

from __future__ import annotations

import sys
import time

from bot.cli.waves import import_plan
from bot.playbook.loader import default_playbook_path, load_playbook
from bot.rehearsal.runner import Config, Simulation, rehearse
from bot.simslack.payloads import event_callback, reaction_event


def _baseline(result: dict[str, float]) -> object:
    def after(sim: Simulation) -> None:
        events = sim.events
        people = sim.ws.people
        t0, c0 = time.perf_counter(), time.process_time()
        for i in range(events):
            p = people[i % len(people)]
            event = reaction_event(p.user_id, "eyes", sim.channels["company-news"], sim.news_ts)
            event["event_ts"] = f"{int(sim.clock.now().timestamp())}.{i:06d}"
            sim.driver.post_event(event_callback(event))
        sim.app.ingest.wait_idle(timeout=120)
        result["events"] = events
        result["baseline_s"] = time.perf_counter() - t0
        result["baseline_cpu_s"] = time.process_time() - c0  # the whole process: app threads included

    return after


def measure(people: int, weeks: int) -> dict[str, float]:
    path = default_playbook_path()
    config = Config(playbook=load_playbook(path), playbook_path=path, people=people,
                    departments=5, weeks=weeks, seed=1)  # fmt: skip
    result: dict[str, float] = {}
    t0, c0 = time.perf_counter(), time.process_time()
    rehearse(config, import_plan=import_plan, after=_baseline(result))  # type: ignore[arg-type]
    total, cpu = time.perf_counter() - t0, time.process_time() - c0
    result["rehearsal_s"] = total - result["baseline_s"]
    result["rehearsal_cpu_s"] = cpu - result["baseline_cpu_s"]
    result["person_days_per_s"] = people * weeks * 7 / result["rehearsal_s"]
    return result


def main(argv: list[str]) -> None:
    sizes = [(int(a), int(b)) for a, b in zip(argv[::2], argv[1::2], strict=False)] or [
        (300, 6),
        (1000, 8),
        (300, 2),
        (1000, 2),
        (3000, 2),
    ]
    for people, weeks in sizes:
        r = measure(people, weeks)
        print(
            f"{people:>5} people x {weeks} weeks: {r['rehearsal_s']:7.1f} s wall, {r['rehearsal_cpu_s']:6.1f} s CPU, "
            f"{r['person_days_per_s']:7.0f} person-days/s; "
            f"baseline {int(r['events'])} events through ingest alone {r['baseline_s']:5.1f} s wall "
            f"{r['baseline_cpu_s']:5.1f} s CPU",
            flush=True,
        )


if __name__ == "__main__":
    main(sys.argv[1:])
