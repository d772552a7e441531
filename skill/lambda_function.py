"""AWS Lambda entry point: `skill/lambda_function.handler`.

The skill from the one factory, with production metrics around it (skill/telemetry.py): the
settings are read here, once per process.
"""

from skill.factory import create_skill_builder
from skill.telemetry import TelemetrySettings, instrument

handler = instrument(create_skill_builder(), TelemetrySettings.from_env())
