"""The workstation's use cases at start: connect to the hall, enrol, log in, sync.

Every method here may wait on the network or the disk; front ends call them off their
GUI thread (ui/tasks.py) and hear back through the hub."""

from __future__ import annotations

import json
import logging
import socket
from dataclasses import dataclass
from enum import StrEnum
from typing import TYPE_CHECKING

from workstation.app.hub import Hub
from workstation.config import Settings
from workstation.embedded import EmbeddedHall
from workstation.paths import Paths
from workstation.sync.errors import HallRefused, HallUnreachable, HallUntrusted
from workstation.sync.status import SyncStatus

if TYPE_CHECKING:  # the heavy modules load in `connect`, off the GUI thread, after the window shows
    from workstation.credentials import CredentialStore, DeviceCredential
    from workstation.store.local import LocalStore
    from workstation.sync.client import HallClient
    from workstation.sync.engine import SyncEngine

HALL = "hall"  # workstation.protocol.reference.ReferenceKind.HALL

log = logging.getLogger(__name__)

STATUS = "status"  # SyncStatus
SERVER_EVENT = "server_event"  # protocol Event
SESSION_ENDED = "session_ended"  # HallRefused: the server refused the person's session (401)
OFFLINE_FAILURES = "offline_login_failures"  # store state: times of wrong offline passwords
OFFLINE_MAX_FAILURES = 5
OFFLINE_LOCK_SECONDS = 15 * 60


class Stage(StrEnum):
    NEEDS_ENROLMENT = "needs_enrolment"
    READY = "ready"


@dataclass(frozen=True)
class Connection:
    url: str
    embedded: bool
    stage: Stage
    online: bool
    hall_name: str | None
    window: int | None
    keyring_persistent: bool
    # Why the hall is offline when its server did not prove it is the hall's (TLS).
    untrusted: str | None = None
    # False where the PC has no OS keyring to keep the local store's key in.
    store_encrypted: bool = True
    # The local store found encrypted with a key the keyring no longer has: where it was
    # moved, unread, and how many of its records had not reached the hall.
    store_set_aside: str | None = None
    store_unsent_lost: int = 0
    # The hall's words when an admin revoked this PC (now or at an earlier start): nothing
    # is sent to the hall, the records waiting stay here, nobody logs in. None: not revoked.
    revoked: str | None = None


@dataclass(frozen=True)
class Clerk:
    username: str
    display_name: str
    role: str
    online: bool  # False: logged in against the cached credential while the hall was unreachable


class LoginFailed(RuntimeError):
    """`locked_for`: seconds the server will refuse this account or PC after too many
    failed logins (None: a plain refusal). `revoked`: an admin revoked this PC."""

    def __init__(self, message: str, locked_for: float | None = None, revoked: bool = False) -> None:
        super().__init__(message)
        self.locked_for = locked_for
        self.revoked = revoked


class EnrolmentFailed(RuntimeError):
    pass


def _offline_hasher():
    from argon2 import PasswordHasher

    return PasswordHasher()


