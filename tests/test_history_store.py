"""The history file: created and migrated safely, shared by concurrent writers, and never
overwritten when it is damaged, foreign or newer than this auditor."""

from __future__ import annotations

import multiprocessing
import sqlite3
import threading
from datetime import datetime, timedelta, timezone
from pathlib import Path

import pytest

from auditor.history import HistoryError, Recorder, open_store
from auditor.history.schema import APPLICATION_ID, MIGRATIONS
from auditor.history.store import default_path
from auditor.models import Activity, Audit, Brand, Channel, Finding, Severity, Status

START = datetime(2026, 1, 1, tzinfo=timezone.utc)
FEED = "https://acme.example/feed"


def sample(brand: str = "acme.example", day: int = 0, codes: tuple[str, ...] = ("STALE001",)) -> Audit:
    channel = Channel(platform="feed", url=FEED, kind="blog")
    findings = tuple(Finding(code=code, category="stale", severity=Severity.WARNING, channel_url=FEED,
                             platform="feed", message="quiet", fingerprint=f"{code.lower():0>16}"[-16:])
                     for code in codes)
    return Audit(brand=Brand(name=brand, homepages=(f"https://{brand}/",)), as_of=START + timedelta(days=day),
                 channels=(channel,), activities=(Activity(channel_url=FEED, status=Status.OK),), findings=findings)


def count_runs(path: Path) -> int:
    with sqlite3.connect(path) as db:
        return db.execute("SELECT count(*) FROM runs").fetchone()[0]


def test_a_new_file_is_created_in_wal_mode_at_the_latest_version(tmp_path):
    path = tmp_path / "deep" / "history.sqlite3"
    open_store(path).close()
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert db.execute("PRAGMA application_id").fetchone()[0] == APPLICATION_ID
        assert db.execute("PRAGMA journal_mode").fetchone()[0] == "wal"


def test_the_default_file_is_under_xdg_data_home(tmp_path, monkeypatch):
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    assert default_path() == tmp_path / "presence-auditor" / "history.sqlite3"
    monkeypatch.delenv("XDG_DATA_HOME")
    assert default_path() == Path.home() / ".local" / "share" / "presence-auditor" / "history.sqlite3"


def test_one_audit_is_one_run_with_its_brand_channels_activities_and_findings(tmp_path):
    path = tmp_path / "h.sqlite3"
    with open_store(path) as store:
        Recorder(store).record(sample(codes=("STALE001", "STALE003")))
    with sqlite3.connect(path) as db:
        assert db.execute("SELECT name FROM brands").fetchall() == [("acme.example",)]
        assert db.execute("SELECT as_of FROM runs").fetchall() == [("2026-01-01T00:00:00.000000+00:00",)]
        assert db.execute("SELECT url, platform FROM channels").fetchall() == [(FEED, "feed")]
        assert db.execute("SELECT status FROM activities").fetchall() == [("ok",)]
        assert sorted(db.execute("SELECT code FROM findings")) == [("STALE001",), ("STALE003",)]


def test_an_older_file_is_migrated_and_keeps_its_runs(tmp_path):
    path = tmp_path / "h.sqlite3"
    with open_store(path) as store:
        Recorder(store).record(sample())
    later = (*MIGRATIONS, ("ALTER TABLE runs ADD COLUMN note TEXT NOT NULL DEFAULT ''",))
    with open_store(path, migrations=later) as store:
        assert store.load("acme.example").runs[0].as_of == START
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(later)
        assert db.execute("SELECT note FROM runs").fetchall() == [("",)]


def test_a_failing_migration_leaves_the_file_at_its_old_version(tmp_path):
    path = tmp_path / "h.sqlite3"
    open_store(path).close()
    broken = (*MIGRATIONS, ("CREATE TABLE extra (x)", "THIS IS NOT SQL"))
    with pytest.raises(HistoryError):
        open_store(path, migrations=broken)
    with sqlite3.connect(path) as db:
        assert db.execute("PRAGMA user_version").fetchone()[0] == len(MIGRATIONS)
        assert db.execute("SELECT count(*) FROM sqlite_master WHERE name = 'extra'").fetchone()[0] == 0
    open_store(path).close()  # still usable


