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
    CrampCausesIntentHandler,
    CrampReliefIntentHandler,
    MoreDetailIntentHandler,
    PreventionTipsIntentHandler,
    SeeDoctorIntentHandler,
    TipDetailIntentHandler,
    UrgentSymptomsIntentHandler,
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

REQUEST_HANDLERS = (
    LaunchRequestHandler,
    UrgentSymptomsIntentHandler,
    CrampCausesIntentHandler,
    CauseDetailIntentHandler,
    PreventionTipsIntentHandler,
    TipDetailIntentHandler,
    CrampReliefIntentHandler,
    SeeDoctorIntentHandler,
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
)
EXCEPTION_HANDLERS = (CatchAllExceptionHandler,)
