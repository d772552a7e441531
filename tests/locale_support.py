"""What each locale must say in an emergency: the numbers from issue 10's table.

en-GB also serves Ireland (999 and 112 work in both), en-AU also New Zealand (111).
`NUMBERS` are the numbers as written (cards, listings); `SPOKEN_NUMBERS` as heard, each once:
Australians hear "triple zero" for 000 (issue 16), every other number is read digit by digit.
"""

NUMBERS = {
    "en-US": ["911"],
    "en-CA": ["911"],
    "en-GB": ["999", "112"],
    "en-AU": ["000", "111"],
    "en-IN": ["112", "108"],
    "es-US": ["911"],
    "es-MX": ["911"],
    "es-ES": ["112"],
}
SPOKEN_NUMBERS = {**NUMBERS, "en-AU": ["triple zero", "111"]}

# How a user opens the skill, asks it something in one go, and asks for a guided stretch (the
# turn with pauses and clips), per language: each a sample or invocation word for word.
OPEN = {"en": "open leg cramp helper", "es": "abre calambres nocturnos"}
ASK = {"en": "ask leg cramp helper {}", "es": "pregúntale a calambres nocturnos {}"}
STRETCH = {"en": "walk me through a stretch", "es": "guíame a estirar la pierna"}


def language(locale: str) -> str:
    """The locale's language: "en" or "es"."""
    return locale.split("-")[0]
