"""The history file: open it safely, migrate it, write one finished audit per transaction, read a brand back.

Takes a path (or the default under the user's data directory) and gives a :class:`Store`.
Several processes may write the same file at once (two CI jobs): the file is in WAL mode,
every write is one ``BEGIN IMMEDIATE`` transaction, and a writer waits for the lock up to
the busy timeout. A file that is not an auditor history, is damaged, or was written by a
newer auditor is a :class:`HistoryError` with one line for the user, and is never changed.
"""

from __future__ import annotations

import json
import os
import sqlite3
import time
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from datetime import datetime, timezone
from pathlib import Path

from auditor import __version__
from auditor.history.facts import BrandHistory, Run, Seen
from auditor.history.schema import APPLICATION_ID, MIGRATIONS, Migration
from auditor.models import Audit

FILE_NAME = "history.sqlite3"


class HistoryError(Exception):
    """The history cannot be used; the message is one line for the user."""


def default_path() -> Path:
    """``$XDG_DATA_HOME/presence-auditor/history.sqlite3`` (``~/.local/share`` when unset; ``%LOCALAPPDATA%`` on Windows)."""
    base = os.environ.get("XDG_DATA_HOME") or ""
    if not base and os.name == "nt":
        base = os.environ.get("LOCALAPPDATA", "")
    root = Path(base) if base else Path.home() / ".local" / "share"
    return root / "presence-auditor" / FILE_NAME


def iso(moment: datetime) -> str:
    """UTC with microseconds always present, so that text order is time order."""
    return moment.astimezone(timezone.utc).isoformat(timespec="microseconds")


def moment(text: str) -> datetime:
    return datetime.fromisoformat(text)


