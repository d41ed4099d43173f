"""`python main.py server import KIND FILE`: an import is applied whole or not at all."""

from __future__ import annotations

import json
from pathlib import Path

import requests

from tests.support.hall_server import HallServer

TIMEOUT = 30


def catalogue(server: HallServer, session: requests.Session) -> tuple[int, dict[str, dict]]:
    page = session.get(server.api("/reference/changes"), timeout=TIMEOUT,
                       params={"kind": "service_item", "limit": 1000}).json()
    assert not page["has_more"]
    items = {e["key"]: e["payload"] for e in page["entries"] if not e["deleted"]}
    return page["head"], items


def write(path: Path, values) -> Path:
    path.write_text(json.dumps(values, ensure_ascii=False, indent=1), encoding="utf-8")
    return path


def test_import_is_all_or_nothing(hall_server: HallServer, tmp_path: Path):
    admin = hall_server.admin_session()
    head, items = catalogue(hall_server, admin)
    first, second, third = list(items.values())[:3]

    renamed = {**first, "name": first["name"] + "（2026年版）"}
    new_code = "11110105MB0217349R0001230420TEST1"
    added = {**second, "code": new_code, "name": "新增测试事项"}
    broken = {**third, "name": "有问题的事项", "legal_limit": {"value": -5, "unit": "工作日"}}
    bad_file = write(tmp_path / "broken.json", [renamed, added, broken])

    result = hall_server.run_cli("import", "service_item", str(bad_file))
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "nothing was changed" in result.stderr
    assert "[2]" in result.stderr and "有问题的事项" in result.stderr
    assert "legal_limit.value" in result.stderr
    assert "[0]" not in result.stderr and "[1]" not in result.stderr
    assert catalogue(hall_server, admin) == (head, items)

    # A file that is not JSON, or not a list, is refused the same way.
    not_json = tmp_path / "not.json"
    not_json.write_bytes(b"\xef\xbb\xbf[{\"code\": ")
    result = hall_server.run_cli("import", "service_item", str(not_json))
    assert result.returncode == 2 and "not valid UTF-8 JSON" in result.stderr

    # The same items without the broken one: applied, and the server serves them at once.
    good_file = write(tmp_path / "good.json", [renamed, added, third])
    result = hall_server.run_cli("import", "service_item", str(good_file))
    assert result.returncode == 0, result.stderr
    assert "2 entries changed" in result.stdout
    new_head, new_items = catalogue(hall_server, admin)
    assert new_head == head + 2
    assert new_items == {**items, first["code"]: renamed, new_code: added}
    changes = admin.get(hall_server.api("/reference/changes"), params={"since": head}, timeout=TIMEOUT).json()
    assert [e["key"] for e in changes["entries"]] == [first["code"], new_code]

    # Importing the same file again changes nothing.
    result = hall_server.run_cli("import", "service_item", str(good_file))
    assert result.returncode == 0 and "0 entries changed" in result.stdout
    assert catalogue(hall_server, admin)[0] == new_head


def bundles(server: HallServer, session: requests.Session) -> dict[str, dict]:
    page = session.get(server.api("/reference/changes"), timeout=TIMEOUT,
                       params={"kind": "bundle", "limit": 1000}).json()
    return {e["key"]: e["payload"] for e in page["entries"] if not e["deleted"]}


def test_bundles_are_pulled_like_the_catalogue_and_must_name_its_items(hall_server: HallServer, tmp_path: Path):
    """一件事 bundles are reference data: the demo hall has three, a device pulls them, and a
    bundle naming an item the catalogue lacks is refused (import and edit) with its name."""
    admin = hall_server.admin_session()
    held = bundles(hall_server, hall_server.device_session())
    assert {"kaiban-canyin", "xinshenger-chusheng", "ershoufang-zhuanyi"} <= set(held)
    assert held["kaiban-canyin"]["name"] == "开办餐饮店"

    missing = held["kaiban-canyin"]["items"][0]["item"]  # everywhere the bundle names it
    wrong = json.loads(json.dumps(held["kaiban-canyin"]).replace(missing, "11110105MB0217349R0001230420NOPE1"))
    wrong["code"] = "kaiban-test"
    result = hall_server.run_cli("import", "bundle", str(write(tmp_path / "b.json", [wrong])))
    assert result.returncode == 2, (result.stdout, result.stderr)
    assert "nothing was changed" in result.stderr
    assert "kaiban-test" in result.stderr and "11110105MB0217349R0001230420NOPE1" in result.stderr
    answer = admin.put(hall_server.api("/reference/bundle/kaiban-test"), json={"payload": wrong}, timeout=TIMEOUT)
    assert answer.status_code == 422 and "不在事项目录中" in answer.json()["detail"]
    assert bundles(hall_server, admin) == held

    right = {**held["kaiban-canyin"], "code": "kaiban-test", "name": "开办餐饮店（测试）"}
    answer = admin.put(hall_server.api("/reference/bundle/kaiban-test"), json={"payload": right}, timeout=TIMEOUT)
    assert answer.status_code == 200, answer.text
    assert bundles(hall_server, admin)["kaiban-test"]["name"] == "开办餐饮店（测试）"
