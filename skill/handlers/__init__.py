"""All handlers, in the order the skill tries them."""

from skill.handlers.builtins import (
    FallbackIntentHandler,
    HelpIntentHandler,
    LaunchRequestHandler,
    SessionEndedRequestHandler,
    SkillDisabledRequestHandler,
    StopOrCancelIntentHandler,
)
from skill.handlers.content import (
    CauseDetailIntentHandler,
    MedicineQuestionIntentHandler,
    MoreDetailIntentHandler,
    TipDetailIntentHandler,
    TopicIntentHandler,
)
from skill.handlers.errors import CatchAllExceptionHandler
from skill.handlers.navigation import (
    NavigateHomeIntentHandler,
    NextIntentHandler,
    NoIntentHandler,
    PreviousIntentHandler,
    RepeatIntentHandler,
    StartOverIntentHandler,
    YesIntentHandler,
)
from skill.handlers.reminders import (
    CancelReminderIntentHandler,
    PermissionAnswerHandler,
    SetReminderIntentHandler,
)
from skill.handlers.routine import GuidedStretchIntentHandler
from skill.handlers.screens import ScreenEventHandler
from skill.handlers.urgent import UrgentSymptomsIntentHandler

REQUEST_HANDLERS = (
    LaunchRequestHandler,
    UrgentSymptomsIntentHandler,  # first: a red flag in any intent's slots leads with the warning
    TopicIntentHandler,  # the intents that need only the content (TOPIC_ANSWERS)
    CauseDetailIntentHandler,
    TipDetailIntentHandler,
    MedicineQuestionIntentHandler,
    GuidedStretchIntentHandler,
    SetReminderIntentHandler,
    CancelReminderIntentHandler,
    PermissionAnswerHandler,
    MoreDetailIntentHandler,
    YesIntentHandler,
    NoIntentHandler,
    NextIntentHandler,
    PreviousIntentHandler,
    RepeatIntentHandler,
    StartOverIntentHandler,
    NavigateHomeIntentHandler,
    HelpIntentHandler,
    StopOrCancelIntentHandler,
    FallbackIntentHandler,
    SessionEndedRequestHandler,
    SkillDisabledRequestHandler,
    ScreenEventHandler,  # touches: the same answers as the intents above
)
EXCEPTION_HANDLERS = (CatchAllExceptionHandler,)
