"""The simulated day's HTML report: the checks, the figures, and inline SVG charts (the
queue lengths through the day with the faults marked, waits by business type, arrivals)."""

from __future__ import annotations

import html
from collections import defaultdict
from pathlib import Path
from typing import TYPE_CHECKING

from workstation.simulation.plan import DAY_SECONDS

if TYPE_CHECKING:
    from workstation.simulation.day import Day

COLOURS = ["#1f77b4", "#d62728", "#2ca02c", "#ff7f0e", "#9467bd", "#8c564b", "#e377c2", "#17becf"]
FAULT_COLOUR = "#b00020"


def _clock(seconds: float) -> str:
    from workstation.simulation.day import hall_clock

    return hall_clock(seconds)


def line_chart(series: dict[str, list[tuple[float, float]]], faults: list, title: str, unit: str,
               width: int = 900, height: int = 300) -> str:
    left, right, top, bottom = 50, 130, 30, 40
    plot_w, plot_h = width - left - right, height - top - bottom
    peak = max((v for points in series.values() for _, v in points), default=1) or 1
    x = lambda s: left + plot_w * min(max(s, 0), DAY_SECONDS) / DAY_SECONDS  # noqa: E731
    y = lambda v: top + plot_h * (1 - v / peak)  # noqa: E731
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
             f'<rect width="{width}" height="{height}" fill="white"/>',
             f'<text x="{left}" y="18" font-size="14" font-weight="bold">{html.escape(title)}</text>']
    for hour in range(9, 18):
        s = (hour - 8.5) * 3600
        parts.append(f'<line x1="{x(s):.1f}" y1="{top}" x2="{x(s):.1f}" y2="{top + plot_h}" stroke="#eee"/>')
        parts.append(f'<text x="{x(s):.1f}" y="{height - 22}" text-anchor="middle">{hour}:00</text>')
    ticks = range(int(peak) + 1) if peak <= 5 else [peak * step / 4 for step in range(5)]
    for v in ticks:
        parts.append(f'<text x="{left - 6}" y="{y(v) + 4:.1f}" text-anchor="end">{v:.0f}</text>')
        parts.append(f'<line x1="{left}" y1="{y(v):.1f}" x2="{left + plot_w}" y2="{y(v):.1f}" stroke="#f4f4f4"/>')
    parts.append(f'<text x="{left - 40}" y="{top - 8}">{html.escape(unit)}</text>')
    for row, fault in enumerate(sorted(faults, key=lambda f: f.at)):
        end = fault.at + max(fault.length, 60)
        parts.append(f'<rect x="{x(fault.at):.1f}" y="{top}" width="{max(2, x(end) - x(fault.at)):.1f}" '
                     f'height="{plot_h}" fill="{FAULT_COLOUR}" opacity="0.12"/>')
        parts.append(f'<text x="{x(fault.at) + 2:.1f}" y="{top + 12 + 12 * (row % 3)}" fill="{FAULT_COLOUR}" '
                     f'font-size="10">{html.escape(fault.kind)}</text>')
    for index, (name, points) in enumerate(sorted(series.items())):
        colour = COLOURS[index % len(COLOURS)]
        if points:  # a step line: a count holds until the next reading
            steps = [points[0]] + [q for a, b in zip(points, points[1:], strict=False) for q in ((b[0], a[1]), b)]
            path = " ".join(f"{x(s):.1f},{y(v):.1f}" for s, v in steps)
            parts.append(f'<polyline points="{path}" fill="none" stroke="{colour}" stroke-width="1.6"/>')
        parts.append(f'<rect x="{width - right + 10}" y="{top + 16 * index}" width="10" height="10" fill="{colour}"/>')
        parts.append(f'<text x="{width - right + 24}" y="{top + 9 + 16 * index}">{html.escape(name)}</text>')
    parts.append(f'<rect x="{left}" y="{top}" width="{plot_w}" height="{plot_h}" fill="none" stroke="#999"/>')
    parts.append("</svg>")
    return "\n".join(parts)


