"""The clerk's application: the start window, then the main window, the citizen screen
and the call panel wired to the core's use cases."""

from __future__ import annotations

import logging
from collections import deque
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer, Slot

from ui.citizen.citizen_screen import CitizenScreen
from ui.front import PersonFront, delete_widgets
from ui.tasks import run_in_background
from workstation.app.licences import lookup_from
from workstation.app.workstation import Clerk, Workstation
from workstation.clock import now as hall_now
from workstation.config import Settings
from workstation.sync.status import SyncStatus

if TYPE_CHECKING:  # the main window and the guide load after login, not before the login window
    from ui.clerk.main_window import MainWindow
    from workstation.app.guide import GuideSnapshot

log = logging.getLogger(__name__)


class ClerkApp(PersonFront):
    def __init__(self, workstation: Workstation, settings: Settings) -> None:
        super().__init__(workstation, settings)
        self.citizen = CitizenScreen()
        self.main_window: MainWindow | None = None
        self.last_case = None
        self.call_desk = None
        self._case_started = hall_now()
        self.idle_watch = None
        self.lock_window = None
        self._init_ratings()

    @Slot(object)
    def open_main(self, clerk: Clerk) -> None:
        from ui.clerk.main_window import MainWindow

        window = self.workstation.device.window if self.workstation.device else None
        self.main_window = MainWindow(clerk, self.workstation.connection_hall_name(), window)
        self.main_window.logout_requested.connect(self.logout)
        self.main_window.closed.connect(self._main_closed)
        self.main_window.citizen_screen_requested.connect(lambda: self.citizen.place("window"))
        self.main_window.materials.checklist_changed.connect(self.citizen.show_checklist)
        self.main_window.materials.decided.connect(self._decided)
        self.main_window.materials.bundle_decided.connect(self._bundle_decided)
        self._licences = lookup_from(self._licence_url(), self.settings.licences.timeout)
        self.main_window.materials.set_licence_service(self._licences is not None)
        self.main_window.materials.licences_requested.connect(self._look_up_licences)
        self.main_window.materials.consent_skipped.connect(self._consent_skipped)
        self.main_window.diagnostics_requested.connect(self.show_diagnostics)
        self.main_window.rating_requested.connect(self._rating_requested)
        from ui.clerk.document_flow import DocumentFlow

        self.documents = DocumentFlow(self.workstation, self.citizen, self.main_window.documents, self.main_window)
        # The applicant rates once their document is signed (or handed over to sign on paper).
        self.documents.issued.connect(lambda case, _issued: self.main_window and self.main_window.ask_for_rating(case))
        applicant = self.main_window.applicant
        applicant.applicant_shown.connect(self.citizen.show_applicant)
        self._held_number = ""
        self._held = None
        applicant.applicant_fields.changed.connect(self._applicant_changed)
        applicant.reader_state.connect(self.main_window.status.show_reader)
        try:
            reading = self.workstation.card_reading()
        except Exception as exc:  # a broken [card] section: the rest of the window still works
            log.error("card reader not available: %s", exc)
            reading = None
            self.main_window.status.show_reader(self.tr("Card reader: %1").replace("%1", str(exc)))
        applicant.set_reader(reading, clerk.username, window)
        self._open_case_panel(clerk, window, reading)
        self._open_call_panel(clerk)
        if self.call_desk is not None:
            self.main_window.call_panel.current_ticket_changed.connect(self._ticket_at_counter)
        if reading is not None:
            self.main_window.status.show_reader(self.tr("Card reader: %1").replace("%1", reading.backend))
            self._watch_reader(reading)
        self.bridge.status.connect(self.main_window.show_sync_status)
        self.main_window.show()
        self.start_window.hide()
        self._start_idle_lock(clerk)
        self.citizen.show_welcome(self.workstation.connection_hall_name(), None, window)
        self.citizen.place(self.settings.ui.citizen_screen)
        self._revision = -1
        run_in_background(self.workstation.status, self._first_status)
        run_in_background(self.workstation.hall, self._show_hall)

    def _watch_reader(self, reading) -> None:
        """Ask the reader how it is every few seconds (on its own worker, between reads), so
        the status bar notices it unplugged and plugged in again."""
        self._reader_timer = QTimer(self)

        def poll() -> None:
            def shown(status) -> None:
                if self.main_window is not None:
                    word = self.tr("ready") if status.ready else self.tr("not ready")
                    self.main_window.status.show_reader(
                        self.tr("Card reader: %1 (%2)").replace("%1", word).replace("%2", status.detail))

            run_in_background(reading.status, shown, lambda exc: log.info("reader status: %s", exc))

        self._reader_timer.timeout.connect(poll)
        self._reader_timer.start(5000)

    @Slot()
    def show_diagnostics(self):
        from ui.clerk.diagnostics import ReaderDiagnostics

        applicant = self.main_window.applicant
        dialog = ReaderDiagnostics(applicant.card_reading, self.settings.card, applicant.clerk,
                                   applicant.window, self.main_window)
        dialog.show()
        self.diagnostics = dialog
        return dialog

    def _open_case_panel(self, clerk: Clerk, window: int | None, reading) -> None:
        """The 办件 screen (ui/clerk/case_panel.py) over the CaseDesk, with the window's card
        reader; told of every sync status, so a step saved offline is reported once uploaded."""
        from workstation.app.cases import CaseDesk

        assert self.main_window is not None
        panel = self.main_window.cases
        try:
            desk = CaseDesk.for_workstation(self.workstation)
        except Exception as exc:  # the counter tab works without it
            log.error("cases after the counter not available: %s", exc)
            desk = None
        panel.set_desk(desk, reading, clerk.username, window)
        self.bridge.status.connect(panel.on_status)

    def _open_call_panel(self, clerk: Clerk) -> None:
        from ui.clerk.call_panel import CallPanel
        from workstation.app.queue_desk import QueueDesk
        from workstation.sync.errors import HallRefused

        assert self.main_window is not None
        try:
            desk = QueueDesk.for_workstation(self.workstation)
        except HallRefused:
            # Logged in against the cached credential: calling needs a session on the server.
            self.main_window.show_queue_message(self.tr(
                "Logged in while the hall server was unreachable: log in again when it is back "
                "to call tickets. Everything else works."))
            return
        panel = CallPanel(desk, self.settings.keys)
        fields = self.main_window.applicant
        panel.applicant = lambda: (fields.applicant_fields.number(), fields.phone.text().strip())
        self.bridge.server_event.connect(panel.on_server_event)
        panel.current_ticket_changed.connect(self.citizen.show_ticket)
        panel.pause_changed.connect(self.citizen.show_pause)
        self.main_window.set_call_panel(panel)
        self.call_desk = desk

    @Slot(object)
    def _first_status(self, status: SyncStatus | None) -> None:
        if status is not None:
            self.bridge.status.emit(status)

    def _reference_moved(self) -> None:
        # The hall's name and greeting, and the guide, come with reference data.
        super()._reference_moved()
        if self.main_window is not None:
            run_in_background(self.workstation.guide().load, self._show_guide, self._guide_failed)

    @Slot(object)
    def _show_guide(self, snapshot: GuideSnapshot) -> None:
        if self.main_window is not None:
            self.main_window.materials.set_snapshot(snapshot)

    @Slot(object)
    def _guide_failed(self, error: BaseException) -> None:
        log.error("the guide could not be loaded: %s", error, exc_info=error)
        if self.main_window is not None:
            self.main_window.materials.guide_failed(str(error) or type(error).__name__)

    def _save_decided(self, save, done) -> None:
        """A decision recorded at the counter (one case or a 一件事): the applicant's fields are
        checked, then `save(guide, snapshot=…, applicant=…, agent=…, clerk=…, window=…,
        device_id=…, applied_at=…, helper=…)` runs off the GUI thread and `done` gets its result."""
        window = self.main_window
        if window is None or window.materials.snapshot is None:
            return
        problems = window.applicant.problems()
        if problems:
            window.materials.result.setText("\n".join(problems))
            window.applicant.name.setFocus()
            return
        clerk, device = self.workstation.clerk, self.workstation.device
        context = dict(
            snapshot=window.materials.snapshot, applicant=window.applicant.applicant(),
            agent=window.applicant.agent(), helper=window.applicant.helped_by(),
            clerk={"username": clerk.username, "name": clerk.display_name} if clerk else {},
            window=device.window if device else None, device_id=device.device_id if device else "",
            applied_at=self._case_started)
        workstation = self.workstation
        run_in_background(lambda: save(workstation.guide(), **context), done, self._case_failed)

    @Slot(object, object, object)
    def _decided(self, item, evaluation, record) -> None:
        self._with_consent([(evaluation, record)], lambda consent: self._save_decided(
            lambda guide, **context: guide.save_case(item=item, evaluation=evaluation, record=record,
                                                     consent=consent, **context),
            lambda saved: self._case_saved(saved, consent)))

    # -- 材料复用: the applicant's consent before the case is saved, the hall's held materials
    # after the ID is known (workstation/app/held.py)

    def _held_desk(self):
        if self._held is None:
            from workstation.app.held import HeldDesk

            self._held = HeldDesk.for_workstation(self.workstation)
        return self._held

    @Slot()
    def _applicant_changed(self) -> None:
        """An ID number read from the card or typed and entered: ask the hall, off the GUI
        thread, what it holds of this applicant; an answer for an earlier number is dropped."""
        window = self.main_window
        if window is None:
            return
        fields = window.applicant.applicant_fields
        number = fields.number() if (fields.document is not None or fields.id_number.isReadOnly()) else ""
        if number == self._held_number:
            return
        self._held_number = number
        if not number:
            window.materials.clear_held()
            return
        try:
            desk = self._held_desk()
        except Exception as exc:  # no session with the hall (an offline login): paper, said plainly
            window.materials.held_problem(str(exc))
            return
        from workstation.app.guide import HALL_TIMEZONE

        def shown(held) -> None:
            if self.main_window is not None and self._held_number == number:
                self.main_window.materials.set_held(held, hall_now().astimezone(HALL_TIMEZONE).date())

        def failed(exc: BaseException) -> None:
            log.info("held materials not looked up: %s", exc)
            if self.main_window is not None and self._held_number == number:
                self.main_window.materials.held_problem(str(exc) or type(exc).__name__)

        run_in_background(lambda: desk.find(number), shown, failed)

    def _with_consent(self, decided, then) -> None:
        """Before an accepted case is saved: ask on the citizen screen whether the hall may
        keep what was received (the materials it would keep, once each); `then(consent)`
        gets the answer, or None when there was nothing to ask (nothing keepable, no ID
        number, no citizen screen). The clerk may go on without waiting: nothing is kept."""
        from workstation.app.guide import HALL_TIMEZONE
        from workstation.app.held import keepable
        from workstation.domain.checklist import held_until

        window = self.main_window
        if window is None or getattr(self, "_consent_then", None) is not None:
            return  # a question is on the citizen screen already: one save per decision
        today = hall_now().astimezone(HALL_TIMEZONE).date()
        materials = {}
        for evaluation, record in decided:
            for material in keepable(evaluation, record):
                materials.setdefault(material.name, held_until(material, today).isoformat())
        if (not materials or not window.applicant.applicant().id_number or self.settings.ui.citizen_screen == "off"
                or window.applicant.problems()):
            then(None)
            return
        self._consent_then = then
        window.materials.ask_consent_shown(True)
        self.citizen.ask_consent(list(materials.items()), self.settings.rating.timeout)

    @Slot(bool)
    def _consent_answered(self, given: bool) -> None:
        from workstation.app.held import Consent

        how = "timeout" if self.citizen.consent.timed_out else "answered"
        self._consent_done(Consent(given, hall_now(), how))

    @Slot()
    def _consent_skipped(self) -> None:
        """The clerk goes on without the applicant's answer: nothing is kept."""
        from workstation.app.held import Consent

        if getattr(self, "_consent_then", None) is None:
            return
        self.citizen.cancel_consent()
        self._consent_done(Consent(False, hall_now(), "clerk"))

    def _consent_done(self, consent) -> None:
        then, self._consent_then = getattr(self, "_consent_then", None), None
        if self.main_window is not None:
            self.main_window.materials.ask_consent_shown(False)
        if then is not None and self.main_window is not None:
            then(consent)

    def _audit_consent(self, cases, consent) -> None:
        """The answer into the audit chain, off the GUI thread (asked answers only)."""
        if consent is None:
            return
        clerk, device = self.workstation.clerk, self.workstation.device
        try:
            desk = self._held_desk()
        except Exception as exc:
            log.error("the consent to keep materials is on the case but not audited: %s", exc)
            return
        run_in_background(lambda: desk.audit_consent(cases, consent, clerk.username if clerk else "",
                                                     device.window if device else None),
                          lambda _r: None, lambda exc: log.error("consent not audited: %s", exc))

    @Slot()
    def _licence_url(self) -> str:
        """The configured licence service; on the embedded demo hall, its demo service
        (started once, in a thread), so that 查电子证照 can be tried out of the box."""
        if self.settings.licences.url or not self.settings.embedded:
            return self.settings.licences.url
        if getattr(self, "_demo_licences", None) is None:
            from workstation.app.licence_demo import start_demo

            self._demo_licences = start_demo()
        return self._demo_licences

    def _look_up_licences(self) -> None:
        """查电子证照: the applicant's licences from the licence service, off the GUI thread;
        a service that does not answer leaves the check on paper, said plainly."""
        window, lookup = self.main_window, self._licences
        if window is None or lookup is None:
            return
        id_number = window.applicant.applicant().id_number
        if not id_number:
            window.materials.licence_problem(self.tr("read or type the applicant's ID number first"))
            return

        def failed(exc: BaseException) -> None:
            if self.main_window is not None:
                self.main_window.materials.licence_problem(str(exc))

        run_in_background(lambda: lookup.find(id_number),
                          lambda licences: self.main_window and self.main_window.materials.apply_licences(licences),
                          failed)

    @Slot(object, object, object, object)
    def _bundle_decided(self, bundle, chosen, evaluation, decided) -> None:
        """一件事: every item's case and the bundle's one receipt."""
        self._with_consent([(e, r) for _item, e, r in decided], lambda consent: self._save_decided(
            lambda guide, **context: guide.save_bundle(bundle=bundle, chosen=chosen, evaluation=evaluation,
                                                       decided=decided, consent=consent, **context),
            lambda saved: self._bundle_saved(saved, consent)))

    def _bundle_saved(self, saved, consent=None) -> None:
        if self.main_window is None:
            return
        self._audit_consent(saved.cases, consent)
        lines = [self.tr("One thing %1 saved, %2 items:").replace("%1", saved.receipt.display_number).replace(
            "%2", str(len(saved.cases)))]
        for case in saved.cases:
            line = f"{case.payload['bundle']['sub_number']} {case.payload['item']['name']}：" \
                   f"{case.payload['decision']['label']}（{case.display_number}）"
            if case.promised_date:
                line += self.tr(" Promised completion: %1.").replace("%1", case.promised_date.isoformat())
            lines.append(line)
        self.main_window.materials.show_saved("\n".join(lines))
        self.main_window.applicant.clear()
        self.last_case = saved.receipt
        # Each item is a case of its own: the applicant rates each (好差评 is per 办件).
        self._visit_cases.setdefault(self._ticket_id, []).extend(saved.cases)
        self.documents.start(saved.receipt)  # the one receipt, signed once
        self._case_started = hall_now()

    def _case_saved(self, saved, consent=None) -> None:
        if self.main_window is None:
            return
        self._audit_consent([saved], consent)
        text = self.tr("Case %1 saved: %2.").replace("%1", saved.display_number).replace(
            "%2", saved.payload["decision"]["label"])
        if saved.promised_date:
            text += self.tr(" Promised completion: %1.").replace("%1", saved.promised_date.isoformat())
        elif saved.payload.get("calendar_note"):
            text += self.tr(" The completion date is unknown: %1").replace("%1", saved.payload["calendar_note"])
        self.main_window.materials.show_saved(text)
        self.main_window.applicant.clear()
        self.last_case = saved
        self._visit_cases.setdefault(self._ticket_id, []).append(saved)
        self.documents.start(saved)
        self._case_started = hall_now()

    @Slot(object)
    def _case_failed(self, error: BaseException) -> None:
        if self.main_window is not None:
            self.main_window.materials.result.setText(
                self.tr("The case was not saved: %1").replace("%1", str(error)))

    @Slot(object)
    def _show_hall(self, hall: dict | None) -> None:
        if not hall:
            return
        window = self.workstation.device.window if self.workstation.device else None
        self.citizen.show_welcome(hall.get("name"), hall.get("welcome"), window)
        self.start_window.hall.setText(hall.get("name", ""))
        if self.main_window is not None:
            self.main_window.show_hall(hall.get("name"))

    # -- ratings: asked when the clerk finishes the ticket, for the cases of that ticket,
    # one rating per case. (Cases saved with no ticket at the counter wait for a caller of
    # MainWindow.ask_for_rating, e.g. the document flow once the applicant has signed.)

    def _init_ratings(self) -> None:
        self._visit_cases: dict[int | None, list] = {}  # by the ticket served when they were saved
        self._ticket_id: int | None = None  # the ticket at the counter
        self._rating_queue: deque = deque()  # asked for, waiting for the citizen screen
        self._rating_case = None  # on the citizen screen now
        self._asked: set[str] = set()
        self.bridge.server_event.connect(self._ticket_event)
        self.citizen.rating.rated.connect(self._rated)
        self.citizen.rating.dismissed.connect(lambda: self._rating_state("none"))
        self.citizen.rating.finished.connect(self._next_rating)
        self.citizen.consent.answered.connect(self._consent_answered)
        self._consent_then = None

    @Slot(object)
    def _ticket_event(self, event) -> None:
        from workstation.domain.queue import TicketState
        from workstation.protocol.queue import QueueEventType

        device = self.workstation.device
        if (self.main_window is None or device is None or event.type != QueueEventType.TICKET_STATE
                or event.data.get("state") != TicketState.FINISHED or event.data.get("window") != device.window):
            return
        cases = self._visit_cases.pop(event.data.get("ticket_id"), [])
        for case in cases:
            if not self.documents.awaiting_signature(case):  # else asked once it is signed
                self.main_window.ask_for_rating(case)

    @Slot(object)
    def _ticket_at_counter(self, ticket) -> None:
        self._ticket_id = ticket.id if ticket is not None else None

    @Slot(object)
    def _rating_requested(self, case) -> None:
        if case.case_number in self._asked:  # one rating per case per visit
            return
        self._asked.add(case.case_number)
        self._rating_queue.append(case)
        if self._rating_case is None:
            self._next_rating()

    @Slot()
    def _next_rating(self) -> None:
        self._rating_case = None
        if not self._rating_queue or self.main_window is None:
            return
        case = self._rating_case = self._rating_queue.popleft()
        if self.settings.ui.citizen_screen == "off":  # nowhere to ask
            self._rating_state("none")
            self._next_rating()
            return
        # The person at the counter may be called back: the agent when there is one.
        phone = ((case.payload.get("agent") or {}).get("phone")
                 or (case.payload.get("applicant") or {}).get("phone", ""))
        self.citizen.ask_for_rating(case.payload["item"]["name"], phone, self.settings.rating.timeout)

    @Slot(object)
    def _rated(self, answer) -> None:
        case = self._rating_case
        if case is None:
            return
        run_in_background(lambda: self.workstation.rating().rate(case, answer),
                          lambda _record: self._rating_state("rated"),
                          lambda exc: self._rating_state("failed", str(exc)))

    def _rating_state(self, state: str, detail: str = "") -> None:
        if self.main_window is not None:
            self.main_window.show_rating_state(state, detail)

    def _start_idle_lock(self, clerk: Clerk) -> None:
        """Lock the screen after ui.lock_minutes without input (ui/clerk/lock.py)."""
        from ui.clerk.lock import IdleWatch, LockWindow

        self._stop_idle_lock()
        self.idle_watch = IdleWatch(self.settings.ui.lock_minutes, self)
        self.idle_watch.idle.connect(self.lock)
        self.lock_window = LockWindow(clerk.display_name, self.workstation.check_password)
        self.lock_window.unlocked.connect(self._unlocked)
        self.lock_window.logout_requested.connect(self.logout)

    @Slot()
    def lock(self) -> None:
        """Hide the clerk's window and everything personal on the citizen screen."""
        if self.main_window is None or self.lock_window is None or self.lock_window.isVisible():
            return
        log.info("screen locked after %g idle minutes", self.settings.ui.lock_minutes)
        self.citizen.set_locked(True)
        self.lock_window.start()  # shown before the main window hides: never no window at all
        self.main_window.hide()
        # The queue is not read for a locked screen, so the session idles on the server too:
        # locked past the server's limit, the clerk logs in again instead of unlocking.
        self._call_poll(False)

    def _call_poll(self, on: bool) -> None:
        panel = getattr(self.main_window, "call_panel", None) if self.main_window else None
        timer = getattr(panel, "_poll", None)
        if timer is None:
            return
        if on:
            timer.start(panel.refresh_ms)
            panel.refresh()
        else:
            timer.stop()

    @Slot()
    def _unlocked(self) -> None:
        self.citizen.set_locked(False)
        if self.main_window is not None:
            self.main_window.show()
            self.main_window.activateWindow()
            self._call_poll(True)
        if self.idle_watch is not None:
            self.idle_watch.reset()

    def _stop_idle_lock(self) -> None:
        if self.idle_watch is not None:
            self.idle_watch.stop()
            self.idle_watch.deleteLater()
        delete_widgets(self.lock_window)
        self.idle_watch = self.lock_window = None
        self.citizen.set_locked(False)

    def _end_session(self) -> None:
        """Stops what runs on its own for the logged-in clerk (the reader's poll, the call
        panel's, a rating being asked, the idle lock) and deletes the main window."""
        self._stop_idle_lock()
        self._rating_queue.clear()
        self._visit_cases = {}
        self._consent_then = None
        self.citizen.cancel_consent()
        self.citizen.rating.cancel()
        if getattr(self, "_reader_timer", None) is not None:
            self._reader_timer.stop()
        if self.call_desk is not None:
            self.call_desk.close()
            self.call_desk = None
        self._close_main()

    @Slot()
    def logout(self) -> None:
        self._end_session()
        self.citizen.hide()
        self._back_to_login()

    def shutdown(self) -> None:
        """At quit, and between tests: the session ends and every window is deleted."""
        self._end_session()
        delete_widgets(self.citizen, self.start_window)