def test_a_newer_file_is_refused_and_left_as_it_is(tmp_path):
    path = tmp_path / "h.sqlite3"
    with open_store(path) as store:
        Recorder(store).record(sample())
    with sqlite3.connect(path) as db:
        db.execute(f"PRAGMA user_version = {len(MIGRATIONS) + 1}")
    before = path.read_bytes()
    with pytest.raises(HistoryError, match="newer than this auditor reads"):
        open_store(path)
    assert path.read_bytes() == before


@pytest.mark.parametrize("content", [b"this is not a database at all\n" * 200, b"SQLite format 3\x00" + b"\xff" * 4000])
def test_a_corrupt_file_is_a_clear_error_and_is_never_overwritten(tmp_path, content):
    path = tmp_path / "h.sqlite3"
    path.write_bytes(content)
    with pytest.raises(HistoryError, match="damaged or not a history file") as caught:
        open_store(path)
    assert "\n" not in str(caught.value)
    assert path.read_bytes() == content
    assert not (tmp_path / "h.sqlite3-wal").exists()


def test_damaged_pages_behind_a_sound_header_fail_on_reading_not_silently(tmp_path):
    path = tmp_path / "h.sqlite3"
    with open_store(path) as store:
        for day in range(3):
            Recorder(store).record(sample(day=day))
    page = sqlite3.connect(path).execute("PRAGMA page_size").fetchone()[0]
    data = bytearray(path.read_bytes())
    data[page:] = b"\xa5" * (len(data) - page)  # every page after the first (the schema) is junk
    path.write_bytes(bytes(data))
    with pytest.raises(HistoryError, match="damaged"):
        with open_store(path) as store:
            store.load("acme.example")
            Recorder(store).record(sample(day=9))


def test_another_programs_database_is_not_taken_for_a_history(tmp_path):
    path = tmp_path / "other.db"
    with sqlite3.connect(path) as db:
        db.execute("CREATE TABLE contacts (name TEXT)")
    before = path.read_bytes()
    with pytest.raises(HistoryError, match="another program"):
        open_store(path)
    assert path.read_bytes() == before


def test_a_writer_waits_for_another_writers_transaction_then_succeeds(tmp_path):
    path = tmp_path / "h.sqlite3"
    open_store(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")  # another run is mid-write
    started, outcome = threading.Event(), []

    def write() -> None:
        with open_store(path, timeout=30) as store:
            started.set()
            outcome.append(Recorder(store).record(sample()))

    writer = threading.Thread(target=write)
    writer.start()
    started.wait(10)
    writer.join(0.3)
    assert writer.is_alive() and not outcome  # blocked on the lock, not failed
    holder.execute("COMMIT")
    holder.close()
    writer.join(30)
    assert len(outcome) == 1 and count_runs(path) == 1


def test_a_lock_held_past_the_busy_timeout_is_a_clear_error(tmp_path):
    path = tmp_path / "h.sqlite3"
    open_store(path).close()
    holder = sqlite3.connect(path, isolation_level=None)
    holder.execute("BEGIN IMMEDIATE")
    try:
        with open_store(path, timeout=0.05) as store:
            with pytest.raises(HistoryError, match="locked by another run"):
                Recorder(store).record(sample())
    finally:
        holder.execute("ROLLBACK")
        holder.close()
    assert count_runs(path) == 0


def _write_runs(path: str, brand: str, runs: int, barrier) -> None:  # noqa: ANN001 - a multiprocessing Barrier
    barrier.wait()
    with open_store(Path(path)) as store:
        for day in range(runs):
            Recorder(store, compare_previous=True).record(sample(brand=brand, day=day))


def test_two_processes_writing_one_new_file_at_once_both_succeed(tmp_path):
    path = tmp_path / "shared.sqlite3"  # does not exist yet: both race to create and migrate it
    context = multiprocessing.get_context("spawn")
    barrier = context.Barrier(2)
    jobs = [context.Process(target=_write_runs, args=(str(path), brand, 25, barrier))
            for brand in ("one.example", "two.example")]
    for job in jobs:
        job.start()
    for job in jobs:
        job.join(120)
    assert [job.exitcode for job in jobs] == [0, 0]
    with open_store(path) as store:
        assert store.brands() == ["one.example", "two.example"]
        assert [len(store.load(b).runs) for b in store.brands()] == [25, 25]
