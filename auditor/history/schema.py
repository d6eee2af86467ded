"""The history file's schema, as an ordered list of migrations.

Migration *n* (1-based) takes a file from schema version *n - 1* to *n*; a new file runs
them all. The version lives in SQLite's ``user_version``, and ``application_id`` marks the
file as an auditor history so another program's database is never mistaken for one.
Never edit a released migration: add the next one.
"""

from __future__ import annotations

APPLICATION_ID = 0x50415544  # "PAUD"

Migration = tuple[str, ...]  # SQL statements, run in order inside one transaction

MIGRATIONS: tuple[Migration, ...] = (
    (  # 1: runs, brands, channels, activities, findings by fingerprint, and each fingerprint's first sighting
        """CREATE TABLE brands (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            homepages TEXT NOT NULL  -- JSON array
        )""",
        """CREATE TABLE runs (
            id INTEGER PRIMARY KEY,
            brand_id INTEGER NOT NULL REFERENCES brands(id) ON DELETE CASCADE,
            as_of TEXT NOT NULL,  -- ISO 8601 UTC with microseconds, so text order is time order
            tool_version TEXT NOT NULL,
            requests INTEGER NOT NULL,
            errors INTEGER NOT NULL
        )""",
        "CREATE INDEX runs_by_brand ON runs (brand_id, as_of)",
        """CREATE TABLE channels (
            id INTEGER PRIMARY KEY,
            brand_id INTEGER NOT NULL REFERENCES brands(id) ON DELETE CASCADE,
            url TEXT NOT NULL,
            platform TEXT NOT NULL,
            kind TEXT NOT NULL,
            UNIQUE (brand_id, url)
        )""",
        """CREATE TABLE activities (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            channel_id INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
            status TEXT NOT NULL,
            reason TEXT NOT NULL,
            last_activity TEXT,
            items INTEGER NOT NULL,
            interactions INTEGER NOT NULL,
            unanswered INTEGER NOT NULL,
            PRIMARY KEY (run_id, channel_id)
        ) WITHOUT ROWID""",
        """CREATE TABLE findings (
            run_id INTEGER NOT NULL REFERENCES runs(id) ON DELETE CASCADE,
            fingerprint TEXT NOT NULL,
            channel_id INTEGER NOT NULL REFERENCES channels(id) ON DELETE CASCADE,
            code TEXT NOT NULL,
            category TEXT NOT NULL,
            severity TEXT NOT NULL,
            message TEXT NOT NULL,
            PRIMARY KEY (run_id, fingerprint)
        ) WITHOUT ROWID""",
        "CREATE INDEX findings_by_fingerprint ON findings (fingerprint)",
        # Kept when runs are pruned, so "first seen" and "stale since" outlive the runs that showed them.
        """CREATE TABLE sightings (
            brand_id INTEGER NOT NULL REFERENCES brands(id) ON DELETE CASCADE,
            fingerprint TEXT NOT NULL,
            first_seen TEXT NOT NULL,  -- the earliest as_of of any run that saw it
            streak_since TEXT,  -- set by pruning: where its streak began, if the oldest kept run saw it
            PRIMARY KEY (brand_id, fingerprint)
        ) WITHOUT ROWID""",
    ),
)
