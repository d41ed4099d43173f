"""The Windows installer (MSI) of the counter workstation, built on Linux with msitools' wixl
and signed with osslsigncode (Authenticode).

    python -m installers.msi wxs PAYLOAD --out counter-workstation.wxs
    python -m installers.msi build PAYLOAD [--out dist] [--pkcs12 FILE --password-file FILE |
                                           --cert FILE --key FILE] [--ca FILE] [--timestamp URL]
    python -m installers.msi verify MSI --ca FILE

PAYLOAD is the PyInstaller folder made on Windows (installers/bundle.py: counter-workstation.exe,
counter-workstation-cli.exe, _internal/). The package installs per machine under
Program Files\\Counter Workstation with a Start-menu shortcut. Its UpgradeCode never changes,
so installing a new version removes the old one first (MajorUpgrade); a downgrade is
refused. The program keeps config, data and logs in the user's own folders
(%LOCALAPPDATA%\\counter-workstation), which the package never touches, so the config file
stays as it is over upgrades and uninstalls.

wixl 0.101 takes a subset of WiX v3 and no UI elements: the package installs silently with
the default folder (msiexec /i … /qn, or double-click: a progress bar only). wixl writes
ASCII only into its tables (it crashes on other text with codepage 1252, and drops it with
936), so the package is built with ASCII names and then made Chinese with msitools'
msibuild (`localise`): the database's codepage becomes 936 (GBK, which Windows Installer
uses for zh-CN) and the names a user sees — the product in 程序和功能, the Start-menu
folder and shortcut, the feature, the downgrade message — are set in Chinese; the language
is 2052 (zh-CN). Folder and file names under Program Files stay ASCII, for IT's scripts.
"""

from __future__ import annotations

import argparse
import hashlib
import os
import re
import shutil
import subprocess
import sys
import uuid
from pathlib import Path
from xml.etree import ElementTree as ET

from installers import bundle

NAME = bundle.NAME
PRODUCT = "Counter Workstation"
MANUFACTURER = "Counter Workstation project"
# Never change: Windows Installer recognises every version of the product by it.
UPGRADE_CODE = "{3C2F1B6E-8E0A-4F7B-9B43-6A1D2C5E7F90}"
# Namespace of the component GUIDs, derived from the file's path in the install folder.
COMPONENT_NAMESPACE = uuid.UUID("9a4d3f3e-5c1b-4c8e-a7d2-1f0b6e9c2d47")
REGISTRY_KEY = r"Software\counter-workstation"
# What a Chinese user sees (the Linux .desktop file says the same: Name[zh_CN]).
PRODUCT_ZH = "窗口工作台"
MANUFACTURER_ZH = "窗口工作台项目组"
SHORTCUT_ZH = "窗口工作台"
DESCRIPTION_ZH = "政务服务中心窗口工作台：叫号、受理、材料核验"
DOWNGRADE_ZH = "已安装更新版本的[ProductName]，不能安装旧版本。"
LANGUAGE = "2052"  # zh-CN
CODEPAGE = "936"  # GBK: the ANSI code page of zh-CN Windows
WIX = "http://schemas.microsoft.com/wix/2006/wi"


class MsiError(RuntimeError):
    pass


def _id(prefix: str, text: str) -> str:
    """A table key: at most 72 characters, letters, digits, dots and underscores."""
    return f"{prefix}{hashlib.sha1(text.encode('utf-8')).hexdigest()[:24]}"


def _guid(relative: str) -> str:
    return "{" + str(uuid.uuid5(COMPONENT_NAMESPACE, relative.lower())).upper() + "}"


def msi_version(version: str) -> str:
    """Windows Installer's major.minor.build, numbers only: 0.1.0rc1 → 0.1.0, 1.2 → 1.2.0."""
    numbers = [int(re.match(r"\d*", part).group() or 0) for part in version.split(".")[:3]]
    return ".".join(str(number) for number in numbers + [0] * (3 - len(numbers)))


def _sub(parent: ET.Element, tag: str, **attributes: str) -> ET.Element:
    return ET.SubElement(parent, f"{{{WIX}}}{tag}", attributes)