class Workstation:
    def __init__(self, settings: Settings, paths: Paths, hub: Hub | None = None,
                 kind: str = "workstation") -> None:
        self.settings = settings
        self.kind = kind  # workstation, kiosk or display: what this PC enrols as
        self.paths = paths
        self.hub = hub or Hub()
        self.store: LocalStore | None = None
        self.embedded: EmbeddedHall | None = None
        self.url: str | None = None
        self.credentials: CredentialStore | None = None
        self.device: DeviceCredential | None = None
        self.sync: SyncEngine | None = None
        self.clerk: Clerk | None = None
        self._hall_name: str | None = None
        self._guide = None
        self._card_reading = None
        self._rating = None
        self._documents = None
        self._purger = None

    def _client(self, token: str | None = None) -> HallClient:
        from workstation.sync.client import HallClient

        assert self.url is not None
        return HallClient(self.url, token, self.settings.server.timeout)

    def connect(self) -> Connection:
        """Open the local store, reach the hall (starting the embedded one if none is
        configured), and enrol automatically where the embedded hall allows it."""
        from workstation.config import check_transport
        from workstation.credentials import CredentialStore
        from workstation.store.local import LocalStore
        from workstation.sync.client import trust

        if not self.settings.embedded:
            check_transport(self.settings.server)  # InsecureServer, before anything is sent
        self.paths.ensure()
        self.store = LocalStore(self.paths.store_file)
        if not self.store.encrypted:
            log.warning("no usable OS keyring: applicants' data in the local store is kept unencrypted")
        self._start_purge()
        if self.settings.embedded:
            self.embedded = EmbeddedHall(kind=self.kind)
            self.embedded.start()
            self.url = self.embedded.wait_ready()
        else:
            self.url = self.settings.server.url.rstrip("/")
            trust(self.url, self.settings.server.ca_file or None)
        self.credentials = CredentialStore(self.url, self.kind)
        self.device = self.credentials.device()
        online = True
        untrusted = None
        client = self._client()
        try:
            if self.device is not None:
                try:
                    client.me(self.device.token)
                except HallRefused as exc:
                    if exc.device_revoked:
                        # Kept (its records waiting name it), and told: the sync notes it and sends nothing.
                        log.error("this PC was revoked by an administrator: %s", exc.detail)
                        self._note_revoked(exc.detail)
                    elif exc.status == 401:  # from another hall database (or revoked by an older server)
                        log.warning("device token refused, enrolment needed: %s", exc.detail)
                        self.credentials.forget_device()
                        self.device = None
            if self.device is None and self.embedded is not None:
                self._enrol_with(client, self.embedded.bootstrap_code)
            elif self.device is None:
                client.health()  # reachable, and (over HTTPS) the hall's, before a code is typed
        except HallUnreachable as exc:
            online = False
            if isinstance(exc, HallUntrusted):
                log.error("%s", exc)
                untrusted = str(exc)
        finally:
            client.close()
        if self.device is not None and self.kind == "workstation":
            self._start_sync()
        return Connection(url=self.url, embedded=self.embedded is not None,
                          stage=Stage.READY if self.device else Stage.NEEDS_ENROLMENT,
                          online=online, hall_name=self.hall_name(),
                          window=self.device.window if self.device else None,
                          keyring_persistent=self.credentials.persistent, untrusted=untrusted,
                          store_encrypted=self.store.encrypted,
                          store_set_aside=str(self.store.set_aside.path) if self.store.set_aside else None,
                          store_unsent_lost=self.store.set_aside.unsent if self.store.set_aside else 0,
                          revoked=self.revoked() if self.device else None)

    def revoked(self) -> str | None:
        """The hall's words if it said an admin revoked this PC (kept in the local store until
        the PC is enrolled again), else None."""
        from workstation.sync.engine import REVOKED_STATE

        return (self.store.get_state(REVOKED_STATE) or None) if self.store is not None else None

    def _note_revoked(self, detail: str) -> None:
        from workstation.sync.engine import REVOKED_STATE

        assert self.store is not None
        self.store.set_state(REVOKED_STATE, detail or "revoked")

    def _start_purge(self) -> None:
        """Applicants' data the hall has confirmed leaves this PC after [privacy] keep_days,
        on a thread of its own (workstation.store.purge)."""
        from workstation.store.purge import Purger

        if self._purger is not None:
            self._purger.stop()
        self._purger = Purger(self.store, self.settings.privacy.keep_days)
        self._purger.start()

    def connection_hall_name(self) -> str | None:
        """The hall's name as last read by `connect` or `hall` (no I/O)."""
        return self._hall_name

    def hall_name(self) -> str | None:
        if self.store is None:
            return None
        hall = self.hall()
        return hall["name"] if hall else None

    def hall(self) -> dict | None:
        halls = self.store.reference_values(HALL) if self.store else []
        if halls:
            self._hall_name = halls[0].get("name")
        return halls[0] if halls else None

    def enrol(self, code: str, name: str | None = None) -> DeviceCredential:
        client = self._client()
        try:
            self._enrol_with(client, code, name)
        except HallRefused as exc:
            raise EnrolmentFailed(exc.detail) from exc
        finally:
            client.close()
        if self.kind == "workstation":
            self._start_sync()
        assert self.device is not None
        return self.device

    def _enrol_with(self, client: HallClient, code: str, name: str | None = None) -> None:
        answer = client.enrol(code, name or socket.gethostname() or "workstation")
        if answer.kind.value != self.kind:
            # The code was made for another kind of device; this one stays unenrolled.
            raise HallRefused(403, f"this code enrols a {answer.kind.value}, not a {self.kind}")
        from workstation.credentials import DeviceCredential

        self.device = DeviceCredential(device_id=answer.device_id, token=answer.token,
                                       kind=answer.kind.value, window=answer.window)
        assert self.credentials is not None
        self.credentials.save_device(self.device)
        if self.store is not None and self.revoked():
            # Enrolled again by IT after a revocation: a new token, the outbox goes with it.
            from workstation.sync.engine import REVOKED_STATE

            log.warning("enrolled again after a revocation: syncing with the new token")
            self.store.set_state(REVOKED_STATE, "")
            if self.sync is not None:
                self.sync.stop()
                self.sync = None

    def _start_sync(self) -> None:
        from workstation.sync.engine import SyncEngine

        assert self.store is not None and self.device is not None and self.url is not None
        if self.sync is not None:
            return
        self.sync = SyncEngine(self.store, self.url, self.device.token, self.settings.sync,
                               self.settings.server.timeout,
                               on_status=lambda status: self.hub.emit(STATUS, status),
                               on_event=lambda event: self.hub.emit(SERVER_EVENT, event))
        self.sync.start()

    def guide(self):
        """The guide desk over this workstation's local store (after `connect`)."""
        from workstation.app.guide import GuideDesk

        assert self.store is not None
        if self._guide is None:
            self._guide = GuideDesk(self.store)
        return self._guide

    def documents(self):
        """The document desk (after enrolment): the hall's seal from [documents] signing_p12
        and the keyring, or the demo hall's own certificate when running embedded."""
        if self._documents is None:
            from workstation.app.card_reading import AuditTrail
            from workstation.app.documents import DocumentDesk, hall_seal
            from workstation.credentials import hall_signing_password

            assert self.store is not None and self.device is not None
            seal = hall_seal(self.settings.documents.signing_p12, hall_signing_password,
                             demo_folder=self.paths.data_dir / "pki" if self.embedded else None,
                             seal_image=self.settings.documents.seal_image)
            if seal.note:
                log.warning("the hall's seal on documents: %s", seal.note)
            self._documents = DocumentDesk(self.store, self.hall, seal, AuditTrail(self.store, self.device.device_id))
        return self._documents

    def rating(self):
        """The rating desk over this workstation's local store (after `connect`)."""
        from workstation.app.rating import RatingDesk

        assert self.store is not None
        if self._rating is None:
            self._rating = RatingDesk(self.store)
        return self._rating

    def card_reading(self):
        """The card-reading use case for the configured reader, or None when the window has
        none (no [card] section). Opening the device happens at the first read."""
        if not self.settings.card or self.store is None or self.device is None:
            return None
        if self._card_reading is None:
            from workstation.app.card_reading import CardReading
            from workstation.devices.idcard import ReaderSettings, create_reader

            reader_settings = ReaderSettings.from_mapping(self.settings.card)
            reader = create_reader(reader_settings)
            trust = getattr(reader, "set_trust_list", None)
            if trust is not None:          # passports: the CSCAs for Passive Authentication
                trust(self.settings.passport.csca_file or None)
            self._card_reading = CardReading(self.store, reader,
                                             self.device.device_id, backend=reader_settings.backend,
                                             warn_days=reader_settings.expiry_warning_days)
        return self._card_reading

    def status(self) -> SyncStatus | None:
        return self.sync.status() if self.sync else None

    def login(self, username: str, password: str) -> Clerk:
        """Log in at the hall server; while it is unreachable, against the credential
        cached at this PC's last online login of the same person."""
        assert self.device is not None and self.store is not None and self.credentials is not None
        revoked = self.revoked()
        if revoked:  # not even offline: the hall said so, and this PC may be in the wrong hands
            raise LoginFailed(revoked, revoked=True)
        client = self._client(self.device.token)
        try:
            answer = client.login(username, password)
        except HallRefused as exc:
            if exc.device_revoked:
                self._note_revoked(exc.detail)
                raise LoginFailed(exc.detail, revoked=True) from exc
            raise LoginFailed(exc.detail, exc.retry_after if exc.status == 429 else None) from exc
        except HallUnreachable:
            return self._login_offline(username, password)
        finally:
            client.close()
        from workstation.sync.client import watch_session

        self.credentials.save_session(answer.token)
        # Any client's 401 on this session (unused too long, ended, account disabled) sends
        # the person back to the login window, told why.
        watch_session(answer.token, lambda refusal: self.hub.emit(SESSION_ENDED, refusal))
        self.store.set_state(f"login:{username}", json.dumps({
            "hash": _offline_hasher().hash(password), "display_name": answer.display_name,
            "role": answer.role.value}))
        self.clerk = Clerk(answer.username, answer.display_name, answer.role.value, online=True)
        return self.clerk

    def _login_offline(self, username: str, password: str) -> Clerk:
        """Against the hash cached at the last online login. The hall's lockout cannot
        count these, so this PC counts them itself: OFFLINE_MAX_FAILURES wrong passwords in
        OFFLINE_LOCK_SECONDS lock offline logins here for that long."""
        import time

        assert self.store is not None
        now = time.time()
        failures = [t for t in json.loads(self.store.get_state(OFFLINE_FAILURES) or "[]")
                    if now - t < OFFLINE_LOCK_SECONDS]
        if len(failures) >= OFFLINE_MAX_FAILURES:
            raise LoginFailed("too many failed logins at this PC while the hall is unreachable",
                              locked_for=OFFLINE_LOCK_SECONDS - (now - failures[-OFFLINE_MAX_FAILURES]))
        cached = self.store.get_state(f"login:{username}")
        if cached:
            entry = json.loads(cached)
            from argon2.exceptions import InvalidHashError, VerificationError

            try:
                _offline_hasher().verify(entry["hash"], password)
            except (VerificationError, InvalidHashError):
                failures.append(now)
                self.store.set_state(OFFLINE_FAILURES, json.dumps(failures))
                log.warning("offline login of %r failed (%d of %d)", username, len(failures),
                            OFFLINE_MAX_FAILURES)
                raise LoginFailed("wrong username or password") from None
            self.store.set_state(OFFLINE_FAILURES, "[]")
            self.clerk = Clerk(username, entry["display_name"], entry["role"], online=False)
            return self.clerk
        raise LoginFailed("the hall server is unreachable and this person has not logged in here before")

    def check_password(self, password: str) -> None:
        """The logged-in person's password, to open their locked screen: checked against
        the hash kept at their login here (no network); LoginFailed if it is wrong."""
        from argon2.exceptions import InvalidHashError, VerificationError

        assert self.store is not None
        cached = self.store.get_state(f"login:{self.clerk.username}") if self.clerk else None
        if not cached:
            raise LoginFailed("nobody is logged in here")
        try:
            _offline_hasher().verify(json.loads(cached)["hash"], password)
        except (VerificationError, InvalidHashError):
            raise LoginFailed("wrong password") from None

    def logout(self) -> None:
        assert self.credentials is not None
        token = self.credentials.session_token()
        self.credentials.save_session(None)
        self.clerk = None
        if token:
            from workstation.sync.client import watch_session

            watch_session(token, None)
            client = self._client()
            try:
                client.logout(token)
            except (HallUnreachable, HallRefused):
                pass  # the session expires on the server by itself
            finally:
                client.close()

    def record(self, kind: str, payload: dict) -> None:
        """Save a record for the hall: locally at once, uploaded when the hall is reachable."""
        assert self.store is not None
        self.store.add_record(kind, payload)

    def shutdown(self) -> None:
        if self._card_reading is not None:
            self._card_reading.close()
        if self.sync is not None:
            self.sync.stop()
        if self._purger is not None:
            self._purger.stop()
        if self.embedded is not None:
            self.embedded.stop()
        if self.store is not None:
            self.store.close()
