"""The readers-writer lock: readers share it, a writer runs alone, and a waiting writer is not starved."""

from __future__ import annotations

import threading
import time

from storage.locks import RWLock


def test_readers_share_and_a_writer_waits_for_them():
    lock = RWLock()
    events: list[str] = []
    lock.acquire_shared()
    with lock.shared():  # a second reader gets in while the first holds it
        events.append("second reader")

    def writer() -> None:
        with lock.exclusive():
            events.append("writer")

    thread = threading.Thread(target=writer)
    thread.start()
    time.sleep(0.05)
    assert events == ["second reader"]  # the writer still waits for the first reader
    lock.release_shared()
    thread.join(timeout=5)
    assert events == ["second reader", "writer"]


def test_a_waiting_writer_holds_back_new_readers():
    lock = RWLock()
    order: list[str] = []
    lock.acquire_shared()
    writer = threading.Thread(target=lambda: (lock.acquire_exclusive(), order.append("writer"),
                                              lock.release_exclusive()))
    writer.start()
    while not lock._writers_waiting:
        time.sleep(0.001)

    def late_reader() -> None:
        with lock.shared():
            order.append("reader")

    reader = threading.Thread(target=late_reader)
    reader.start()
    time.sleep(0.05)
    assert order == []  # the late reader queues behind the writer
    lock.release_shared()
    writer.join(timeout=5)
    reader.join(timeout=5)
    assert order == ["writer", "reader"]


def test_a_writer_excludes_readers_until_it_releases():
    lock = RWLock()
    seen: list[str] = []
    lock.acquire_exclusive()
    reader = threading.Thread(target=lambda: (lock.acquire_shared(), seen.append("reader"), lock.release_shared()))
    reader.start()
    time.sleep(0.05)
    assert seen == []
    lock.release_exclusive()
    reader.join(timeout=5)
    assert seen == ["reader"]
