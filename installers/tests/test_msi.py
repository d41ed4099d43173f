"""The MSI from a stand-in payload of real Windows PE files: the .wxs generated from the
folder, built with wixl, read back with msiinfo, signed with osslsigncode and verified
against a test CA; tampered copies fail. (The real payload comes from the Windows runner:
.github/workflows/windows-msi.yml.)"""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest

from installers import msi
from installers.tests.support import run

pytestmark = pytest.mark.skipif(shutil.which("wixl") is None or shutil.which("osslsigncode") is None,
                                reason="needs wixl, msitools and osslsigncode (installers/setup)")


def table(package: Path, name: str) -> list[dict[str, str]]:
    """Rows of one table, by `msiinfo export` (tab-separated: names, types, key line, rows)."""
    lines = run("msiinfo", "export", package, name, check=True).stdout.splitlines()
    columns = lines[0].split("\t")
    return [dict(zip(columns, line.split("\t"), strict=False)) for line in lines[3:] if line]


@pytest.fixture(scope="module")
def signed(standin_payload, test_ca, tmp_path_factory) -> Path:
    return msi.build(standin_payload, tmp_path_factory.mktemp("msi"), "0.1.0", log=lambda line: None,
                     pkcs12=test_ca.pkcs12, password_file=test_ca.password_file, ca=test_ca.ca)


def test_expected_tables(signed):
    tables = set(run("msiinfo", "tables", signed, check=True).stdout.split())
    assert {"File", "Component", "Directory", "Feature", "FeatureComponents", "Shortcut", "Registry",
            "Upgrade", "LaunchCondition", "Media", "Property", "InstallExecuteSequence"} <= tables
    summary = run("msiinfo", "suminfo", signed, check=True).stdout
    assert "Template: x64;2052" in summary  # zh-CN


def test_every_payload_file_installed_under_program_files(signed, standin_payload):
    files = table(signed, "File")
    expected = sorted(path.name for path in standin_payload.rglob("*") if path.is_file())
    assert sorted(row["FileName"] for row in files) == expected
    sizes = {row["FileName"]: int(row["FileSize"]) for row in files}
    assert sizes["counter-workstation.exe"] == (standin_payload / "counter-workstation.exe").stat().st_size
    directories = {row["Directory"]: row for row in table(signed, "Directory")}
    assert directories["INSTALLFOLDER"]["Directory_Parent"] == "ProgramFiles64Folder"
    assert directories["INSTALLFOLDER"]["DefaultDir"] == "Counter Workstation"
    components = table(signed, "Component")
    assert all(int(row["Attributes"]) & 256 for row in components)  # 64-bit components
    assert len({row["ComponentId"] for row in components}) == len(components)
    # the extracted files are the payload's, byte for byte
    out = signed.parent / "extracted"
    run("msiextract", "--directory", out, signed, check=True)
    program = next(out.rglob("counter-workstation-cli.exe"))
    assert program.read_bytes() == (standin_payload / "counter-workstation-cli.exe").read_bytes()
    assert program.read_bytes()[:2] == b"MZ"


def test_start_menu_shortcut(signed):
    [shortcut] = table(signed, "Shortcut")
    assert shortcut["Target"] == "[INSTALLFOLDER]counter-workstation.exe"
    assert shortcut["Name"] == "CWSTN|窗口工作台" and shortcut["WkDir"] == "INSTALLFOLDER"
    assert shortcut["Description"] == "政务服务中心窗口工作台：叫号、受理、材料核验"
    directories = {row["Directory"]: row for row in table(signed, "Directory")}
    assert directories[shortcut["Directory_"]]["Directory_Parent"] == "ProgramMenuFolder"
    assert directories[shortcut["Directory_"]]["DefaultDir"] == "CWSTN|窗口工作台"


def test_what_a_user_sees_is_chinese(signed):
    """程序和功能 lists 窗口工作台 by 窗口工作台项目组; the package is zh-CN with codepage 936,
    its text stored as GBK (what Windows Installer reads on a Chinese PC, not UTF-8), and
    a downgrade is refused in Chinese."""
    properties = {row["Property"]: row["Value"] for row in table(signed, "Property")}
    assert properties["ProductName"] == "窗口工作台"
    assert properties["Manufacturer"] == "窗口工作台项目组"
    assert properties["ProductLanguage"] == "2052"
    [feature] = table(signed, "Feature")
    assert feature["Title"] == "窗口工作台"
    [condition] = table(signed, "LaunchCondition")
    assert condition["Description"] == "已安装更新版本的[ProductName]，不能安装旧版本。"
    assert run("msiinfo", "export", signed, "_ForceCodepage", check=True).stdout.split()[0] == "936"
    raw = signed.read_bytes()
    assert "窗口工作台项目组".encode("gbk") in raw and "窗口工作台项目组".encode() not in raw


