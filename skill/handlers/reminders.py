"""The nightly stretch reminder (issue 19): set it, cancel it, and ask the permission by voice.

SetReminderIntent asks for the time when the `time` slot is empty (Dialog.ElicitSlot), then
for the reminders permission if it is missing (Connections.SendRequest AskFor, the time kept
in the session across the round trip), then sets the reminder. Alexa's answer to the request
comes as a Connections.Response. The offer ("Would you like me to remind you...?") follows the
bedtime stretch and the last tip, once per person, and only when nothing in the session spoke
of a cramp now or a warning sign (skill/answers.py, `may_offer`).
"""

from __future__ import annotations

from collections.abc import Sequence

from ask_sdk_core.dispatch_components import AbstractRequestHandler
from ask_sdk_core.handler_input import HandlerInput
from ask_sdk_core.utils import is_request_type
from ask_sdk_model import Response

from skill import reminders
from skill.handlers.base import IntentHandler
from skill.reminders import ClockTime, Outcome
from skill.request import content_of, session_attributes, slot_value, state_of
from skill.responses import Card, ask, tell

SET_INTENT = "SetReminderIntent"
TIME_SLOT = "time"
ASK_FOR = "AskFor"
# Alexa's voice permission request for the reminders scope (platform notes, "Reminders").
ASK_FOR_PAYLOAD: dict[str, object] = {
    "@type": "AskForPermissionsConsentRequest",
    "@version": "2",
    "permissionScopes": [{"permissionScope": reminders.SCOPE, "consentLevel": "ACCOUNT"}],
}
# The answer to each outcome of setting or cancelling, by prompt or template key.
ANSWERS = {
    Outcome.CANCELLED: "reminder_cancelled",
    Outcome.NONE: "reminder_none",
    Outcome.NO_TIME_ZONE: "reminder_no_time_zone",
    Outcome.BUSY: "reminder_busy",
    Outcome.UNAVAILABLE: "reminder_unavailable",
    Outcome.REFUSED: "reminder_refused",
}
CONFIRMATIONS = {Outcome.SET: "reminder_set", Outcome.MOVED: "reminder_moved"}


def ask_time(handler_input: HandlerInput, lead: Sequence[str] = ()) -> Response:
    """Asks what time, eliciting the `time` slot of SetReminderIntent (also from a yes)."""
    from ask_sdk_model import Intent, IntentConfirmationStatus, Slot, SlotConfirmationStatus
    from ask_sdk_model.dialog import ElicitSlotDirective

    prompts = content_of(handler_input).prompts
    intent = Intent(
        name=SET_INTENT,
        confirmation_status=IntentConfirmationStatus.NONE,
        slots={TIME_SLOT: Slot(name=TIME_SLOT, confirmation_status=SlotConfirmationStatus.NONE)},
    )
    handler_input.response_builder.add_directive(
        ElicitSlotDirective(updated_intent=intent, slot_to_elicit=TIME_SLOT)
    )
    return ask(
        handler_input,
        [*lead, prompts["reminder_ask_time"]],
        [prompts["reminder_time_hint"]],
        state=state_of(handler_input).replace(question=None),
    )


def consent_card(handler_input: HandlerInput) -> Response:
    """Where Alexa cannot ask by voice: the permission card in the Alexa app, and say so."""
    from ask_sdk_model.ui import AskForPermissionsConsentCard

    response = tell(handler_input, [content_of(handler_input).prompts["permission_card"]])
    response.card = AskForPermissionsConsentCard(permissions=[reminders.SCOPE])
    return response


def ask_permission(handler_input: HandlerInput, action: str, time: ClockTime | None) -> Response:
    """Asks for the reminders permission by voice, keeping what was asked in the session."""
    from ask_sdk_model.interfaces.connections import SendRequestDirective

    attributes = session_attributes(handler_input)
    reminders.remember_pending(attributes, action, time)
    if attributes.get(reminders.NO_VOICE_KEY) is True:
        return consent_card(handler_input)
    directive = SendRequestDirective(
        name=ASK_FOR, payload=ASK_FOR_PAYLOAD, token=reminders.ASK_FOR_TOKEN
    )
    # No speech: Alexa asks the question itself; the session resumes with its answer.
    return handler_input.response_builder.add_directive(directive).response


