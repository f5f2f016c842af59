"""The scoring core: instrument files parsed into frozen data classes and one ``score`` function.

Pure Python, no Django (a test checks it): the answer page, the paper entry, the bulk import and
the API all call the same code, so every path scores a response the same way.
"""

from .engine import (
    COMPLETE,
    FOLLOW_UP,
    PARTIAL,
    AnswerError,
    AnswerProblem,
    FlagResult,
    Result,
    ScaleResult,
    TriageResult,
    clean_answers,
    is_shown,
    next_unanswered,
    score,
    validate_answers,
)
from .loader import (
    BUILTIN_DIR,
    InstrumentFileError,
    load_directory,
    load_instrument_file,
    parse_instrument,
)
from .model import LANGUAGES, LEVELS, RISK_CATEGORIES, Instrument, Item, OptionSet

__all__ = [
    "BUILTIN_DIR", "COMPLETE", "FOLLOW_UP", "LANGUAGES", "LEVELS", "PARTIAL", "RISK_CATEGORIES",
    "AnswerError", "AnswerProblem", "FlagResult", "Instrument", "InstrumentFileError", "Item",
    "OptionSet", "Result", "ScaleResult", "TriageResult", "clean_answers", "is_shown",
    "load_directory", "load_instrument_file", "next_unanswered", "parse_instrument", "score",
    "validate_answers",
]
