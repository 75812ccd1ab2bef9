"""Read the external evaluation corpora and draw the labelled sample.

The shared files are read-only third-party data: we never copy their texts into the repo,
only (source, row id, intents) labels. This module is the single place that knows the file
names, id columns and text columns, so tests and the evaluation CLI agree on them.
"""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import polars as pl

FR_TWEETS = "free_tweets_fr"
COMCAST = "comcast_fcc"
CFPB = "cfpb"


@dataclass(frozen=True)
class Corpus:
    """Where one external corpus lives and which columns hold its id and its text."""

    source: str
    relpath: str
    id_column: str
    text_column: str
    language: str


CORPORA: dict[str, Corpus] = {
    FR_TWEETS: Corpus(
        FR_TWEETS, "free-mobile-tweets-fr/free_tweets_fr.csv", "tweet_id", "text", "fr"
    ),
    COMCAST: Corpus(
        COMCAST,
        "comcast-fcc-complaints/Comcast_telecom_complaints_data.csv",
        "Ticket #",
        "Customer Complaint",
        "en",
    ),
    CFPB: Corpus(
        CFPB,
        "cfpb-complaints-sample/cfpb_complaints_sample.csv",
        "Complaint ID",
        "Consumer complaint narrative",
        "en",
    ),
}

# Broad candidate keywords used ONLY to enrich the sample so that rare intents occur often
# enough to measure. They are deliberately wider than (and written before) the lexicons, and
# every sampled text was labelled by reading it, whatever keyword brought it in.
ENRICH_PATTERNS: dict[str, str] = {
    FR_TWEETS: (
        r"r[ée]sili|partir|quitter|concurren|op[ée]rateur|rembours|geste|d[ée]dommag|"
        r"indemn|avoir|technicien|rdv|rendez|venu|lapin|m[ée]diat|arcep|avocat"
    ),
    COMCAST: (
        r"cancel|switch|leav|refund|credit|compens|reimburs|technician|tech\b|appointment|"
        r"no.show|show up|never came|fcc|lawyer"
    ),
    CFPB: (
        r"cancel|switch|close my account|refund|reimburs|compensat|credit back|waive|"
        r"technician|appointment|never showed|show up|lawyer|attorney"
    ),
}

# Missed appointments are rare even among enriched rows, so a third, smaller stratum draws
# only from texts mentioning a technician or an appointment.
APPOINTMENT_PATTERNS: dict[str, str] = {
    FR_TWEETS: r"technicien|rdv|rendez-vous|rendez vous|intervention",
    COMCAST: r"technician|tech\b|appointment|appt|no.show|show up|showed up",
    CFPB: r"technician|appointment|no.show|show up|showed up",
}

SAMPLE_SEED = 20251126
# (random, enriched, appointment) rows per source; English is split across two sources.
SAMPLE_SIZES: dict[str, tuple[int, int, int]] = {
    FR_TWEETS: (100, 110, 40),
    COMCAST: (60, 70, 30),
    CFPB: (40, 45, 5),
}


def default_data_dir() -> Path:
    """The shared external data folder beside the checkout (``--data-dir`` points elsewhere:
    settings are the only reader of the environment)."""
    return Path(__file__).resolve().parents[3] / "shared" / "data" / "external"


def load_corpus(source: str, data_dir: Path | None = None) -> pl.DataFrame:
    """Return (source, row_id, text, language) for one corpus, rows without text dropped."""
    corpus = CORPORA[source]
    path = (data_dir or default_data_dir()) / corpus.relpath
    # encoding utf8-lossy also strips nothing; polars handles the Comcast BOM in the header.
    raw = pl.read_csv(path, infer_schema_length=0, encoding="utf8")
    raw = raw.rename({c: c.lstrip("\ufeff") for c in raw.columns})
    return raw.select(
        pl.lit(source).alias("source"),
        pl.col(corpus.id_column).alias("row_id"),
        pl.col(corpus.text_column).alias("text"),
        pl.lit(corpus.language).alias("language"),
    ).filter(pl.col("text").is_not_null() & (pl.col("text").str.strip_chars() != ""))


def _draw(df: pl.DataFrame, n: int, pattern: str | None, label: str) -> pl.DataFrame:
    """Up to n rows (fixed seed) among df, optionally only those matching pattern."""
    if pattern is not None:
        df = df.filter(pl.col("text").str.to_lowercase().str.contains(pattern))
    return df.sample(n=min(n, df.height), seed=SAMPLE_SEED).with_columns(
        pl.lit(label).alias("drawn_as")
    )


def draw_sample(source: str, data_dir: Path | None = None) -> pl.DataFrame:
    """Fixed-seed sample: random rows, then keyword-enriched rows, then appointment rows.

    Each stratum is drawn from the rows not already taken, so no text appears twice.
    """
    rest = load_corpus(source, data_dir)
    n_random, n_enriched, n_appointment = SAMPLE_SIZES[source]
    strata = [
        (n_random, None, "random"),
        (n_enriched, ENRICH_PATTERNS[source], "enriched"),
        (n_appointment, APPOINTMENT_PATTERNS[source], "appointment"),
    ]
    parts: list[pl.DataFrame] = []
    for n, pattern, label in strata:
        part = _draw(rest, n, pattern, label)
        parts.append(part)
        rest = rest.join(part.select("row_id"), on="row_id", how="anti")
    return pl.concat(parts)
