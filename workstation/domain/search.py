"""Catalogue search as the clerk types: by name, pinyin, pinyin initials, code or department.

Everything is worked out once in `CatalogueIndex.build`, so a keystroke costs a handful of
`str.find` calls. Each searchable field of all items is laid out in one string, item after
item in ranking-tie order (name by pinyin, then code):

    \\0value\\0value…  \\0value…  \\0      (one segment per item; starts[i] is where item i begins)

`\\0` + query finds a prefix, `\\0` + query + `\\0` an exact value and the bare query a
substring, and the hits come out already in tie order. The match kinds are tried from the
best rank down; within one kind the first hits in tie order win, so the search stops as
soon as `limit` items are found and never scores the whole catalogue.
"""

from __future__ import annotations

import functools
import heapq
import re
import unicodedata
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from enum import Enum
from functools import partial

from workstation.protocol.catalogue import ServiceItem

_SEP = "\0"


class MatchKind(Enum):
    """What a query matched, best first. The value is the hit's score."""

    NAME_EXACT = 100
    NAME_PREFIX = 90
    INITIALS_PREFIX = 80
    NAME = 70  # substring of the name
    PINYIN_PREFIX = 65
    INITIALS = 60  # substring of the initials
    PINYIN = 55  # substring of the full pinyin
    CODE = 40  # prefix of 实施编码, 基本编码 or 业务办理项编码
    DEPARTMENT = 30  # substring of the department's name, pinyin or initials

    @property
    def score(self) -> int:
        """The rank of this kind of match; higher is better."""
        return self.value


@dataclass(frozen=True)
class Hit:
    """One item found: its 实施编码 and name, the score and what the query matched."""

    code: str
    name: str
    score: int
    matched: MatchKind


# Whitespace and every control, format, surrogate or unassigned character: a clerk's
# query is compared without them, whatever a scanner or a paste put in it.
_DROPPED_CATEGORIES = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zs", "Zl", "Zp"})
_NOT_PINYIN = re.compile(r"[^a-z0-9]")


# ASCII text (codes, pinyin typed by the clerk) takes a fast path through this table.
_ASCII_DROPPED = dict.fromkeys([*range(0x21), 0x7F])


def normalise(text: str) -> str:
    """Case-folded NFKC text without whitespace or control characters (so 「（」 matches
    「(」, 「Ａ」 matches 「a」 and 「个体 工商户」 matches 「个体工商户」)."""
    if text.isascii():
        return text.translate(_ASCII_DROPPED).lower()
    # NFKC first: it turns full-width and ideographic spaces into plain ones, dropped below.
    folded = unicodedata.normalize("NFKC", text).casefold()
    return "".join(ch for ch in folded if not ch.isspace() and unicodedata.category(ch) not in _DROPPED_CATEGORIES)


@functools.cache
def _first_reading_initial(char: str) -> str:
    """The first letter of a character's first (dictionary) reading, out of context."""
    from pypinyin import Style, lazy_pinyin

    return lazy_pinyin(char, style=Style.FIRST_LETTER)[0]


_NOT_HANZI = "\1"  # marks a run pypinyin passed through unchanged (latin, digits, punctuation)


def _mark_not_hanzi(chars: str) -> list[str]:
    return [_NOT_HANZI + chars]


def pinyin_forms(text: str) -> tuple[str, str, str]:
    """(full pinyin, initials, initials of each character's first reading) of `text`,
    lower case, letters and digits only. Full pinyin and the first initials follow
    pypinyin's default, phrase-aware reading; the third form also lets a clerk who types
    a heteronym's first reading find the item."""
    from pypinyin import lazy_pinyin

    # One phrase-aware conversion gives both the syllables and their initials: pypinyin's
    # own FIRST_LETTER style is each syllable's first letter, and converting twice would
    # double the build time of a large catalogue.
    full: list[str] = []
    initials: list[str] = []
    for part in lazy_pinyin(text, errors=_mark_not_hanzi):
        if part.startswith(_NOT_HANZI):
            full.append(part[1:])
            initials.append(part[1:])  # a latin run stays whole, as in pypinyin's FIRST_LETTER
        else:
            full.append(part)
            initials.append(part[:1])
    first = "".join(_first_reading_initial(ch) for ch in text)
    return tuple(_NOT_PINYIN.sub("", form.casefold()) for form in ("".join(full), "".join(initials), first))


class _Field:
    """One searchable field of every item, laid out in one string (see the module doc),
    plus its values sorted, so a prefix that starts no value is ruled out by bisection
    without scanning the string."""

    __slots__ = ("blob", "starts", "longest", "sorted_values")

    def __init__(self, values_per_item: Iterable[Iterable[str]]) -> None:
        parts: list[str] = []
        starts: list[int] = []
        every: set[str] = set()
        offset, longest = 0, 0
        for values in values_per_item:
            starts.append(offset)
            for value in dict.fromkeys(v for v in values if v):  # once each, order kept
                parts.append(_SEP + value)
                offset += len(value) + 1
                longest = max(longest, len(value))
                every.add(value)
        parts.append(_SEP)
        self.blob = "".join(parts)
        self.starts = starts
        self.longest = longest
        self.sorted_values = sorted(every)

    def starts_some_value(self, prefix: str) -> bool:
        at = bisect_left(self.sorted_values, prefix)
        return at < len(self.sorted_values) and self.sorted_values[at].startswith(prefix)

    def scan(self, pattern: str, taken: set[int], wanted: int) -> list[int]:
        """Up to `wanted` item indices, in tie order, with `pattern` in this field and not
        in `taken`."""
        found: list[int] = []
        blob, starts = self.blob, self.starts
        last = len(starts) - 1
        pos = blob.find(pattern)
        while pos != -1 and len(found) < wanted:
            index = bisect_right(starts, pos) - 1
            if index not in taken:
                found.append(index)
            if index == last:
                break
            pos = blob.find(pattern, starts[index + 1])  # the next item: one hit per item
        return found

    def scan_prefix(self, prefix: str, taken: set[int], wanted: int) -> list[int]:
        return self.scan(_SEP + prefix, taken, wanted) if self.starts_some_value(prefix) else []

    def scan_exact(self, value: str, taken: set[int], wanted: int) -> list[int]:
        at = bisect_left(self.sorted_values, value)
        if at == len(self.sorted_values) or self.sorted_values[at] != value:
            return []
        return self.scan(_SEP + value + _SEP, taken, wanted)


