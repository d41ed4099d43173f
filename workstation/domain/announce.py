"""What the hall says when a ticket is called: 「请 A001 号到 3 号窗口办理」. Pure: no I/O.

The voice is put together from short recorded clips (resources/sounds/zh/NAME.wav), so it
works offline. A ticket number is read letter and digit by digit, the way halls say it
(A001: 「A 零零一 号」); a window number is read as a number (12: 「十二 号窗口」).
"""

from __future__ import annotations

import re
from dataclasses import dataclass

# The clips besides the letters A–Z and the digits 0–9 (named "A" … "Z", "0" … "9").
QING = "qing"  # 请
HAO = "hao"  # 号
DAO = "dao"  # 到
CHUANGKOU_BANLI = "chuangkou_banli"  # 窗口办理
SHI = "shi"  # 十
BAI = "bai"  # 百

WORDS = {QING: "请", HAO: "号", DAO: "到", CHUANGKOU_BANLI: "窗口办理", SHI: "十", BAI: "百"}
DIGITS = "零一二三四五六七八九"
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"
REPEAT = 2  # halls say every call twice

# Every clip an announcement may need: what resources/sounds/make_clips.py records.
ALL_CLIPS: tuple[str, ...] = (*WORDS, *(str(d) for d in range(10)), *LETTERS)

_NUMBER = re.compile(r"^[A-Z]\d{3,4}$")


class NotAnnounceable(ValueError):
    """A ticket or window number the voice cannot read."""


def window_clips(window: int) -> list[str]:
    """A window number as said in Mandarin: 3 → 三, 10 → 十, 12 → 十二, 20 → 二十,
    105 → 一百零五, 110 → 一百一十."""
    if not 1 <= window <= 999:
        raise NotAnnounceable(f"window {window}: the voice reads windows 1 to 999")
    hundreds, rest = divmod(window, 100)
    tens, units = divmod(rest, 10)
    clips: list[str] = []
    if hundreds:
        clips += [str(hundreds), BAI]
        if rest == 0:
            return clips
        if tens == 0:
            return clips + ["0", str(units)]
        clips += [str(tens), SHI]  # 一百一十: after 百 the 一 of 一十 is said
    elif tens:
        clips += [SHI] if tens == 1 else [str(tens), SHI]
    if units:
        clips.append(str(units))
    return clips


def ticket_clips(number: str) -> list[str]:
    """A ticket number read letter and digit by digit: A001 → A 零 零 一."""
    if not _NUMBER.match(number):
        raise NotAnnounceable(f"ticket number {number!r}: the voice reads a letter and 3 or 4 digits")
    return list(number)


def _said(clips: list[str]) -> str:
    return "".join(WORDS.get(c, DIGITS[int(c)] if c.isdigit() else c) for c in clips)


@dataclass(frozen=True)
class Announcement:
    """One call as the hall says it: the text shown and the clips, said `repeat` times."""

    number: str
    window: int
    text: str
    clips: tuple[str, ...]
    repeat: int = REPEAT

    @property
    def spoken(self) -> str:
        """The words as they are said, in characters: 请A零零一号到三号窗口办理."""
        return _said(list(self.clips))


def announcement(number: str, window: int) -> Announcement:
    """The call of ticket `number` to `window`: 「请 A001 号到 3 号窗口办理」."""
    clips = [QING, *ticket_clips(number), HAO, DAO, *window_clips(window), HAO, CHUANGKOU_BANLI]
    return Announcement(number=number, window=window, text=f"请 {number} 号到 {window} 号窗口办理",
                        clips=tuple(clips))
