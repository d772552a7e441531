"""What the environment configures, read once by each entry point and passed into the skill.

Each entry point calls `Settings.from_env()` once and hands the result to the one skill factory
(skill/factory.py): the Lambda (skill/lambda_function.py), the web service
(`skill.webservice:create_app()`), the terminal simulator (`python -m skill.simulator`) and the
web simulator (`--web`). Nothing else reads the environment, and nothing reads it per request.

- `SKILL_ID` (`skill_id`): unset, the skill checks no application id; the web service then
  refuses to start outside dev mode, and the simulators' envelopes carry their own id.
- `PERSISTENCE` (`persistence`): unset, `none`; on a developer's machine (`local=True`), the
  local SQLite file (`local_store`).
- `AUDIO_BASE_URL` (`audio.base_url`): an https URL the clips are hosted under; unset, speech
  goes out as text. `AUDIO_ENGINES` (`audio.engines`, default `gtts`): the clip makers whose
  clips may be sent. `AUDIO_DIR` (`audio.folder`): the clip folder, by default the shipped
  `audio/` (skill/data).
- `SKILL_DEV_MODE=1` (`dev_mode`): the web service checks no signatures or timestamps.
- `POWERTOOLS_METRICS_NAMESPACE`, `POWERTOOLS_SERVICE_NAME`, `AWS_LAMBDA_FUNCTION_NAME`
  (`telemetry`): the Lambda's metrics and logs (TelemetrySettings).
"""

from __future__ import annotations

import logging
import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

log = logging.getLogger(__name__)

DEFAULT_ENGINES = frozenset({"gtts"})
STATE_FOLDER = "leg-cramp-helper"  # under $XDG_STATE_HOME, for an installed package
METRICS_NAMESPACE, SERVICE_NAME = "LegCrampHelper", "leg-cramp-helper"  # unless Powertools' set


@dataclass(frozen=True, slots=True)
class AudioSettings:
    """Where the clips are: hosted at `base_url` for Alexa, and on disk in `folder`."""

    base_url: str | None = None  # no trailing slash; None: speech as text
    engines: frozenset[str] = DEFAULT_ENGINES
    folder: Path | None = None  # manifest.json and <locale>/*.mp3; None: the shipped folder

    @property
    def directory(self) -> Path:
        """The clip folder: `folder`, else the one shipped with the skill."""
        if self.folder is not None:
            return self.folder
        from skill import data  # on first use: finding it costs the cold import nothing

        return data.audio_dir()

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> AudioSettings:
        """`AUDIO_BASE_URL`, `AUDIO_ENGINES` (comma-separated) and `AUDIO_DIR` of `env`, by
        default the process's environment (for the clip tools, `python -m skill.audio`)."""
        env = os.environ if env is None else env
        engines = frozenset(e.strip() for e in env.get("AUDIO_ENGINES", "").split(",") if e.strip())
        folder = env.get("AUDIO_DIR")
        return cls(
            base_url=https_base_url(env.get("AUDIO_BASE_URL", "")),
            engines=engines or DEFAULT_ENGINES,
            folder=Path(folder) if folder else None,
        )


def https_base_url(url: str) -> str | None:
    """`url` without a trailing slash, if it is a plain https URL with a host; else None."""
    url = url.strip().rstrip("/")
    if not url:
        return None
    parts = urlsplit(url)
    if parts.scheme != "https" or not parts.netloc or parts.query or parts.fragment:
        log.warning("AUDIO_BASE_URL ignored: Alexa plays audio only from a plain https URL")
        return None
    return url


@dataclass(frozen=True, slots=True)
class TelemetrySettings:
    """Where the Lambda's metrics go and how its logs look (skill/telemetry.py)."""

    namespace: str = METRICS_NAMESPACE
    service: str = SERVICE_NAME
    structured_logs: bool = False

    @classmethod
    def from_env(cls, env: Mapping[str, str]) -> TelemetrySettings:
        """`POWERTOOLS_METRICS_NAMESPACE`, `POWERTOOLS_SERVICE_NAME` (serverless.yml sets both);
        structured logs on Lambda only, where nothing else owns the process's logging."""
        return cls(
            namespace=env.get("POWERTOOLS_METRICS_NAMESPACE") or METRICS_NAMESPACE,
            service=env.get("POWERTOOLS_SERVICE_NAME") or SERVICE_NAME,
            structured_logs=bool(env.get("AWS_LAMBDA_FUNCTION_NAME")),
        )


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything an entry point configures. The defaults read nothing: no application id
    check, no store, speech as text."""

    skill_id: str | None = None
    persistence: str = "none"  # none, sqlite:PATH or dynamodb:TABLE (skill/persistence)
    audio: AudioSettings = field(default_factory=AudioSettings)
    dev_mode: bool = False  # the web service only: no signature or timestamp checks
    telemetry: TelemetrySettings = field(default_factory=TelemetrySettings)

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None, *, local: bool = False) -> Settings:
        """The settings the environment (`env`, by default the process's) gives.

        `local` is for the entry points on a developer's machine (the web service and the
        simulators): unless `PERSISTENCE` says otherwise they remember visits in the local
        SQLite file (`local_store`).
        """
        env = os.environ if env is None else env
        default_store = f"sqlite:{local_store(env)}" if local else "none"
        return cls(
            skill_id=env.get("SKILL_ID", "").strip() or None,
            persistence=env.get("PERSISTENCE") or default_store,
            audio=AudioSettings.from_env(env),
            dev_mode=env.get("SKILL_DEV_MODE") == "1",
            telemetry=TelemetrySettings.from_env(env),
        )


def local_store(env: Mapping[str, str]) -> Path:
    """The local SQLite file: `.data/visits.sqlite3` in a clone (gitignored); for an installed
    package, `$XDG_STATE_HOME/leg-cramp-helper/visits.sqlite3` (by default under
    ~/.local/state)."""
    from skill import data

    checkout = data.checkout()
    if checkout is not None:
        return checkout / ".data" / "visits.sqlite3"
    home = Path(env.get("HOME") or Path.home())
    state_home = Path(env.get("XDG_STATE_HOME") or home / ".local" / "state")
    return state_home / STATE_FOLDER / "visits.sqlite3"
