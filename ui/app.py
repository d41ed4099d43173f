"""The program's Qt entry (`run`) for every role, and the front of the devices that no
person logs in to (kiosk, hall display). The clerk's front is ui.clerk.app, the
supervisor's ui.supervisor.app."""

from __future__ import annotations

import logging
import os
import sys

from PySide6.QtCore import QObject, QTimer, Slot
from PySide6.QtWidgets import QApplication

from ui.front import delete_widgets
from ui.start_window import StartWindow
from ui.tasks import collect_garbage_on_gui_thread, run_in_background
from workstation.app.workstation import Workstation
from workstation.config import Settings

log = logging.getLogger(__name__)


class DeviceApp(QObject):
    """A kiosk or a hall display: enrolled with its own kind of code, no person logs in."""

    def __init__(self, workstation: Workstation, settings: Settings) -> None:
        super().__init__()
        self.workstation = workstation
        self.settings = settings
        self.start_window = StartWindow(workstation)
        self.start_window.device_ready.connect(self._ready)
        self.window = None
        self.feed = None

    def start(self) -> None:
        self.start_window.start()

    @Slot()
    def _ready(self) -> None:
        from workstation.config import printer_settings

        url, token = self.workstation.url, self.workstation.device.token
        if self.workstation.kind == "kiosk":
            from ui.kiosk.ticket_printing import make_ticket_printer
            from ui.kiosk.window import KioskWindow
            from workstation.app.queue_desk import KioskDesk

            self.window = KioskWindow(KioskDesk(url, token), make_ticket_printer(printer_settings(self.settings)))
            self._watch_cards()
        else:
            from ui.display.announcer import Announcer
            from ui.display.window import DisplayWindow
            from workstation.app.queue_desk import HallFeed

            self.feed = HallFeed(url, token)
            self.window = DisplayWindow(self.feed, Announcer())
        self.start_window.hide()
        self.window.place()  # shows it and starts its feed or counts

    def _watch_cards(self) -> None:
        """A kiosk with a card reader: an ID card on the reader takes the next ticket with
        its number, so the server allows one waiting ticket per person and business type."""
        reading = self.workstation.card_reading()
        if reading is None:
            return
        self._card_timer = QTimer(self)
        self._card_busy = False

        def poll() -> None:
            if self._card_busy or self.window is None:
                return
            self._card_busy = True

            def read():
                from workstation.devices.idcard import NoCard

                try:
                    return reading.read("kiosk", None).document.id_number
                except NoCard:
                    return None

            def done(number):
                self._card_busy = False
                if number:
                    self.window.use_id_card(number)

            def failed(_error):
                self._card_busy = False

            run_in_background(read, done, failed)

        self._card_timer.timeout.connect(poll)
        self._card_timer.start(2000)

    def shutdown(self) -> None:
        if getattr(self, "_card_timer", None) is not None:
            self._card_timer.stop()
        if self.feed is not None:
            self.feed.stop()
        delete_widgets(self.window, self.start_window)


def show_config_error(error: Exception, lang: str = "zh_CN") -> None:
    """The config file cannot be used: say so in a window before the program ends (started
    from its icon, a PC shows no console). Nothing is opened yet, so nothing saved is touched.
    Not for the frozen builds' smoke test, nor where there is no screen to show it on."""
    screen = sys.platform in ("win32", "darwin") or any(
        os.environ.get(name) for name in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM"))
    if os.environ.get("COUNTER_SMOKE_EXIT") or not screen:
        return
    from PySide6.QtCore import QCoreApplication
    from PySide6.QtWidgets import QMessageBox

    from ui.style import install_fonts, install_translator

    translate = QCoreApplication.translate  # the name lupdate looks for
    app = QApplication.instance() or QApplication(sys.argv[:1])
    install_fonts(app)
    install_translator(app, lang)
    box = QMessageBox(QMessageBox.Icon.Critical, translate("ConfigError", "The settings cannot be used"),
                      translate("ConfigError", "The configuration file has a mistake, so the program does "
                                               "not start:\n\n%1\n\nAsk IT to correct it; nothing saved on "
                                               "this PC is touched.").replace("%1", str(error)))
    box.setObjectName("configError")
    box.exec()


def run(settings: Settings, workstation: Workstation, role: str = "clerk") -> int:
    from ui.style import install_fonts, install_style, install_translator

    app = QApplication.instance() or QApplication(sys.argv[:1])
    app.setApplicationName("counter-workstation")
    app.setQuitOnLastWindowClosed(False)
    install_fonts(app)
    install_style(app)
    install_translator(app, settings.ui.lang)
    collect_garbage_on_gui_thread(app)
    if role == "supervisor":
        from ui.supervisor.app import SupervisorApp

        front = SupervisorApp(workstation, settings)
    else:
        from ui.clerk.app import ClerkApp

        front = ClerkApp(workstation, settings) if workstation.kind == "workstation" else DeviceApp(workstation, settings)
    app.aboutToQuit.connect(front.shutdown)
    app.aboutToQuit.connect(workstation.shutdown)
    front.start_window.destroyed.connect(app.quit)
    if isinstance(front, DeviceApp):
        app.setQuitOnLastWindowClosed(True)
    front.start()
    if os.environ.get("COUNTER_BENCH_STARTUP"):
        # bench/startup.py: report once the login window has been shown and painted.
        def shown() -> None:
            print("login-window-shown", flush=True)
            app.quit()

        QTimer.singleShot(0, shown)
    if os.environ.get("COUNTER_SMOKE_EXIT"):
        _exit_when_connected(app, front.start_window)
    return app.exec()


def _exit_when_connected(app: QApplication, window: StartWindow) -> None:
    """COUNTER_SMOKE_EXIT=1 (the installers' smoke test of a frozen build): once the start
    window has connected to the hall, or given up, print one line saying what it shows and
    quit: exit code 0 if the login form is ready, 1 if not."""
    timer = QTimer(window)

    def check() -> None:
        connection = window.connection
        if connection is None and not window.message.property("error"):
            return  # still connecting
        timer.stop()
        ready = window.login_button.isEnabled() and window.pages.currentIndex() == 0
        fields = {"login_ready": ready, "online": connection.online, "embedded": connection.embedded,
                  "window": connection.window, "url": connection.url} if connection else {"login_ready": False}
        print("smoke:", " ".join(f"{key}={value}" for key, value in fields.items()),
              f"message={window.message.text()}", flush=True)
        app.exit(0 if ready else 1)

    timer.timeout.connect(check)
    timer.start(100)
