"""AWS Lambda entry point: `skill/lambda_function.handler`.

The skill from the one factory, with production metrics around it (skill/telemetry.py): the
settings are read here, once per process (skill/settings.py).
"""

from skill.factory import create_skill_builder
from skill.settings import Settings
from skill.telemetry import instrument

settings = Settings.from_env()
handler = instrument(create_skill_builder(settings), settings.telemetry)
