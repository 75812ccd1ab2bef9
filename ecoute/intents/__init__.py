"""Read what customers write: complaint intents in French, Dutch, German and English.

Public API:
    classify(text, language=None) -> Classification
    classify_frame(df) -> (messages, hits)
"""

from ecoute.intents.classifier import Classification, IntentHit, classify
from ecoute.intents.frame import classify_frame
from ecoute.intents.lexicon import INTENTS, LANGUAGES

__all__ = [
    "INTENTS",
    "LANGUAGES",
    "Classification",
    "IntentHit",
    "classify",
    "classify_frame",
]
