"""Baseline for the load benchmark: the ASK SDK hello-world skill behind stock flask-ask-sdk."""

from flask import Flask
from flask_ask_sdk.skill_adapter import SkillAdapter

from bench import hello_world


def create_app() -> Flask:
    """The flask-ask-sdk sample app: SkillAdapter on `/`, the SDK's verifiers switched off."""
    app = Flask(__name__)
    app.config.update(ASK_SDK_VERIFY_SIGNATURE=False, ASK_SDK_VERIFY_TIMESTAMP=False)
    SkillAdapter(skill=hello_world.sb.create(), skill_id="hello-world", app=app).register(
        app=app, route="/"
    )
    return app
