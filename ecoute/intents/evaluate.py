"""Precision and recall, with counts and 95 % Wilson intervals, per language and intent.

Run: python -m ecoute.intents.evaluate [--split test|tuning|both] [--given-language]
     [--errors] [--data-dir PATH]

Two splits, kept in separate files (a test fails if they share a text):
- tuning: tests/ecoute/intents/labels/*.csv (source, row_id, intents joined by "|"), the
  sample that shaped the rules and trains the model;
- test: tests/ecoute/intents/blind/*.csv, labelled by reading before any rule or model was
  tuned on it, never used for tuning. Its French and English files label the five target
  intents; nl_translated.csv and de_translated.csv hold texts translated by hand from French
  and English texts of the test split, with their labels.
Files named grown_* (2026-12-03 growth of either split) label the five target intents only.
Texts of the real corpora are read from the shared external data folder, never copied (the
French tweets with their lost line breaks restored, corpora.restore_newlines).
"""

from __future__ import annotations

import argparse
import math
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ecoute.intents.corpora import CORPORA, default_data_dir, load_corpus_for_reading
from ecoute.intents.frame import classify_frame
from ecoute.intents.lexicon import INTENTS

LABEL_DIR = Path(__file__).resolve().parents[2] / "tests" / "ecoute" / "intents" / "labels"
TEST_DIR = LABEL_DIR.with_name("blind")
# A second sample, drawn after the lexicons were tuned and labelled blind for one intent each:
# files <language>_<intent>.csv with columns source, row_id, <intent> (1 or 0).
HELDOUT_DIR = LABEL_DIR.with_name("heldout")
# Intents with a quality target (per language): precision >= 0.85 and recall >= 0.7. They are
# the intents the test split labels.
TARGET_INTENTS: tuple[str, ...] = (
    "churn_threat",
    "compensation_request",
    "missed_appointment",
    "no_callback",
    "dropped_call",
)
TARGET_PRECISION = 0.85
TARGET_RECALL = 0.7
TARGET_LANGUAGES: tuple[str, ...] = ("fr", "en")  # nl and de are reported, not held to it
Z95 = 1.959964


@dataclass(frozen=True)
class Score:
    """Counts and ratios for one (language, intent)."""

    language: str
    intent: str
    tp: int
    fp: int
    fn: int

    @property
    def support(self) -> int:
        return self.tp + self.fn

    @property
    def precision(self) -> float:
        return self.tp / (self.tp + self.fp) if self.tp + self.fp else float("nan")

    @property
    def recall(self) -> float:
        return self.tp / self.support if self.support else float("nan")

    @property
    def precision_interval(self) -> tuple[float, float]:
        return wilson(self.tp, self.tp + self.fp)

    @property
    def recall_interval(self) -> tuple[float, float]:
        return wilson(self.tp, self.support)


def wilson(successes: int, n: int, z: float = Z95) -> tuple[float, float]:
    """Wilson score interval of a proportion (95 % by default); (nan, nan) when n is 0."""
    if n == 0:
        return float("nan"), float("nan")
    p = successes / n
    centre = (p + z * z / (2 * n)) / (1 + z * z / n)
    half = z * math.sqrt(p * (1 - p) / n + z * z / (4 * n * n)) / (1 + z * z / n)
    return max(0.0, centre - half), min(1.0, centre + half)


# Label files named grown_* (the 2026-12-03 growth of both splits) label the five target
# intents only; the older files label all twelve.
GROWN_PREFIX = "grown"


def load_labels(label_dir: Path = LABEL_DIR, *, grown: bool = True) -> pl.DataFrame:
    """All label files of one split (not the translated ones): source, row_id, gold, and
    all_intents (False for grown_* files, which label the five target intents only)."""
    frames = [
        pl.read_csv(path, schema_overrides={"row_id": pl.Utf8, "intents": pl.Utf8}).with_columns(
            pl.lit(not path.stem.startswith(GROWN_PREFIX)).alias("all_intents")
        )
        for path in sorted(label_dir.glob("*.csv"))
        if not path.stem.endswith("_translated")
        and (grown or not path.stem.startswith(GROWN_PREFIX))
    ]
    return pl.concat(frames).select(
        "source",
        "row_id",
        pl.col("intents")
        .fill_null("")
        .str.split("|")
        .list.eval(pl.element().filter(pl.element() != ""))
        .alias("gold"),
        "all_intents",
    )