def bar_chart(values: dict[str, float], title: str, unit: str, width: int = 900, height: int = 260) -> str:
    left, top, bottom = 60, 30, 50
    plot_w, plot_h = width - left - 20, height - top - bottom
    peak = max(values.values(), default=1) or 1
    slot = plot_w / max(len(values), 1)
    parts = [f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
             f'viewBox="0 0 {width} {height}" font-family="sans-serif" font-size="11">',
             f'<rect width="{width}" height="{height}" fill="white"/>',
             f'<text x="{left}" y="18" font-size="14" font-weight="bold">{html.escape(title)}</text>']
    for index, (name, value) in enumerate(values.items()):
        h = plot_h * value / peak
        bx = left + index * slot + slot * 0.15
        parts.append(f'<rect x="{bx:.1f}" y="{top + plot_h - h:.1f}" width="{slot * 0.7:.1f}" height="{h:.1f}" '
                     f'fill="{COLOURS[index % len(COLOURS)]}"/>')
        parts.append(f'<text x="{bx + slot * 0.35:.1f}" y="{top + plot_h - h - 4:.1f}" '
                     f'text-anchor="middle">{value:.1f}</text>')
        parts.append(f'<text x="{bx + slot * 0.35:.1f}" y="{top + plot_h + 16:.1f}" '
                     f'text-anchor="middle">{html.escape(name)}</text>')
    parts.append(f'<text x="{left}" y="{height - 8}">{html.escape(unit)}</text>')
    parts.append("</svg>")
    return "\n".join(parts)


def charts(day: Day) -> list[str]:
    queues: dict[str, list[tuple[float, float]]] = defaultdict(list)
    for moment, waiting in day.truth.samples:
        for code, count in waiting.items():
            queues[code].append((moment, count))
    queues = {code: points for code, points in queues.items() if any(v for _, v in points)}
    arrivals: dict[str, list[tuple[float, float]]] = {"arrivals per 15 min": []}
    buckets = defaultdict(int)
    for person in day.plan:
        buckets[int(person.arrives // 900)] += 1
    for bucket in range(DAY_SECONDS // 900 + 1):
        arrivals["arrivals per 15 min"].append((bucket * 900 + 450, buckets[bucket]))
    from workstation.simulation.compare import ticket_truth

    waits: dict[str, list[int]] = defaultdict(list)
    for record in ticket_truth(day).values():
        if record["wait"] is not None:
            waits[record["type"]].append(record["wait"])
    mean_waits = {code: day.args.speed * sum(v) / len(v) / 60 for code, v in sorted(waits.items())}
    return [line_chart(queues, day.faults, "排队人数（按业务类型）· waiting per business type", "人"),
            line_chart(arrivals, day.faults, "到达人数 · arrivals (the day's curve)", "人"),
            bar_chart(mean_waits, "平均等候（大厅分钟）· mean wait per business type, hall minutes", "分钟")]


def write_report(day: Day, differences: list[tuple[str, int]], figures: list[tuple[str, object]]) -> Path:
    bad = sum(1 for _, v in differences if v)
    rows = "\n".join(f'<tr class="{"bad" if v else "ok"}"><td>{html.escape(n)}</td><td>{v}</td></tr>'
                     for n, v in differences)
    facts = "\n".join(f"<tr><td>{html.escape(n)}</td><td>{html.escape(str(v))}</td></tr>" for n, v in figures)
    notes = "\n".join(f"<li>{html.escape(n)}</li>" for n in day.truth.notes[:200])
    page = f"""<!DOCTYPE html>
<html lang="zh-CN"><head><meta charset="utf-8"><title>模拟工作日 · seed {day.args.seed}</title>
<style>body{{font-family:sans-serif;margin:24px;color:#222}} table{{border-collapse:collapse}}
td{{border:1px solid #ccc;padding:3px 8px}} tr.bad td{{background:#fdd}} tr.ok td:last-child{{color:#2a7}}
.verdict{{font-size:20px;font-weight:bold;color:{'#b00020' if bad else '#2a7'}}}</style></head><body>
<h1>模拟工作日 · a simulated day in the hall</h1>
<p>seed {day.args.seed}, {day.args.windows} windows, {len(day.plan)} applicants, speed ×{day.args.speed:g},
faults {'on' if day.args.faults else 'off'}, database {html.escape(day.server.db_url.split('@')[-1])}</p>
<p class="verdict">{'差异 ' + str(bad) + ' 项 · ' + str(bad) + ' check(s) differ' if bad else
                     '全部一致 · every check agrees'}</p>
{''.join(f'<div>{chart}</div>' for chart in charts(day))}
<h2>Checks (difference from the ground truth)</h2><table>{rows}</table>
<h2>Figures</h2><table>{facts}</table>
<h2>Notes</h2><ul>{notes}</ul>
</body></html>"""
    path = day.folder / "report.html"
    path.write_text(page, encoding="utf-8")
    return path
