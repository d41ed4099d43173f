"""The device token and the clerk's session, kept in the OS keyring (keyring).

Never in a plain-text file: where the OS offers no keyring (a bare Linux PC without a
Secret Service), the secrets live in memory for this run only and `persistent` says so,
so the screen can tell IT why the PC must be enrolled again after a restart."""

from __future__ import annotations

import json
import logging
from dataclasses import asdict, dataclass

import keyring
import keyring.backends.fail
from keyring.errors import KeyringError

log = logging.getLogger(__name__)

SERVICE = "counter-workstation"


@dataclass(frozen=True)
class DeviceCredential:
    device_id: str
    token: str
    kind: str
    window: int | None


def _unusable(backend) -> bool:
    # No keyring at all, or a file keyring (keyrings.alt): plain text, or a password asked on
    # a terminal that a counter PC's GUI would hang on.
    return (isinstance(backend, keyring.backends.fail.Keyring)
            or type(backend).__module__.startswith("keyrings.alt")
            or "Plaintext" in type(backend).__name__)


def _usable_backend() -> bool:
    backend = keyring.get_keyring()
    members = getattr(backend, "backends", None)
    members = list(members) if members is not None else [backend]
    return bool(members) and not any(_unusable(m) for m in members)


class CredentialStore:
    def __init__(self, server_url: str, kind: str = "workstation") -> None:
        self.server_url = server_url
        # A kiosk or display on the same PC as a workstation keeps a token of its own.
        self._device_name = "device" if kind == "workstation" else f"device-{kind}"
        self.persistent = _usable_backend()
        self._memory: dict[str, str] = {}
        if not self.persistent:
            log.warning("no usable OS keyring: the device token is kept in memory for this run only")

    def _get(self, name: str) -> str | None:
        key = f"{name}@{self.server_url}"
        if self.persistent:
            try:
                return keyring.get_password(SERVICE, key)
            except KeyringError as exc:
                log.warning("keyring read failed: %s", exc)
        return self._memory.get(key)

    def _set(self, name: str, value: str | None) -> None:
        key = f"{name}@{self.server_url}"
        if self.persistent:
            try:
                if value is None:
                    try:
                        keyring.delete_password(SERVICE, key)
                    except keyring.errors.PasswordDeleteError:
                        pass
                else:
                    keyring.set_password(SERVICE, key, value)
                return
            except KeyringError as exc:
                log.warning("keyring write failed, keeping it in memory: %s", exc)
        if value is None:
            self._memory.pop(key, None)
        else:
            self._memory[key] = value

    def device(self) -> DeviceCredential | None:
        raw = self._get(self._device_name)
        if not raw:
            return None
        try:
            return DeviceCredential(**json.loads(raw))
        except (ValueError, TypeError):
            return None

    def save_device(self, credential: DeviceCredential) -> None:
        self._set(self._device_name, json.dumps(asdict(credential)))

    def forget_device(self) -> None:
        self._set(self._device_name, None)
        self._set("session", None)

    def session_token(self) -> str | None:
        return self._get("session")

    def save_session(self, token: str | None) -> None:
        self._set("session", token)


def hall_signing_password(p12_path: str) -> str | None:
    """The password of the hall's signing certificate (a PKCS#12 file), from the keyring."""
    if not _usable_backend():
        return None
    try:
        return keyring.get_password(SERVICE, _signing_key(p12_path))
    except KeyringError as exc:
        log.warning("keyring read failed: %s", exc)
        return None


def save_hall_signing_password(p12_path: str, password: str) -> None:
    """Keep the signing certificate's password in the OS keyring; refused where there is
    none, since it must never be written to a file."""
    if not _usable_backend():
        raise KeyringError("this PC has no usable OS keyring (Windows Credential Manager, "
                           "macOS Keychain or a Secret Service such as GNOME Keyring)")
    keyring.set_password(SERVICE, _signing_key(p12_path), password)


def _signing_key(p12_path: str) -> str:
    import os

    return f"hall-signing@{os.path.realpath(os.path.expanduser(p12_path))}"


class StoreKeys:
    """The local store's encryption keys, in the OS keyring under the store key's id
    (`store-key:<id>`, service `counter-workstation`). `usable` is False where the OS
    offers no keyring: a key kept in memory would die with the process and take every
    unsent record with it, so the store is then written unencrypted and says so."""

    def __init__(self) -> None:
        self.usable = _usable_backend()

    def get(self, key_id: str) -> bytes | None:
        import base64

        if not self.usable:
            return None
        try:
            value = keyring.get_password(SERVICE, f"store-key:{key_id}")
        except KeyringError as exc:
            log.warning("keyring read failed: %s", exc)
            raise
        if not value:
            return None
        try:
            return base64.b64decode(value, validate=True)
        except ValueError:
            log.error("the keyring entry store-key:%s is not a key", key_id)
            return None

    def put(self, key_id: str, key: bytes) -> None:
        import base64

        keyring.set_password(SERVICE, f"store-key:{key_id}", base64.b64encode(key).decode("ascii"))