def load_translated(test_dir: Path = TEST_DIR) -> pl.DataFrame:
    """The hand-translated Dutch and German test texts: source, row_id, gold, text, language."""
    frames = []
    for path in sorted(test_dir.glob("*_translated.csv")):
        language = path.stem.split("_", 1)[0]
        frame = pl.read_csv(path, infer_schema_length=0)
        frames.append(
            frame.select(
                pl.lit(f"translated_{language}").alias("source"),
                pl.col("translated_from").alias("row_id"),
                pl.col("intents").fill_null("").str.split("|")
                .list.eval(pl.element().filter(pl.element() != "")).alias("gold"),
                pl.col("text"),
                pl.lit(language).alias("language"),
            )
        )  # fmt: skip
    return pl.concat(frames)


def test_split(data_dir: Path | None = None) -> pl.DataFrame:
    """Every text of the test split with its gold intents (real texts joined to the corpora)."""
    real = labelled_texts(load_labels(TEST_DIR), data_dir)
    return pl.concat([real, load_translated()], how="diagonal_relaxed")


def tuning_split(data_dir: Path | None = None) -> pl.DataFrame:
    """Every text of the tuning split with its gold intents."""
    return labelled_texts(load_labels(LABEL_DIR), data_dir)


def labelled_texts(labels: pl.DataFrame, data_dir: Path | None = None) -> pl.DataFrame:
    """Join labels to their texts in the shared corpora; fails if a labelled row is missing."""
    texts = pl.concat([load_corpus_for_reading(source, data_dir) for source in CORPORA])
    joined = labels.join(texts, on=["source", "row_id"], how="left")
    missing = joined.filter(pl.col("text").is_null())
    if missing.height:
        raise ValueError(f"{missing.height} labelled rows not found in the corpora")
    return joined


def predict(sample: pl.DataFrame, given_language: bool = False) -> pl.DataFrame:
    """Run classify_frame on the sample; language detection unless given_language."""
    frame = sample.select(
        (pl.col("source") + ":" + pl.col("row_id")).alias("message_id"),
        pl.col("text").alias("body"),
        pl.lit(None, dtype=pl.Utf8).alias("subject"),
        (pl.col("language") if given_language else pl.lit(None, dtype=pl.Utf8)).alias("language"),
    )
    messages, _ = classify_frame(frame)
    return sample.with_columns(
        messages["language"].alias("detected_language"), messages["intents"].alias("predicted")
    )


def score(predicted: pl.DataFrame, intents: tuple[str, ...] = INTENTS) -> list[Score]:
    """One Score per (true language of the corpus, intent)."""
    scores: list[Score] = []
    for language in sorted(predicted["language"].unique()):
        every = predicted.filter(pl.col("language") == language)
        for intent in intents:
            # an intent outside the five targets is scored only where it was labelled
            rows = every
            if intent not in TARGET_INTENTS and "all_intents" in every.columns:
                rows = every.filter(pl.col("all_intents").fill_null(True))
            gold = rows["gold"].list.contains(intent)
            pred = rows["predicted"].list.contains(intent)
            scores.append(
                Score(
                    language,
                    intent,
                    tp=int((gold & pred).sum()),
                    fp=int((~gold & pred).sum()),
                    fn=int((gold & ~pred).sum()),
                )
            )
    return scores


def load_heldout(heldout_dir: Path = HELDOUT_DIR) -> list[tuple[str, str, pl.DataFrame]]:
    """(language, intent, labels as source, row_id, gold list) per held-out file."""
    found = []
    for path in sorted(heldout_dir.glob("*.csv")):
        language, intent = path.stem.split("_", 1)
        frame = pl.read_csv(path, schema_overrides={"row_id": pl.Utf8, intent: pl.Int8})
        gold = (
            pl.when(pl.col(intent) == 1)
            .then(pl.lit([intent]))
            .otherwise(pl.lit([], pl.List(pl.Utf8)))
        )
        found.append((language, intent, frame.select("source", "row_id", gold.alias("gold"))))
    return found


