"""Window load advice (动态调整): which business type needs another window, and which
window could take it, by plain arithmetic on the live queue and today's service times.

The model, stated so that a supervisor can check it by hand:

- An open window gives its time evenly to the business types it serves: a window
  serving k types gives 1/k of a window to each. A type's *capacity* c is the sum of
  those shares over the open windows serving it (with one-type windows: their number).
- A type's estimated wait is  waiting × mean service time ÷ c  (minutes). A type with
  people waiting and no open window has no estimate: nobody calls them.
- A window of k types that takes one more gives 1/(k+1) to each of its k+1 types: the
  new type gains 1/(k+1), each of its own types loses 1/k − 1/(k+1).
- Advice is given for the worst type whose wait is over the threshold: among the open
  windows not serving it, the one whose own queues (the worst of its types) are left
  shortest after taking a share; ties go to the lower window number. A move is advised
  only when it lowers the worse of the two waits it touches (the type's, the window's):
  moving the queue from one place to another is no advice. Then the next, with the
  first one applied, up to MAX_ADVICE, each window at most once.

A type without a finished ticket today is taken at the mean service time of the types
that have one; when no type has one yet there is nothing to estimate from.
"""

from __future__ import annotations

from dataclasses import dataclass
from fractions import Fraction

DEFAULT_THRESHOLD_MINUTES = 20.0
MAX_ADVICE = 3


@dataclass(frozen=True)
class TypeLoad:
    code: str
    name: str
    waiting: int
    service_seconds: float | None  # today's mean service time, None before the first finished


@dataclass(frozen=True)
class WindowLoad:
    number: int
    name: str
    business_types: tuple[str, ...]
    open: bool  # a clerk logged in and not paused: it can take tickets


@dataclass(frozen=True)
class Advice:
    business_type: str
    business_type_name: str
    window: int
    window_name: str
    wait_now_minutes: float
    wait_after_minutes: float
    waiting: int
    service_seconds: float
    windows_now: int
    window_wait_now_minutes: float
    window_wait_after_minutes: float
    reasoning: str


def capacities(windows: list[WindowLoad]) -> dict[str, Fraction]:
    """Each type's share of the open windows' time (see the module's model)."""
    shares: dict[str, Fraction] = {}
    for window in windows:
        if window.open and window.business_types:
            share = Fraction(1, len(window.business_types))
            for code in window.business_types:
                shares[code] = shares.get(code, Fraction(0)) + share
    return shares


def wait_minutes(waiting: int, service_seconds: float, capacity: Fraction) -> float | None:
    """waiting × service ÷ capacity, in minutes; None when nobody serves waiting people."""
    if waiting == 0:
        return 0.0
    if capacity <= 0:
        return None
    return waiting * service_seconds / 60 / float(capacity)


def _worst(waits: list[float | None]) -> float | None:
    """The worst of some waits (None, nobody serving, is the worst); 0 for none."""
    if any(w is None for w in waits):
        return None
    return max((w for w in waits if w is not None), default=0.0)


def _key(wait: float | None) -> float:
    return float("inf") if wait is None else wait


def _text(minutes: float | None) -> str:
    return "无人叫号" if minutes is None else f"{minutes:.0f} 分钟"


def _share(capacity: Fraction) -> str:
    return str(int(capacity)) if capacity.denominator == 1 else f"{float(capacity):.2f}"


def advise(types: list[TypeLoad], windows: list[WindowLoad],
           threshold_minutes: float = DEFAULT_THRESHOLD_MINUTES) -> tuple[list[Advice], str]:
    """The advice for this queue, worst first, and a note saying why when there is none."""
    known = [t.service_seconds for t in types if t.service_seconds]
    if not known:
        return [], "今日尚无办结的业务，无法估计办理时长"
    fallback = sum(known) / len(known)
    service = {t.code: t.service_seconds or fallback for t in types}
    by_code = {t.code: t for t in types}
    windows = [w for w in windows]
    found: list[Advice] = []
    used: set[int] = set()
    while len(found) < MAX_ADVICE:
        move = _next_move(types, windows, service, by_code, used, threshold_minutes)
        if move is None:
            break
        found.append(move)
        used.add(move.window)
        windows = [WindowLoad(w.number, w.name, (*w.business_types, move.business_type), w.open)
                   if w.number == move.window else w for w in windows]
    if found:
        return found, ""
    over = [t for t in types if t.waiting and _key(wait_minutes(
        t.waiting, service[t.code], capacities(windows).get(t.code, Fraction(0)))) > threshold_minutes]
    if not over:
        return [], f"各业务预计等候都不超过 {threshold_minutes:.0f} 分钟"
    return [], "没有能分担而不让自身队列更长的开放窗口"