def perform(
    handler_input: HandlerInput, action: str, time: ClockTime | None, *, just_granted: bool = False
) -> Response:
    """Sets (or moves) the reminder, or cancels it, and says truly how that went."""
    content = content_of(handler_input)
    if action == "set" and time is not None:
        outcome = reminders.set_daily(handler_input, content, time)
    else:
        outcome = reminders.cancel_all(handler_input)
    if outcome is Outcome.ASK_PERMISSION:
        if not just_granted:
            return ask_permission(handler_input, action, time)
        outcome = Outcome.REFUSED  # Alexa said yes, yet the API refuses: say it did not work
    session_attributes(handler_input).pop(reminders.PENDING_KEY, None)
    if outcome in CONFIRMATIONS and time is not None:
        clock = content.clock
        card = Card(
            content.cards["reminder"],
            content.fill("reminder_card", time=clock.written(time.hour, time.minute)),
        )
        spoken = clock.spoken(time.hour, time.minute)
        return tell(handler_input, [content.fill(CONFIRMATIONS[outcome], time=spoken)], card=card)
    return tell(handler_input, [content.prompts[ANSWERS.get(outcome, "reminder_unavailable")]])


class SetReminderIntentHandler(IntentHandler):
    """ "Remind me to stretch before bed at ten": asks what time if need be, then the
    permission if need be, then sets the daily reminder."""

    intents = (SET_INTENT,)

    def handle(self, handler_input: HandlerInput) -> Response:
        """Elicits a missing or unusable time; otherwise sets the reminder or asks permission."""
        heard = slot_value(handler_input, TIME_SLOT)
        if heard is None:
            return ask_time(handler_input)
        time = ClockTime.parse(heard)
        if time is None:  # "EV" (evening) and the like: a time of day, not a time on the clock
            return ask_time(
                handler_input, [content_of(handler_input).prompts["reminder_not_a_time"]]
            )
        if not reminders.granted(handler_input):
            return ask_permission(handler_input, "set", time)
        return perform(handler_input, "set", time)


class CancelReminderIntentHandler(IntentHandler):
    """ "Stop my stretch reminders": deletes this skill's reminders and says so."""

    intents = ("CancelReminderIntent",)

    def handle(self, handler_input: HandlerInput) -> Response:
        """Without the permission no reminder can be seen; with it, every one of ours goes."""
        if not reminders.granted(handler_input):
            prompts = content_of(handler_input).prompts
            return tell(handler_input, [prompts["reminder_cancel_no_permission"]])
        return perform(handler_input, "cancel", None)


class PermissionAnswerHandler(AbstractRequestHandler):
    """Alexa's answer to the AskFor request: ACCEPTED, DENIED or NOT_ANSWERED."""

    def can_handle(self, handler_input: HandlerInput) -> bool:
        """True for a Connections.Response."""
        return is_request_type("Connections.Response")(handler_input)

    def handle(self, handler_input: HandlerInput) -> Response:
        """Does what was asked when accepted; a kind word otherwise; never an error."""
        request = handler_input.request_envelope.request
        prompts = content_of(handler_input).prompts
        session = handler_input.request_envelope.session
        attributes = session_attributes(handler_input) if session else {}
        asked = reminders.pending(attributes)
        if asked is None or getattr(request, "name", None) != ASK_FOR:
            return tell(handler_input, [prompts["permission_unexpected"]])
        code = getattr(getattr(request, "status", None), "code", None)
        if code is not None and str(code) != "200":  # Alexa could not ask by voice here
            attributes[reminders.NO_VOICE_KEY] = True
            return consent_card(handler_input)
        payload = getattr(request, "payload", None)
        status = payload.get("status") if isinstance(payload, dict) else None
        if status == "ACCEPTED":
            time = ClockTime.parse(asked.get("time"))
            return perform(handler_input, asked["action"], time, just_granted=True)
        attributes.pop(reminders.PENDING_KEY, None)
        key = "permission_denied" if status == "DENIED" else "permission_not_answered"
        return tell(handler_input, [prompts[key]])