class _Departments:
    """The department field: a hall has a few dozen departments for thousands of items, so
    the query is matched against each department once and its items are listed from there."""

    def __init__(self, departments: list[tuple[str, ...]], item_departments: list[int]) -> None:
        self.field = _Field(departments)
        members: list[list[int]] = [[] for _ in departments]
        for index, department in enumerate(item_departments):
            members[department].append(index)  # ascending: items come in tie order
        self.members = members
        self.longest = self.field.longest

    def scan(self, pattern: str, taken: set[int], wanted: int) -> list[int]:
        matched = self.field.scan(pattern, set(), len(self.members))
        found: list[int] = []
        for index in heapq.merge(*(self.members[d] for d in matched)):
            if len(found) >= wanted:
                break
            if index not in taken:
                found.append(index)
        return found


class CatalogueIndex:
    """A search index over service items, built once per catalogue revision."""

    def __init__(self, items: list[ServiceItem], fields: dict[str, _Field], departments: _Departments) -> None:
        self._items = items
        self._fields = fields
        self._departments = departments
        self._by_code = {item.code: item for item in items}
        self._longest = max([departments.longest, *(f.longest for f in fields.values())])

    @classmethod
    def build(cls, items: Iterable[ServiceItem]) -> CatalogueIndex:
        """Index `items` (a later item with the same code replaces an earlier one)."""
        unique = {item.code: item for item in items}
        forms = {code: pinyin_forms(item.name) for code, item in unique.items()}
        # Ties go by name in the order a Chinese reader expects: by pinyin, then by the
        # characters (homophones), then by code so the order never depends on input order.
        ordered = sorted(unique.values(), key=lambda item: (forms[item.code][0], item.name, item.code))
        names = [normalise(item.name) for item in ordered]
        pinyins = [forms[item.code] for item in ordered]
        department_ids: dict[str, int] = {}
        departments: list[tuple[str, ...]] = []
        for item in ordered:
            name = item.department.name
            if name not in department_ids:
                department_ids[name] = len(departments)
                departments.append((normalise(name), *pinyin_forms(name)))
        fields = {
            "name": _Field((name,) for name in names),
            "initials": _Field((p[1], p[2]) for p in pinyins),
            "pinyin": _Field((p[0],) for p in pinyins),
            "code": _Field((normalise(i.code), normalise(i.basic_code), normalise(i.handling_code))
                           for i in ordered),
        }
        return cls(ordered, fields, _Departments(departments, [department_ids[i.department.name] for i in ordered]))

    def __len__(self) -> int:
        return len(self._items)

    def item(self, code: str) -> ServiceItem | None:
        """The indexed item with this 实施编码, if any."""
        return self._by_code.get(code)

    def search(self, query: str, limit: int = 20) -> list[Hit]:
        """The best `limit` items for `query`, best first; ties by name.

        Ranking: exact name > name prefix > initials prefix > name substring > pinyin
        prefix > initials substring > pinyin substring > code prefix > department. Any
        text is accepted: an empty, blank or unmatched query gives no hits."""
        q = normalise(query) if isinstance(query, str) else ""
        if not q or limit <= 0 or len(q) > self._longest:
            return []
        # Pinyin fields hold only [a-z0-9]: an ASCII query is compared without its
        # punctuation (「xi'an」, 「gt-gs」); a query with a hanzi in it cannot match them.
        latin = _NOT_PINYIN.sub("", q) if q.isascii() else ""
        latin = latin or None
        name, initials, pinyin, code = (self._fields[f] for f in ("name", "initials", "pinyin", "code"))
        plan: list[tuple[MatchKind, Callable[[set[int], int], list[int]] | None]] = [
            (MatchKind.NAME_EXACT, partial(name.scan_exact, q)),
            (MatchKind.NAME_PREFIX, partial(name.scan_prefix, q)),
            (MatchKind.INITIALS_PREFIX, latin and partial(initials.scan_prefix, latin)),
            (MatchKind.NAME, partial(name.scan, q)),
            (MatchKind.PINYIN_PREFIX, latin and partial(pinyin.scan_prefix, latin)),
            (MatchKind.INITIALS, latin and partial(initials.scan, latin)),
            (MatchKind.PINYIN, latin and partial(pinyin.scan, latin)),
            (MatchKind.CODE, partial(code.scan_prefix, q)),
            (MatchKind.DEPARTMENT, partial(self._departments.scan, q)),
        ]
        taken: set[int] = set()
        hits: list[Hit] = []
        for kind, scan in plan:
            if scan is None:
                continue
            for index in scan(taken, limit - len(hits)):
                taken.add(index)
                item = self._items[index]
                hits.append(Hit(item.code, item.name, kind.score, kind))
            if len(hits) >= limit:
                break  # every later kind ranks lower than all hits so far
        return hits