def wxs(payload: Path, version: str, base: Path) -> ET.ElementTree:
    """The WiX source installing every file of `payload`, one component per file; file
    sources are relative to `base`, the folder of the .wxs (wixl takes no absolute ones)."""
    program = payload / f"{NAME}.exe"
    if not program.is_file():
        raise MsiError(f"{program} is missing: PAYLOAD must be the PyInstaller folder built on Windows")
    ET.register_namespace("", WIX)
    root = ET.Element(f"{{{WIX}}}Wix")
    product = _sub(root, "Product", Id="*", Name=PRODUCT, Language=LANGUAGE, Codepage="1252",
                   Version=msi_version(version), Manufacturer=MANUFACTURER, UpgradeCode=UPGRADE_CODE)
    _sub(product, "Package", InstallerVersion="500", Compressed="yes", InstallScope="perMachine",
         SummaryCodepage="1252", Description=f"{PRODUCT} {version}",
         Comments="Counter workstation of a government service hall")
    _sub(product, "MajorUpgrade", DowngradeErrorMessage="A newer version of [ProductName] is already installed.")
    _sub(product, "Media", Id="1", Cabinet="payload.cab", EmbedCab="yes")
    _sub(product, "Property", Id="ARPNOMODIFY", Value="1")

    target = _sub(product, "Directory", Id="TARGETDIR", Name="SourceDir")
    program_files = _sub(target, "Directory", Id="ProgramFiles64Folder")
    install = _sub(program_files, "Directory", Id="INSTALLFOLDER", Name=PRODUCT)
    menu = _sub(_sub(target, "Directory", Id="ProgramMenuFolder"), "Directory", Id="ProgramMenuDir", Name=PRODUCT)
    feature = _sub(product, "Feature", Id="Main", Title=PRODUCT, Level="1")

    folders = {Path("."): install}
    for path in sorted(payload.rglob("*")):
        relative = path.relative_to(payload)
        text = relative.as_posix()
        if not text.isascii():
            raise MsiError(f"{text}: wixl takes ASCII names only")
        parent = folders[relative.parent]
        if path.is_dir():
            folders[relative] = _sub(parent, "Directory", Id=_id("d", text), Name=path.name)
            continue
        component = _sub(parent, "Component", Id=_id("c", text), Guid=_guid(text), Win64="yes")
        _sub(component, "File", Id=_id("f", text), Name=path.name, Source=Path(os.path.relpath(path.resolve(), base.resolve())).as_posix(), KeyPath="yes")
        _sub(feature, "ComponentRef", Id=component.get("Id"))

    shortcut = _sub(menu, "Component", Id="StartMenuShortcut", Guid=_guid("start menu shortcut"), Win64="yes")
    _sub(shortcut, "Shortcut", Id="ProgramShortcut", Name=PRODUCT, Description="Counter workstation",
         Target=f"[INSTALLFOLDER]{program.name}", WorkingDirectory="INSTALLFOLDER")
    _sub(shortcut, "RemoveFolder", Id="RemoveProgramMenuDir", On="uninstall")
    _sub(shortcut, "RegistryValue", Root="HKLM", Key=REGISTRY_KEY, Name="StartMenuShortcut", Type="integer",
         Value="1", KeyPath="yes")
    _sub(feature, "ComponentRef", Id="StartMenuShortcut")
    ET.indent(root)
    return ET.ElementTree(root)


def write_wxs(payload: Path, version: str, target: Path) -> Path:
    target.parent.mkdir(parents=True, exist_ok=True)
    wxs(payload, version, target.parent).write(target, encoding="utf-8", xml_declaration=True)
    return target


def _sql_text(value: str) -> str:
    if "'" in value:
        raise MsiError(f"{value!r}: no quotes in MSI text")
    return f"'{value}'"


def _msibuild(msi: Path, *arguments: str) -> None:
    result = subprocess.run(["msibuild", str(msi), *arguments], capture_output=True, text=True)
    if result.returncode != 0:
        raise MsiError(f"msibuild {' '.join(arguments[:1])} failed ({result.returncode}): "
                       f"{result.stderr.strip() or result.stdout.strip()}")


def _package_code(msi: Path) -> str:
    result = subprocess.run(["msiinfo", "suminfo", str(msi)], capture_output=True, text=True)
    found = re.search(r"Revision number \(UUID\): (\{[0-9A-F-]+\})", result.stdout)
    if result.returncode != 0 or not found:
        raise MsiError(f"msiinfo suminfo gave no package code: {result.stderr.strip()}")
    return found.group(1)


def localise(msi: Path, version: str) -> Path:
    """The names a user sees in Chinese (see the module's docstring): codepage 936 first,
    so that msibuild stores the text as GBK, then the rows. Short|long file names keep an
    ASCII 8.3 name for the Start-menu folder and shortcut."""
    codepage = msi.parent / "_ForceCodepage.idt"
    codepage.write_bytes(f"\r\n\r\n{CODEPAGE}\t_ForceCodepage\r\n".encode("ascii"))
    try:
        _msibuild(msi, "-i", str(codepage))
    finally:
        codepage.unlink()
    updates = [
        ("Property", "Value", PRODUCT_ZH, "Property", "ProductName"),
        ("Property", "Value", MANUFACTURER_ZH, "Property", "Manufacturer"),
        ("Directory", "DefaultDir", f"CWSTN|{PRODUCT_ZH}", "Directory", "ProgramMenuDir"),
        ("Shortcut", "Name", f"CWSTN|{SHORTCUT_ZH}", "Shortcut", "ProgramShortcut"),
        ("Shortcut", "Description", DESCRIPTION_ZH, "Shortcut", "ProgramShortcut"),
        ("Feature", "Title", PRODUCT_ZH, "Feature", "Main"),
        ("LaunchCondition", "Description", DOWNGRADE_ZH, "Condition", "NOT WIX_DOWNGRADE_DETECTED"),
    ]
    for table, column, value, key, row in updates:
        _msibuild(msi, "-q", f"UPDATE `{table}` SET `{column}` = {_sql_text(value)} "
                             f"WHERE `{key}` = {_sql_text(row)}")
    # The summary's strings stay ASCII (its own code page is 1252); its template names the language.
    _msibuild(msi, "-s", f"{PRODUCT} {version}", MANUFACTURER, f"x64;{LANGUAGE}", _package_code(msi))
    return msi


