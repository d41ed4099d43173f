"""The window load advice (动态调整): for constructed queues, the business type and the
window the module's arithmetic names, with the figures it states."""

from __future__ import annotations

from fractions import Fraction

import pytest

from workstation.domain.load import TypeLoad, WindowLoad, advise, capacities, wait_minutes

NAMES = {"general": "综合受理", "social": "社保医保", "estate": "不动产登记", "fund": "住房公积金"}


def kind(code: str, waiting: int, service_minutes: float | None) -> TypeLoad:
    return TypeLoad(code, NAMES[code], waiting, None if service_minutes is None else service_minutes * 60)


def window(number: int, *types: str, open: bool = True) -> WindowLoad:
    return WindowLoad(number, f"{number}号窗口", tuple(types), open)


def test_the_longest_queue_gets_the_window_whose_own_queue_suffers_least():
    types = [kind("estate", 12, 7), kind("general", 2, 5), kind("social", 0, 4), kind("fund", 4, 10)]
    windows = [window(1, "general"), window(2, "social"), window(3, "estate"), window(4, "fund")]
    found, note = advise(types, windows, threshold_minutes=20)
    assert note == ""
    first = found[0]
    # 不动产登记: 12 waiting × 7 min ÷ 1 window = 84 min. Window 2's own queue is empty,
    # so its share costs nobody: 12 × 7 ÷ (1 + 1/2) = 56 min.
    assert (first.business_type, first.window) == ("estate", 2)
    assert first.wait_now_minutes == pytest.approx(84)
    assert first.wait_after_minutes == pytest.approx(12 * 7 / 1.5)
    assert (first.window_wait_now_minutes, first.window_wait_after_minutes) == (0, 0)
    assert first.waiting == 12 and first.windows_now == 1 and first.service_seconds == 420
    assert first.reasoning.startswith("开启 2 号窗口办理 不动产登记：预计等候从 84 分钟降到 56 分钟。")
    assert "12 × 7.0 ÷ 1 = 84 分钟" in first.reasoning and "1 → 2 个窗口" in first.reasoning

    # 不动产登记 is still the longest (56 min against 住房公积金's 4 × 10 ÷ 1 = 40): window 1
    # takes a share, its 综合受理 going from 2 × 5 ÷ 1 = 10 to 2 × 5 ÷ 1/2 = 20 min, and
    # 不动产登记 to 12 × 7 ÷ 2 = 42. Window 4 would have doubled 住房公积金 to 80.
    second = found[1]
    assert (second.business_type, second.window) == ("estate", 1)
    assert second.wait_now_minutes == pytest.approx(56) and second.windows_now == 2
    assert second.wait_after_minutes == pytest.approx(42)
    assert (second.window_wait_now_minutes, second.window_wait_after_minutes) == (
        pytest.approx(10), pytest.approx(20))
    # Nothing more helps: window 4 would make 住房公积金 80 min for 不动产登记's 42, and window
    # 3 taking 住房公积金 would put 不动产登记 back to 12 × 7 ÷ 1.5 = 56 for 住房公积金's 40.
    assert len(found) == 2


def test_paused_windows_do_not_serve_and_are_not_asked():
    types = [kind("estate", 6, 10), kind("general", 1, 5)]
    windows = [window(1, "general"), window(2, "estate", open=False), window(3, "social", open=False)]
    assert capacities(windows) == {"general": 1}
    [only], _ = advise(types, windows)
    # Nobody calls 不动产登记 now; window 1 splitting its time: 6 × 10 ÷ 1/2 = 120 min.
    assert (only.business_type, only.window) == ("estate", 1)
    assert only.windows_now == 0 and only.wait_after_minutes == pytest.approx(120)
    assert "无人叫号" in only.reasoning


def test_no_advice_when_every_wait_is_short_or_nothing_helps():
    windows = [window(1, "general"), window(2, "estate")]
    found, note = advise([kind("estate", 3, 5), kind("general", 1, 5)], windows)
    assert found == [] and "不超过 20 分钟" in note
    # Both queues long: splitting a window between them only moves the wait elsewhere.
    found, note = advise([kind("estate", 10, 5), kind("general", 10, 5)], windows)
    assert found == [] and note == "没有能分担而不让自身队列更长的开放窗口"
    found, note = advise([kind("estate", 10, None)], windows)
    assert found == [] and "无法估计" in note


def test_a_type_without_finished_tickets_is_taken_at_the_others_mean():
    types = [kind("estate", 8, None), kind("general", 0, 4), kind("social", 0, 6)]
    [only], _ = advise(types, [window(1, "general"), window(2, "estate")])
    assert only.service_seconds == 300  # (4 + 6) ÷ 2 minutes
    assert only.wait_now_minutes == pytest.approx(8 * 5)
    # Nobody waiting waits nothing; people waiting where nobody serves have no estimate.
    assert wait_minutes(0, 300, Fraction(0)) == 0.0 and wait_minutes(5, 300, Fraction(0)) is None
