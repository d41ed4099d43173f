"""#14: a workstation whose clock is three hours slow (libfaketime on its process only):
the hall server's time is authoritative. The cases it saves reach the hall stamped with
the hall's time, so their acceptance day, promised date and the day's statistics follow
the server's clock; and the window says its clock is wrong."""

from __future__ import annotations

import shutil
from datetime import UTC, datetime

from tests.faults.test_workstation_crash import Writer, all_records


def test_a_pc_three_hours_slow_stamps_its_records_with_the_hall_time(sqlite_hall, tmp_path):
    assert shutil.which("faketime"), "faketime (Debian package faketime) is needed: .ci/setup installs it"
    store = tmp_path / "window" / "store.sqlite3"
    token = sqlite_hall.enrol("workstation", 1)
    writer = Writer(str(store), sqlite_hall.url, token, "--cases", "2", faketime="-3h")
    assert writer.finish(120) == 0, (writer.lines, writer.process.stderr.read())
    offset = next(int(line.split()[1]) for line in writer.lines if line.startswith("OFFSET "))
    assert abs(offset - 3 * 3600) < 60, offset  # it measured the hall three hours ahead of it
    drain = Writer(str(store), sqlite_hall.url, token, "--drain", faketime="-3h")
    assert drain.finish(120) == 0, drain.lines

    now = datetime.now(UTC)
    records = all_records(sqlite_hall, sqlite_hall.login("supervisor"))
    cases = [r for r in records if r["kind"] == "case"]
    assert len(cases) == 2
    for record in cases:
        for moment in (record["payload"]["applied_at"], record["payload"]["decided_at"], record["created_at"]):
            assert abs((datetime.fromisoformat(moment) - now).total_seconds()) < 120, moment
    # The hall's index and statistics count them on the hall's day, by the hall's clock.
    clerk = sqlite_hall.login("clerk1")
    detail = clerk.get(sqlite_hall.api(f"/cases/{cases[0]['payload']['case_number']}"), timeout=30).json()
    assert abs((datetime.fromisoformat(detail["accepted_at"]) - now).total_seconds()) < 120
    print(f"\nPC clock 3 h slow: offset measured {offset} s; records stamped within "
          f"{max(abs((datetime.fromisoformat(r['created_at']) - now).total_seconds()) for r in cases):.0f} s "
          "of the hall's time")