def wixl(source: Path, msi: Path) -> Path:
    result = subprocess.run(["wixl", "--arch", "x64", "--output", str(msi), str(source)],
                            capture_output=True, text=True)
    if result.returncode != 0 or not msi.is_file():
        raise MsiError(f"wixl failed ({result.returncode}): {result.stderr.strip()}")
    return msi


def sign(msi: Path, signed: Path, *, pkcs12: Path | None = None, password_file: Path | None = None,
         cert: Path | None = None, key: Path | None = None, timestamp: str | None = None) -> Path:
    """Authenticode signature (SHA-256) with osslsigncode; `timestamp` is an RFC 3161 server."""
    if pkcs12:
        credentials = ["-pkcs12", str(pkcs12)] + (["-readpass", str(password_file)] if password_file else [])
    elif cert and key:
        credentials = ["-certs", str(cert), "-key", str(key)]
    else:
        raise MsiError("signing needs --pkcs12, or --cert and --key")
    command = ["osslsigncode", "sign", *credentials, "-h", "sha256", "-n", PRODUCT,
               *(["-ts", timestamp] if timestamp else []), "-in", str(msi), "-out", str(signed)]
    if signed.exists():
        signed.unlink()
    result = subprocess.run(command, capture_output=True, text=True)
    if result.returncode != 0:
        raise MsiError(f"osslsigncode sign failed: {result.stdout.strip()} {result.stderr.strip()}")
    return signed


def verify(msi: Path, ca: Path) -> str:
    """osslsigncode's verification against the CA certificate(s) in `ca`; MsiError if it fails."""
    result = subprocess.run(["osslsigncode", "verify", "-CAfile", str(ca), "-in", str(msi)],
                            capture_output=True, text=True)
    if result.returncode != 0 or "Signature verification: ok" not in result.stdout:
        raise MsiError(f"{msi.name}: signature verification failed:\n{result.stdout}{result.stderr}")
    return result.stdout


def build(payload: Path, out: Path, version: str, log=print, **signing) -> Path:
    """wxs → wixl → (signed) MSI in `out`; returns the MSI."""
    out.mkdir(parents=True, exist_ok=True)
    stem = f"{NAME}-{version}-x64"
    source = write_wxs(payload, version, out / f"{stem}.wxs")
    unsigned = localise(wixl(source, out / f"{stem}-unsigned.msi"), version)
    ca = signing.pop("ca", None)
    if not any(signing.get(k) for k in ("pkcs12", "cert")):
        log(f"msi: {unsigned} (not signed)")
        return unsigned
    msi = sign(unsigned, out / f"{stem}.msi", **signing)
    unsigned.unlink()
    if ca:
        verify(msi, ca)
        log(f"msi: signature verified against {ca}")
    log(f"msi: {msi} ({msi.stat().st_size / 1e6:.1f} MB)")
    return msi


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    commands = parser.add_subparsers(dest="command", required=True)
    source = commands.add_parser("wxs", help="write the WiX source for a payload folder")
    source.add_argument("payload", type=Path)
    source.add_argument("--out", type=Path, required=True)
    source.add_argument("--version", default=None)
    make = commands.add_parser("build", help="wxs, wixl, osslsigncode")
    make.add_argument("payload", type=Path)
    make.add_argument("--out", type=Path, default=bundle.REPO / "dist")
    make.add_argument("--version", default=None, help="default: the program's version")
    make.add_argument("--pkcs12", type=Path, help="code-signing certificate and key (PKCS#12)")
    make.add_argument("--password-file", type=Path, help="the PKCS#12 file's password")
    make.add_argument("--cert", type=Path, help="code-signing certificate chain (PEM), with --key")
    make.add_argument("--key", type=Path, help="its private key (PEM)")
    make.add_argument("--ca", type=Path, help="verify the signed MSI against this CA certificate (PEM)")
    make.add_argument("--timestamp", metavar="URL", help="RFC 3161 time-stamping server")
    check = commands.add_parser("verify", help="check an MSI's Authenticode signature")
    check.add_argument("msi", type=Path)
    check.add_argument("--ca", type=Path, required=True)
    args = parser.parse_args(argv)
    try:
        if args.command == "verify":
            print(verify(args.msi, args.ca).strip())
        else:
            version = args.version or bundle.version()
            if args.command == "wxs":
                print(write_wxs(args.payload, version, args.out))
            else:
                if not shutil.which("wixl"):
                    raise MsiError("wixl is not installed (Debian: apt-get install wixl)")
                build(args.payload, args.out, version, pkcs12=args.pkcs12, password_file=args.password_file,
                      cert=args.cert, key=args.key, ca=args.ca, timestamp=args.timestamp)
    except MsiError as exc:
        print(f"msi: {exc}", file=sys.stderr)
        return 1
    return 0


if __name__ == "__main__":
    sys.exit(main())
