"""The item view: everything a clerk needs to advise an applicant, from the guide itself."""

from __future__ import annotations

import json
from pathlib import Path

import pytest

from ui.clerk.materials_panel import APPLICANT_KINDS, guide_html
from workstation.protocol.catalogue import ServiceItem

CATALOGUE = Path(__file__).resolve().parents[2] / "resources" / "demo_hall" / "catalogue.json"
ITEMS = [ServiceItem.model_validate(v) for v in json.loads(CATALOGUE.read_text(encoding="utf-8"))]


@pytest.mark.parametrize("item", ITEMS, ids=[i.name for i in ITEMS])
def test_guide_page_carries_every_element(item):
    page = guide_html(item)
    for text in (item.name, item.code, item.department.name, item.conditions[:20], item.place,
                 item.hours, item.phone, item.complaint_phone, item.case_type.value):
        assert text.replace("&", "&amp;") in page or text in page
    for material in item.materials:
        assert material.name in page
        for standard in material.acceptance_standards:
            assert standard in page
    for step in item.procedure:
        assert step in page
    for fee in item.fees.items:
        assert fee.standard in page
    for group in item.situations:
        for option in group.options:
            assert option.name in page
    for kind in item.applicant_kinds:
        assert APPLICANT_KINDS[int(kind)] in page
