"""aspire: draft answers to "What are your career aspirations?".

    >>> import aspire
    >>> draft = aspire.generate({"resume": "...", "company": "Acme"})
    >>> print(draft.answer)

The library never reads ``.env`` and never prints; see the README.
"""

from .backends import Backend, ChatRequest, Completion, FakeBackend
from .config import Settings, resolve_settings
from .errors import (
    AspireError,
    BackendError,
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

__version__ = "0.1.0"

__all__ = [
    "DEFAULT_QUESTION",
    "AspireError",
    "Backend",
    "BackendError",
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
    "SelfAssessment",
    "Settings",
    "Usage",
    "__version__",
    "agenerate",
    "check_answer",
    "generate",
    "parse_plan",
    "resolve_settings",
]
