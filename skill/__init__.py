"""Leg Cramp Helper: an Alexa skill about leg cramps at night."""