def _next_move(types: list[TypeLoad], windows: list[WindowLoad], service: dict[str, float],
               by_code: dict[str, TypeLoad], used: set[int], threshold: float) -> Advice | None:
    capacity = capacities(windows)

    def wait(code: str, shares: dict[str, Fraction]) -> float | None:
        waiting = by_code[code].waiting if code in by_code else 0
        return wait_minutes(waiting, service.get(code, 0.0), shares.get(code, Fraction(0)))

    over = [(t, wait(t.code, capacity)) for t in types if t.waiting]
    over = [(t, w) for t, w in over if _key(w) > threshold]
    over.sort(key=lambda tw: (-_key(tw[1]), tw[0].code))
    for kind, now in over:
        best: tuple[tuple[float, float, int], Advice] | None = None
        for window in windows:
            if not window.open or window.number in used or kind.code in window.business_types:
                continue
            own = [c for c in window.business_types]
            k = len(own)
            after = dict(capacity)
            after[kind.code] = after.get(kind.code, Fraction(0)) + Fraction(1, k + 1)
            for code in own:
                after[code] = after.get(code, Fraction(0)) - Fraction(1, k) + Fraction(1, k + 1)
            type_after = wait(kind.code, after)
            own_now = _worst([wait(c, capacity) for c in own])
            own_after = _worst([wait(c, after) for c in own])
            if type_after is None or own_after is None:
                continue
            if max(type_after, own_after) >= _key(now):
                continue  # it would only move the long wait elsewhere
            key = (own_after, type_after, window.number)
            if best is None or key < best[0]:
                best = (key, _advice(kind, window, now, type_after, own, own_now or 0.0, own_after,
                                     service[kind.code], capacity, after, windows, by_code))
        if best is not None:
            return best[1]
    return None


def _advice(kind: TypeLoad, window: WindowLoad, now: float | None, after: float, own: list[str],
            own_now: float, own_after: float, service_seconds: float, capacity: Fraction,
            capacity_after: dict[str, Fraction], windows: list[WindowLoad],
            by_code: dict[str, TypeLoad]) -> Advice:
    serving = sum(1 for w in windows if w.open and kind.code in w.business_types)
    c_now = capacity.get(kind.code, Fraction(0))
    minutes = service_seconds / 60
    now_minutes = kind.waiting * minutes if now is None else now
    k = len(own)
    own_names = "、".join(by_code[c].name if c in by_code else c for c in own)
    headline = (f"开启 {window.number} 号窗口办理 {kind.name}：预计等候从 {_text(now)}降到 "
                f"{after:.0f} 分钟。")
    if now is None:
        first = f"{kind.name} 等候 {kind.waiting} 人，今日平均办理 {minutes:.1f} 分钟，现无开放窗口办理。"
    else:
        first = (f"{kind.name} 等候 {kind.waiting} 人，今日平均办理 {minutes:.1f} 分钟，"
                 f"现有 {serving} 个窗口办理（各窗口时间按所办业务平分，合 {_share(c_now)} 个窗口）："
                 f"{kind.waiting} × {minutes:.1f} ÷ {_share(c_now)} = {now:.0f} 分钟。")
    second = (f"加上 {window.name} 后 {serving} → {serving + 1} 个窗口"
              f"（合 {_share(capacity_after[kind.code])} 个）：{kind.waiting} × {minutes:.1f} ÷ "
              f"{_share(capacity_after[kind.code])} = {after:.0f} 分钟。")
    third = (f"{window.name} 原办 {own_names}，每项时间由 1/{k} 分到 1/{k + 1}，"
             f"其队列最长预计等候从 {own_now:.0f} 分钟变为 {own_after:.0f} 分钟。")
    return Advice(business_type=kind.code, business_type_name=kind.name, window=window.number,
                  window_name=window.name, wait_now_minutes=now_minutes, wait_after_minutes=after,
                  waiting=kind.waiting, service_seconds=service_seconds, windows_now=serving,
                  window_wait_now_minutes=own_now, window_wait_after_minutes=own_after,
                  reasoning=" ".join((headline, first, second, third)))
