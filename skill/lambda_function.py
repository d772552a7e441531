"""AWS Lambda entry point: `skill/lambda_function.handler`."""

from skill.factory import create_skill_builder

handler = create_skill_builder().lambda_handler()