class Store:
    """An open history file. Use :func:`open_store`; close it (or use ``with``) when done."""

    def __init__(self, connection: sqlite3.Connection, path: Path) -> None:
        self.connection = connection
        self.path = path

    def __enter__(self) -> Store:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def close(self) -> None:
        self.connection.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        """One write transaction, taken at once (so a second writer waits instead of failing mid-way)."""
        with _errors(self.path):
            self.connection.execute("BEGIN IMMEDIATE")
            try:
                yield self.connection
            except BaseException:
                self.connection.execute("ROLLBACK")
                raise
            self.connection.execute("COMMIT")

    def write_run(self, audit: Audit) -> int:
        """Record one finished audit (call inside :meth:`transaction`); the new run's id."""
        db = self.connection
        brand_id = _upsert_brand(db, audit)
        channel_ids = {c.url: _upsert_channel(db, brand_id, c.url, c.platform, c.kind) for c in audit.channels}
        run_id = db.execute(
            "INSERT INTO runs (brand_id, as_of, tool_version, requests, errors) VALUES (?, ?, ?, ?, ?)",
            (brand_id, iso(audit.as_of), __version__, audit.stats.requests, audit.stats.errors)).lastrowid
        for activity in audit.activities:
            channel_id = channel_ids.get(activity.channel_url) or _upsert_channel(
                db, brand_id, activity.channel_url, "", "")
            unanswered = sum(1 for i in activity.interactions
                             if i.owner_replied_at is None or i.owner_replied_at > audit.as_of)
            db.execute(
                "INSERT OR REPLACE INTO activities VALUES (?, ?, ?, ?, ?, ?, ?, ?)",
                (run_id, channel_id, activity.status.value, activity.reason,
                 iso(activity.last_activity) if activity.last_activity else None,
                 len(activity.items), len(activity.interactions), unanswered))
        for finding in audit.findings:
            channel_id = channel_ids.get(finding.channel_url) or _upsert_channel(
                db, brand_id, finding.channel_url, finding.platform, "")
            db.execute("INSERT OR REPLACE INTO findings VALUES (?, ?, ?, ?, ?, ?, ?)",
                       (run_id, finding.fingerprint, channel_id, finding.code, finding.category,
                        finding.severity.value, finding.message))
            db.execute("INSERT INTO sightings (brand_id, fingerprint, first_seen) VALUES (?, ?, ?) "
                       "ON CONFLICT (brand_id, fingerprint) DO UPDATE SET first_seen = min(first_seen, excluded.first_seen)",
                       (brand_id, finding.fingerprint, iso(audit.as_of)))
        assert run_id is not None  # an INSERT always gives a row id
        return run_id

    def brands(self) -> list[str]:
        with _errors(self.path):
            return [name for (name,) in self.connection.execute(
                "SELECT name FROM brands WHERE id IN (SELECT brand_id FROM runs) ORDER BY name")]

    def load(self, brand: str, *, upto: datetime | None = None) -> BrandHistory:
        """A brand's recorded runs (only those judged at or before ``upto``, if given), oldest first."""
        with _errors(self.path):
            db = self.connection
            row = db.execute("SELECT id FROM brands WHERE name = ?", (brand,)).fetchone()
            if row is None:
                return BrandHistory(brand=brand, runs=(), seen={})
            brand_id = row[0]
            limit = iso(upto) if upto is not None else "9999"
            runs: dict[int, list] = {}
            for run_id, as_of in db.execute("SELECT id, as_of FROM runs WHERE brand_id = ? AND as_of <= ? "
                                            "ORDER BY as_of, id", (brand_id, limit)):
                runs[run_id] = [moment(as_of), {}]
            for run_id, fingerprint, code, category, severity, message, url, platform in db.execute(
                    "SELECT f.run_id, f.fingerprint, f.code, f.category, f.severity, f.message, c.url, c.platform "
                    "FROM findings f JOIN runs r ON r.id = f.run_id JOIN channels c ON c.id = f.channel_id "
                    "WHERE r.brand_id = ? AND r.as_of <= ?", (brand_id, limit)):
                runs[run_id][1][fingerprint] = Seen(fingerprint, code, category, severity, url, platform, message)
            seen = {fingerprint: (moment(first), moment(streak) if streak else None)
                    for fingerprint, first, streak in db.execute(
                        "SELECT fingerprint, first_seen, streak_since FROM sightings WHERE brand_id = ?", (brand_id,))}
        return BrandHistory(brand=brand, runs=tuple(Run(run_id, as_of, found) for run_id, (as_of, found)
                                                    in runs.items()), seen=seen)

    def delete_runs(self, brand: str, run_ids: Sequence[int], streaks: dict[str, datetime | None]) -> None:
        """Drop runs (call inside :meth:`transaction`), keeping each fingerprint's streak start as given."""
        db = self.connection
        (brand_id,) = db.execute("SELECT id FROM brands WHERE name = ?", (brand,)).fetchone()
        db.executemany("DELETE FROM runs WHERE id = ?", [(run_id,) for run_id in run_ids])
        db.execute("UPDATE sightings SET streak_since = NULL WHERE brand_id = ?", (brand_id,))
        db.executemany("UPDATE sightings SET streak_since = ? WHERE brand_id = ? AND fingerprint = ?",
                       [(iso(since), brand_id, fp) for fp, since in streaks.items() if since is not None])

    def vacuum(self) -> None:
        with _errors(self.path):
            self.connection.execute("VACUUM")


_LOCKED = "stayed locked by another run past the busy timeout"


def open_store(path: Path | None = None, *, timeout: float = 30.0,
               migrations: Sequence[Migration] = MIGRATIONS) -> Store:
    """Open (creating if need be) and migrate the history at ``path`` (default: :func:`default_path`)."""
    path = Path(path) if path is not None else default_path()
    if path.is_dir():
        raise HistoryError(f"history {path} is a directory, not a file")
    try:
        path.parent.mkdir(parents=True, exist_ok=True)
        connection = sqlite3.connect(path, timeout=timeout, isolation_level=None)
    except (OSError, sqlite3.Error) as exc:
        raise HistoryError(f"cannot open history {path}: {getattr(exc, 'strerror', None) or exc}") from None
    give_up = time.monotonic() + timeout
    try:
        while True:
            try:
                with _errors(path):
                    _check(connection, path, len(migrations))  # reads only: nothing is written to a file we refuse
                    connection.execute("PRAGMA journal_mode = WAL")
                    connection.execute("PRAGMA synchronous = NORMAL")
                    connection.execute("PRAGMA foreign_keys = ON")
                    _migrate(connection, path, migrations)
                break
            except HistoryError as exc:
                # Switching a new file to WAL while another process creates it can answer "locked" at
                # once, without waiting (SQLite avoids a deadlock): try again until the busy timeout.
                if _LOCKED not in str(exc) or time.monotonic() >= give_up:
                    raise
                time.sleep(0.05)
    except BaseException:
        connection.close()
        raise
    return Store(connection, path)