def score_heldout(data_dir: Path | None = None, given_language: bool = False) -> list[Score]:
    """Precision and recall of each held-out file's one intent on its own texts."""
    scores = []
    for language, intent, labels in load_heldout():
        predicted = predict(labelled_texts(labels, data_dir), given_language)
        scores += [s for s in score(predicted) if s.language == language and s.intent == intent]
    return scores


def misses_targets(scores: list[Score]) -> list[Score]:
    """Target intents below the precision or recall target."""
    return [
        s
        for s in scores
        if s.intent in TARGET_INTENTS
        and s.language in TARGET_LANGUAGES
        and (not s.precision >= TARGET_PRECISION or not s.recall >= TARGET_RECALL)
    ]


def _ratio(value: float, interval: tuple[float, float]) -> str:
    if math.isnan(value):
        return "–"
    return f"{value:.2f} [{interval[0]:.2f}, {interval[1]:.2f}]"


def format_table(scores: list[Score]) -> str:
    """Markdown table: language, intent, support, tp, fp, fn, precision and recall with
    their 95 % Wilson intervals."""
    lines = [
        "| lang | intent | support | tp | fp | fn | precision [95 % CI] | recall [95 % CI] |",
        "|---|---|---:|---:|---:|---:|---|---|",
    ]
    for s in scores:
        mark = " *" if s.intent in TARGET_INTENTS and s.language in TARGET_LANGUAGES else ""
        lines.append(
            f"| {s.language} | {s.intent}{mark} | {s.support} | {s.tp} | {s.fp} | {s.fn} "
            f"| {_ratio(s.precision, s.precision_interval)} "
            f"| {_ratio(s.recall, s.recall_interval)} |"
        )
    return "\n".join(lines)


def evaluate_split(split: str, data_dir: Path | None = None, given_language: bool = False
                   ) -> tuple[pl.DataFrame, list[Score]]:  # fmt: skip
    """Predictions and scores on one split ("test" scores the five labelled intents)."""
    if split == "test":
        predicted = predict(test_split(data_dir), given_language)
        return predicted, score(predicted, TARGET_INTENTS)
    predicted = predict(tuning_split(data_dir), given_language)
    return predicted, score(predicted)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument("--split", choices=["test", "tuning", "both"], default="test")
    parser.add_argument(
        "--given-language",
        action="store_true",
        help="pass the corpus language instead of detecting",
    )
    parser.add_argument("--errors", action="store_true", help="list disagreements")
    parser.add_argument(
        "--heldout", action="store_true", help="score the 2025 held-out sample (en churn only)"
    )
    args = parser.parse_args(argv)
    data_dir = args.data_dir or default_data_dir()
    if not data_dir.exists():
        print(f"external data folder not found: {data_dir}")
        return 2
    if args.heldout:
        scores = score_heldout(data_dir, args.given_language)
        print(format_table(scores))
        return 1 if misses_targets(scores) else 0
    failing: list[Score] = []
    for split in ("tuning", "test") if args.split == "both" else (args.split,):
        predicted, scores = evaluate_split(split, data_dir, args.given_language)
        detected_ok = (predicted["detected_language"] == predicted["language"]).mean()
        print(f"\n## {split} split: {predicted.height} labelled texts; "
              f"language detection accuracy {detected_ok:.3f}\n")  # fmt: skip
        print(format_table(scores))
        if args.errors:
            _print_errors(predicted, TARGET_INTENTS if split == "test" else INTENTS)
        if split == "test":
            failing = misses_targets(scores)
    for s in failing:
        print(f"TARGET MISSED: {s.language} {s.intent} P={s.precision:.2f} R={s.recall:.2f}")
    return 1 if failing else 0


def _print_errors(predicted: pl.DataFrame, intents: tuple[str, ...]) -> None:
    for row in predicted.iter_rows(named=True):
        gold, pred = set(row["gold"]) & set(intents), set(row["predicted"]) & set(intents)
        if gold != pred:
            print(
                f"{row['source']}:{row['row_id']} missed={sorted(gold - pred)} "
                f"extra={sorted(pred - gold)} :: {row['text'][:160]!r}"
            )


if __name__ == "__main__":
    raise SystemExit(main())
