"""Text simulator: talk to the skill as you would to Alexa (`python -m skill.simulator`)."""
