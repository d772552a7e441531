"""The web simulator's conversations: one terminal `Simulator` each, bounded in number and age."""

from __future__ import annotations

import secrets
import threading
import time
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass, field

from skill.simulator.session import Simulator

MAX_SESSIONS = 200
IDLE_SECONDS = 30 * 60


@dataclass
class WebSession:
    """A simulator, the lines said to it (for the replay file) and when it was last used."""

    simulator: Simulator
    lines: list[str] = field(default_factory=list)
    used: float = 0.0
    lock: threading.Lock = field(default_factory=threading.Lock)


class SessionStore:
    """Sessions by id. The least recently used goes when full; idle ones expire."""

    def __init__(
        self,
        max_sessions: int = MAX_SESSIONS,
        idle_seconds: float = IDLE_SECONDS,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self.max_sessions, self.idle_seconds, self.clock = max_sessions, idle_seconds, clock
        self._sessions: OrderedDict[str, WebSession] = OrderedDict()
        self._lock = threading.Lock()

    def __len__(self) -> int:
        with self._lock:
            self._expire()
            return len(self._sessions)

    def add(self, simulator: Simulator) -> tuple[str, WebSession]:
        """Keep a new conversation; returns its id."""
        session_id = secrets.token_urlsafe(12)
        session = WebSession(simulator, used=self.clock())
        with self._lock:
            self._expire()
            while len(self._sessions) >= self.max_sessions:
                self._sessions.popitem(last=False)
            self._sessions[session_id] = session
        return session_id, session

    def get(self, session_id: str) -> WebSession | None:
        """The conversation with this id, marked as used; None if unknown or expired."""
        with self._lock:
            self._expire()
            session = self._sessions.get(session_id)
            if session is not None:
                session.used = self.clock()
                self._sessions.move_to_end(session_id)
            return session

    def _expire(self) -> None:
        """Drop conversations idle for too long (the oldest are first in the order)."""
        cutoff = self.clock() - self.idle_seconds
        while self._sessions:
            oldest = next(iter(self._sessions.values()))
            if oldest.used > cutoff:
                break
            self._sessions.popitem(last=False)