def _check(connection: sqlite3.Connection, path: Path, latest: int) -> None:
    connection.execute("BEGIN")  # one snapshot: another process may be creating the file right now
    try:
        objects = connection.execute("SELECT count(*) FROM sqlite_master").fetchone()[0]
        application_id = connection.execute("PRAGMA application_id").fetchone()[0]
        version = connection.execute("PRAGMA user_version").fetchone()[0]
    finally:
        connection.execute("COMMIT")
    if objects and application_id != APPLICATION_ID:
        raise HistoryError(f"history {path} is an SQLite database of another program, not an auditor history; "
                           "it was left untouched (choose another file with --history)")
    if version > latest:
        raise HistoryError(_newer(path, version, latest))


def _migrate(connection: sqlite3.Connection, path: Path, migrations: Sequence[Migration]) -> None:
    if connection.execute("PRAGMA user_version").fetchone()[0] == len(migrations):
        return
    connection.execute("BEGIN IMMEDIATE")
    try:
        version = connection.execute("PRAGMA user_version").fetchone()[0]  # again, now that we hold the lock
        if version > len(migrations):
            raise HistoryError(_newer(path, version, len(migrations)))
        for statements in migrations[version:]:
            for statement in statements:
                connection.execute(statement)
        connection.execute(f"PRAGMA user_version = {len(migrations):d}")
        connection.execute(f"PRAGMA application_id = {APPLICATION_ID:d}")
    except BaseException:
        connection.execute("ROLLBACK")
        raise
    connection.execute("COMMIT")


def _newer(path: Path, version: int, latest: int) -> str:
    return (f"history {path} has schema version {version}, newer than this auditor reads ({latest}); "
            "upgrade presence-auditor, or choose another file with --history")


@contextmanager
def _errors(path: Path) -> Iterator[None]:
    """SQLite's failures as one-line HistoryErrors."""
    try:
        yield
    except sqlite3.OperationalError as exc:
        if "locked" in str(exc) or "busy" in str(exc):
            raise HistoryError(f"history {path} {_LOCKED}") from None
        raise HistoryError(f"history {path}: {exc}") from None
    except sqlite3.DatabaseError as exc:  # "file is not a database", "database disk image is malformed"
        raise HistoryError(f"history {path} is damaged or not a history file ({exc}); it was left untouched "
                           "(move it away, or choose another file with --history)") from None


def _upsert_brand(db: sqlite3.Connection, audit: Audit) -> int:
    db.execute("INSERT INTO brands (name, homepages) VALUES (?, ?) "
               "ON CONFLICT (name) DO UPDATE SET homepages = excluded.homepages",
               (audit.brand.name, json.dumps(list(audit.brand.homepages))))
    return db.execute("SELECT id FROM brands WHERE name = ?", (audit.brand.name,)).fetchone()[0]


def _upsert_channel(db: sqlite3.Connection, brand_id: int, url: str, platform: str, kind: str) -> int:
    db.execute("INSERT INTO channels (brand_id, url, platform, kind) VALUES (?, ?, ?, ?) "
               "ON CONFLICT (brand_id, url) DO UPDATE SET platform = excluded.platform, kind = excluded.kind "
               "WHERE excluded.platform != ''", (brand_id, url, platform, kind))
    return db.execute("SELECT id FROM channels WHERE brand_id = ? AND url = ?", (brand_id, url)).fetchone()[0]
