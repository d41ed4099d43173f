"""一件事 (a bundle) on the wire: a life event that several service items serve at once.

A bundle names its items, the questions (bundle situations) that decide which items apply
and answer the items' own situation groups, and the materials the items share, so that the
applicant hands each over once. It is reference data of kind `bundle`, keyed by its code,
pulled like the catalogue. Whether every item, material and option it names exists is
checked against the catalogue by `workstation.domain.bundle.check_against` (the server does
it on import; the workstation again when it loads the guide).
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict, Field, model_validator

_ID = r"^[a-z0-9_\-]+$"


class _Strict(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)


class ItemOption(_Strict):
    """One item's situation option, answered by a bundle option."""

    item: str = Field(min_length=1, max_length=36, description="the item's 实施编码")
    option: str = Field(min_length=1, max_length=40, pattern=_ID)


class BundleOption(_Strict):
    id: str = Field(min_length=1, max_length=40, pattern=_ID)
    name: str = Field(min_length=1)
    # The item situation options this answer stands for: asked once for the bundle.
    implies: tuple[ItemOption, ...] = ()


class BundleSituation(_Strict):
    """A question asked once for the whole bundle (开办餐饮店: 个体 or 公司?)."""

    id: str = Field(min_length=1, max_length=40, pattern=_ID)
    name: str = Field(min_length=1)
    options: tuple[BundleOption, ...] = Field(min_length=2)
    multiple: bool = False


class BundleItem(_Strict):
    item: str = Field(min_length=1, max_length=36, description="the item's 实施编码")
    # Bundle option ids; the item belongs to the application when any is chosen (empty: always).
    applies_when: tuple[str, ...] = ()
    # The item's own situation options this bundle always answers (二手房: 转移原因 买卖).
    answers: tuple[str, ...] = ()


class MaterialRef(_Strict):
    item: str = Field(min_length=1, max_length=36)
    material: str = Field(min_length=1, max_length=40, pattern=_ID)


class SharedMaterial(_Strict):
    """One document several items ask for: received and checked once for all of them."""

    id: str = Field(min_length=1, max_length=40, pattern=_ID)
    name: str = Field(min_length=1, description="how the merged checklist names it")
    members: tuple[MaterialRef, ...] = Field(min_length=2)


class Bundle(_Strict):
    """主题 / 一件事: e.g. 开办餐饮店, 新生儿出生, 二手房转移登记."""

    code: str = Field(min_length=1, max_length=36, pattern=_ID)
    name: str = Field(min_length=1, max_length=100)
    description: str = Field(min_length=1, description="the life event in the applicant's words")
    business_type: str = Field(min_length=1, description="the queue business type that serves it")
    situations: tuple[BundleSituation, ...] = ()
    items: tuple[BundleItem, ...] = Field(min_length=2)
    shared: tuple[SharedMaterial, ...] = ()

    @model_validator(mode="after")
    def _consistent(self) -> Bundle:
        codes = [i.item for i in self.items]
        if len(set(codes)) != len(codes):
            raise ValueError("an item is listed twice")
        option_ids = [o.id for s in self.situations for o in s.options]
        if len(set(option_ids)) != len(option_ids) or len({s.id for s in self.situations}) != len(self.situations):
            raise ValueError("situation or option ids repeat")
        for item in self.items:
            unknown = sorted(set(item.applies_when) - set(option_ids))
            if unknown:
                raise ValueError(f"item {item.item} applies when unknown options {unknown}")
        listed = set(codes)
        for situation in self.situations:
            for option in situation.options:
                outside = sorted({i.item for i in option.implies} - listed)
                if outside:
                    raise ValueError(f"option {option.id} answers items not in the bundle: {outside}")
        seen: dict[tuple[str, str], str] = {}
        for group in self.shared:
            if len({m.item for m in group.members}) != len(group.members):
                raise ValueError(f"shared material {group.id} names one item twice")
            for member in group.members:
                if member.item not in listed:
                    raise ValueError(f"shared material {group.id} names item {member.item}, not in the bundle")
                key = (member.item, member.material)
                if key in seen:
                    raise ValueError(f"material {member.material} of {member.item} is in both "
                                     f"{seen[key]} and {group.id}")
                seen[key] = group.id
        if len({g.id for g in self.shared}) != len(self.shared):
            raise ValueError("shared material ids repeat")
        return self
