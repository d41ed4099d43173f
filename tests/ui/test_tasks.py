"""ui.tasks: background work answers on the GUI thread, and everything it held (the work,
its callbacks and the widgets they name) is let go on the GUI thread, never on a worker,
where destroying a widget crashes the program."""

from __future__ import annotations

import gc
import threading

from PySide6.QtCore import QObject

from ui.tasks import collect_garbage_on_gui_thread, run_in_background, wait_for_background


class Tracked:
    """Notes the thread its last reference was dropped on, as a widget's wrapper would
    be destroyed there."""

    def __init__(self, where: list[str]) -> None:
        self.where = where

    def __del__(self) -> None:
        self.where.append(threading.current_thread().name)


def test_work_and_callbacks_are_released_on_the_gui_thread(qtbot, qapp):
    gui = threading.current_thread().name
    released: list[str] = []
    answers: list[tuple[str, object]] = []
    for fails in (False, True):
        held_by_work, held_by_callbacks = Tracked(released), Tracked(released)

        def work(held=held_by_work, fails=fails):
            if fails:
                raise ValueError(f"refused {held.where is released}")
            return threading.current_thread().name

        def done(value, held=held_by_callbacks):
            answers.append((threading.current_thread().name, value))

        def failed(exc, held=held_by_callbacks):
            answers.append((threading.current_thread().name, str(exc)))

        run_in_background(work, done, failed)
        del work, done, failed, held_by_work, held_by_callbacks
        assert wait_for_background()
        qtbot.waitUntil(lambda want=2 if fails else 1: len(answers) == want, timeout=5000)
    gc.collect()
    worker = answers[0][1]
    assert worker != gui  # the work ran on a worker
    assert answers == [(gui, worker), (gui, "refused True")]  # the answers came on the GUI thread
    assert released == [gui] * 4


def test_cycles_are_collected_on_the_gui_thread(qtbot, qapp):
    collect_garbage_on_gui_thread(qapp)
    assert not gc.isenabled()
    released: list[str] = []

    class Cyclic(QObject):
        def __init__(self) -> None:
            super().__init__()
            self.me = self  # only the collector frees it
            self.tracked = Tracked(released)

    Cyclic()
    threshold = gc.get_threshold()[0]
    kept = []  # objects a worker makes and keeps: past the threshold, a collection is due

    def allocate_on_a_worker():
        return [{} for _ in range(threshold * 2)]  # automatic collection would run here

    run_in_background(allocate_on_a_worker, kept.append)
    assert wait_for_background()
    qtbot.waitUntil(lambda: bool(released), timeout=5000)
    assert released == [threading.current_thread().name]
    assert kept
