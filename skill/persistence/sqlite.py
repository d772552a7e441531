"""A persistence adapter on the standard library's sqlite3, safe across processes and threads.

Write-ahead logging lets readers and one writer work at once, and a busy timeout makes
gunicorn's workers wait their turn (up to a second) instead of failing.
"""

from __future__ import annotations

import json
import os
import sqlite3
import threading
import time
from pathlib import Path
from typing import Any

from ask_sdk_core.attributes_manager import AbstractPersistenceAdapter
from ask_sdk_core.exceptions import PersistenceException
from ask_sdk_model import RequestEnvelope

from skill.persistence import CorruptRecord, expiry, record_key

BUSY_TIMEOUT_SECONDS = 1.0
_SCHEMA = (
    "CREATE TABLE IF NOT EXISTS visits "
    "(id TEXT PRIMARY KEY, attributes TEXT NOT NULL, expires_at INTEGER NOT NULL)",
    "CREATE INDEX IF NOT EXISTS visits_expiry ON visits (expires_at)",
)


class SqliteAdapter(AbstractPersistenceAdapter):
    """Keeps each user's attributes as JSON in one SQLite file, expiring like DynamoDB's TTL."""

    def __init__(self, path: Path, timeout: float = BUSY_TIMEOUT_SECONDS) -> None:
        self.path = path
        self.timeout = timeout
        self._local = threading.local()

    def _connection(self) -> sqlite3.Connection:
        """This thread's connection in this process (a forked worker opens its own)."""
        connection: sqlite3.Connection | None = getattr(self._local, "connection", None)
        if connection is not None and self._local.pid == os.getpid():
            return connection
        self.path.parent.mkdir(mode=0o700, parents=True, exist_ok=True)
        connection = sqlite3.connect(self.path, timeout=self.timeout, isolation_level=None)
        connection.execute("PRAGMA journal_mode=WAL")
        connection.execute("PRAGMA synchronous=NORMAL")
        for statement in _SCHEMA:
            connection.execute(statement)
        self._local.connection, self._local.pid = connection, os.getpid()
        return connection

    def get_attributes(self, request_envelope: RequestEnvelope) -> dict[str, Any]:
        """The user's attributes, {} when there are none or they expired."""
        key = record_key(request_envelope)
        try:
            row = (
                self._connection()
                .execute(
                    "SELECT attributes FROM visits WHERE id = ? AND expires_at > ?",
                    (key, int(time.time())),
                )
                .fetchone()
            )
        except sqlite3.Error as exc:
            raise PersistenceException(f"sqlite read failed: {type(exc).__name__}") from exc
        if row is None:
            return {}
        try:
            attributes = json.loads(row[0])
        except ValueError as exc:
            raise CorruptRecord("sqlite record is not JSON") from exc
        if not isinstance(attributes, dict):
            raise CorruptRecord("sqlite record is not an object")
        return attributes

    def save_attributes(
        self, request_envelope: RequestEnvelope, attributes: dict[str, Any]
    ) -> None:
        """Write the user's attributes with a fresh expiry; expired records go at the same time."""
        key = record_key(request_envelope)
        now = int(time.time())
        try:
            with self._transaction() as connection:
                connection.execute("DELETE FROM visits WHERE expires_at <= ?", (now,))
                connection.execute(
                    "INSERT INTO visits (id, attributes, expires_at) VALUES (?, ?, ?) "
                    "ON CONFLICT (id) DO UPDATE SET "
                    "attributes = excluded.attributes, expires_at = excluded.expires_at",
                    (key, json.dumps(attributes, separators=(",", ":")), expiry(now)),
                )
        except (sqlite3.Error, TypeError, ValueError) as exc:
            raise PersistenceException(f"sqlite write failed: {type(exc).__name__}") from exc

    def delete_attributes(self, request_envelope: RequestEnvelope) -> None:
        """Forget the user."""
        key = record_key(request_envelope)
        try:
            with self._transaction() as connection:
                connection.execute("DELETE FROM visits WHERE id = ?", (key,))
        except sqlite3.Error as exc:
            raise PersistenceException(f"sqlite delete failed: {type(exc).__name__}") from exc

    def _transaction(self) -> _Transaction:
        return _Transaction(self._connection())


class _Transaction:
    """BEGIN IMMEDIATE ... COMMIT (or ROLLBACK), taking the write lock up front."""

    def __init__(self, connection: sqlite3.Connection) -> None:
        self.connection = connection

    def __enter__(self) -> sqlite3.Connection:
        self.connection.execute("BEGIN IMMEDIATE")
        return self.connection

    def __exit__(self, kind: type | None, *_: object) -> None:
        self.connection.execute("COMMIT" if kind is None else "ROLLBACK")