def test_per_machine_and_a_new_version_replaces_the_old(signed, standin_payload, tmp_path):
    properties = {row["Property"]: row["Value"] for row in table(signed, "Property")}
    assert properties["ALLUSERS"] == "1"
    assert properties["UpgradeCode"] == msi.UPGRADE_CODE
    assert properties["ProductVersion"] == "0.1.0"
    upgrades = table(signed, "Upgrade")
    assert {row["ActionProperty"] for row in upgrades} == {"WIX_UPGRADE_DETECTED", "WIX_DOWNGRADE_DETECTED"}
    assert all(row["UpgradeCode"] == msi.UPGRADE_CODE for row in upgrades)
    actions = {row["Action"] for row in table(signed, "InstallExecuteSequence")}
    assert {"FindRelatedProducts", "RemoveExistingProducts"} <= actions
    assert any("WIX_DOWNGRADE_DETECTED" in row["Condition"] for row in table(signed, "LaunchCondition"))
    newer = msi.build(standin_payload, tmp_path, "0.2.0", log=lambda line: None)
    newer_properties = {row["Property"]: row["Value"] for row in table(newer, "Property")}
    assert newer_properties["UpgradeCode"] == msi.UPGRADE_CODE
    assert newer_properties["ProductCode"] != properties["ProductCode"]
    assert newer_properties["ProductVersion"] == "0.2.0"


def test_config_file_is_not_the_packages(signed):
    """The program's config lives in the user's folder; the package neither installs nor
    removes anything there, so upgrades and uninstalls keep it."""
    exported = "\n".join(run("msiinfo", "export", signed, name).stdout
                         for name in ("File", "RemoveFile", "CreateFolder", "Registry", "Directory"))
    assert "config.toml" not in exported and "AppData" not in exported
    assert [row["DirProperty"] for row in table(signed, "RemoveFile")] == ["ProgramMenuDir"]


def test_signature_verifies(signed, test_ca):
    assert "Signature verification: ok" in msi.verify(signed, test_ca.ca)
    result = run("osslsigncode", "verify", "-CAfile", test_ca.ca, "-in", signed)
    assert result.returncode == 0, result.stdout


def test_signed_with_pem_files_too(standin_payload, test_ca, tmp_path):
    package = msi.build(standin_payload, tmp_path, "0.1.0", log=lambda line: None,
                        cert=test_ca.cert, key=test_ca.key, ca=test_ca.ca)
    assert package.name == "counter-workstation-0.1.0-x64.msi"


def test_tampered_msi_fails(signed, test_ca, tmp_path):
    edited = tmp_path / "edited.msi"
    shutil.copy2(signed, edited)
    run("msibuild", edited, "-q", "UPDATE Property SET Value='Someone Else' WHERE Property='Manufacturer'", check=True)
    with pytest.raises(msi.MsiError, match="verification failed"):
        msi.verify(edited, test_ca.ca)
    flipped = tmp_path / "flipped.msi"
    data = bytearray(signed.read_bytes())
    data[len(data) // 2] ^= 0x01
    flipped.write_bytes(data)
    with pytest.raises(msi.MsiError, match="verification failed"):
        msi.verify(flipped, test_ca.ca)


def test_signature_by_another_ca_fails(signed, other_ca):
    with pytest.raises(msi.MsiError, match="verification failed"):
        msi.verify(signed, other_ca.ca)


def test_wxs_generation_rules(standin_payload, tmp_path):
    assert msi.msi_version("0.1.0") == "0.1.0" and msi.msi_version("1.2rc1") == "1.2.0"
    source = msi.write_wxs(standin_payload, "0.1.0", tmp_path / "a.wxs")
    again = msi.write_wxs(standin_payload, "0.1.0", tmp_path / "b.wxs")
    assert source.read_text() == again.read_text()  # stable ids and component GUIDs
    odd = tmp_path / "odd"
    shutil.copytree(standin_payload, odd)
    (odd / "说明.txt").write_text("x")
    with pytest.raises(msi.MsiError, match="ASCII"):
        msi.write_wxs(odd, "0.1.0", tmp_path / "c.wxs")
    with pytest.raises(msi.MsiError, match="missing"):
        msi.write_wxs(tmp_path, "0.1.0", tmp_path / "d.wxs")
