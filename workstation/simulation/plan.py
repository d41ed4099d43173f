"""The day's applicants, from a seed: when each arrives (a morning and an after-lunch peak,
the lunch hour quiet), what for, and how it goes at the counter.

Times are hall seconds from opening (08:30); the day runs to 17:00."""

from __future__ import annotations

import json
import math
import random
from dataclasses import asdict, dataclass, field
from pathlib import Path

from workstation.simulation.sim_reader import id_number

OPENING_HOUR = 8.5
DAY_SECONDS = int((17.0 - OPENING_HOUR) * 3600)
DEMO_HALL = Path(__file__).resolve().parents[2] / "resources" / "demo_hall"


def arrival_rate(hall_seconds: float) -> float:
    """Relative arrivals at a moment of the day: peaks near 09:45 and 14:45, a dip at
    lunch (12:00–13:30), a tail before closing."""
    hour = OPENING_HOUR + hall_seconds / 3600
    morning = math.exp(-((hour - 9.75) / 0.9) ** 2)
    afternoon = 0.8 * math.exp(-((hour - 14.75) / 1.0) ** 2)
    lunch = 0.25 if 12.0 <= hour < 13.5 else 1.0
    return (0.15 + morning + afternoon) * lunch


@dataclass
class Applicant:
    index: int
    arrives: float  # hall seconds from opening
    name: str
    id_number: str
    business_type: str
    item: str | None  # a catalogue item's code, or None for a bundle
    bundle: str | None = None
    outcome: str = "complete"  # complete, deficiency, commitment, notify, reject
    green: str | None = None  # a GreenReason for the green channel
    appointment: str | None = None  # the appointment's code, checked in at the kiosk
    kiosk_card: bool = False  # the ticket taken with the ID card at the kiosk
    card_read: bool = True  # the ID card read at the counter's reader
    no_show: bool = False
    park: bool = False  # sent to fetch a copy: parked and called back
    transfer_to: str | None = None  # at the wrong queue: transferred to this business type
    service_minutes: float = 8.0
    rating: int = 5
    extra: dict = field(default_factory=dict)

    def as_json(self) -> str:
        return json.dumps(asdict(self), ensure_ascii=False)


MAX_WINDOWS = 12
# The windows a simulated day adds to the demo hall's six (a county hall has eight or more):
# second windows for the busiest queues, in this order.
_EXTRA_TYPES = [("general", "market"), ("social", "civil"), ("estate", "fund"), ("market", "general"),
                ("police", "civil"), ("fund", "estate")]


def hall_windows(windows: int) -> list[dict]:
    """Windows 1…windows: the demo hall's own, then the added ones (reference `window` values)."""
    layout = [w for w in json.loads((DEMO_HALL / "windows.json").read_text(encoding="utf-8"))
              if w["number"] <= windows]
    for number in range(len(layout) + 1, windows + 1):
        layout.append({"number": number, "name": f"{number}号窗口 综合受理",
                       "business_types": list(_EXTRA_TYPES[(number - 7) % len(_EXTRA_TYPES)])})
    return layout


def served_types(windows: int) -> dict[str, list[int]]:
    """Business type → the windows (1…windows) that serve it."""
    types: dict[str, list[int]] = {}
    for window in hall_windows(windows):
        for code in window["business_types"]:
            types.setdefault(code, []).append(window["number"])
    return types


def day_plan(seed: int, applicants: int, windows: int) -> list[Applicant]:
    chance = random.Random(seed)
    catalogue = json.loads((DEMO_HALL / "catalogue.json").read_text(encoding="utf-8"))
    bundles = json.loads((DEMO_HALL / "bundles.json").read_text(encoding="utf-8"))
    types = served_types(windows)
    items = {code: [i["code"] for i in catalogue if i.get("business_type") == code] for code in types}
    items = {code: codes for code, codes in items.items() if codes}
    bundles = [b for b in bundles if b.get("business_type") in items]
    peak = max(arrival_rate(s) for s in range(0, DAY_SECONDS, 60))
    times: list[float] = []
    while len(times) < applicants:  # thinning: arrivals follow the rate's shape
        moment = chance.uniform(0, DAY_SECONDS - 1800)
        if chance.random() * peak <= arrival_rate(moment):
            times.append(moment)
    times.sort()
    plan = []
    for index, moment in enumerate(times, start=1):
        business_type = chance.choice(sorted(items))
        birth = f"{chance.randint(1950, 2004)}{chance.randint(1, 12):02d}{chance.randint(1, 28):02d}"
        person = Applicant(index=index, arrives=round(moment, 1), name=f"申请人{index:04d}",
                           id_number=id_number("110105", birth, f"{index % 1000:03d}"),
                           business_type=business_type, item=chance.choice(items[business_type]))
        roll = chance.random()
        if bundles and roll < 0.08:
            bundle = chance.choice(bundles)
            person.bundle, person.item, person.business_type = bundle["code"], None, bundle["business_type"]
        else:
            person.outcome = chance.choices(["complete", "deficiency", "notify", "reject", "commitment"],
                                            [60, 12, 12, 6, 10])[0]
        person.green = "disabled" if chance.random() < 0.04 else None
        person.appointment = f"YY{seed % 10000:04d}{index:05d}" if not person.green and chance.random() < 0.1 \
            else None
        person.kiosk_card = chance.random() < 0.3
        person.card_read = chance.random() < 0.7
        person.no_show = chance.random() < 0.05
        person.park = not person.no_show and chance.random() < 0.05
        others = [code for code in items if code != person.business_type]
        if not person.no_show and not person.bundle and others and chance.random() < 0.04:
            person.transfer_to = chance.choice(others)
            # served where it is sent: the item follows the business type it ends at
            person.item = chance.choice(items[person.transfer_to])
        person.service_minutes = round(min(40.0, chance.lognormvariate(math.log(7), 0.5)), 1)
        person.rating = chance.choices([5, 4, 3, 2, 1], [70, 16, 7, 4, 3])[0]
        plan.append(person)
    return plan
