"""Read what customers write: complaint intents in French, Dutch, German and English.

Public API:
    classify(text, language=None) -> Classification
    classify_frame(df) -> (messages, hits)
    build_message_intents(con) -> int
"""

from ecoute.intents.classifier import Classification, IntentHit, classify
from ecoute.intents.frame import classify_frame
from ecoute.intents.lexicon import INTENTS, LANGUAGES
from ecoute.intents.warehouse import build_message_intents

__all__ = [
    "INTENTS",
    "LANGUAGES",
    "Classification",
    "IntentHit",
    "build_message_intents",
    "classify",
    "classify_frame",
]
