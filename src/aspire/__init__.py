"""aspire: draft answers to "What are your career aspirations?".

    >>> import aspire
    >>> draft = aspire.generate({"resume": "...", "company": "Acme"})
    >>> print(draft.answer)

    >>> async for event in aspire.astream(profile):   # a chatbot, as the answer is written
    ...     if isinstance(event, str): print(event, end="")

The library never reads ``.env`` and never prints; see the README.
"""

from .backends import Backend, ChatRequest, Completion, FakeBackend
from .config import Settings, resolve_settings
from .errors import (
    AspireError,
    BackendError,
    BatchRequestError,
    BudgetExhaustedError,
    ConfigError,
    ContextOverflowError,
    DeadlineError,
    DraftRejectedError,
    GenerationError,
    InputError,
    ModelFileError,
)
from .generate import agenerate, generate
from .lint import check_answer, parse_plan
from .models import (
    DEFAULT_QUESTION,
    CandidateProfile,
    CheckResult,
    Draft,
    DraftContent,
    Goal,
    Plan,
    SelfAssessment,
    Usage,
)
from .streaming import Retry, StreamEvent, astream, stream

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_QUESTION",
    "AspireError",
    "Backend",
    "BackendError",
    "BatchRequestError",
    "BudgetExhaustedError",
    "CandidateProfile",
    "ChatRequest",
    "CheckResult",
    "Completion",
    "ConfigError",
    "ContextOverflowError",
    "DeadlineError",
    "Draft",
    "DraftContent",
    "DraftRejectedError",
    "FakeBackend",
    "GenerationError",
    "Goal",
    "InputError",
    "ModelFileError",
    "Plan",
    "Retry",
    "SelfAssessment",
    "Settings",
    "StreamEvent",
    "Usage",
    "__version__",
    "agenerate",
    "astream",
    "check_answer",
    "generate",
    "parse_plan",
    "resolve_settings",
    "stream",
]
