"""Precision / recall / support per intent and language on the hand-labelled sample.

Run: python -m ecoute.intents.evaluate [--given-language] [--data-dir PATH]

Labels live in tests/ecoute/intents/labels/*.csv as (source, row_id, intents joined by "|");
the texts are read from the shared external data folder, never copied into the repo.
"""

from __future__ import annotations

import argparse
from dataclasses import dataclass
from pathlib import Path

import polars as pl

from ecoute.intents.corpora import CORPORA, default_data_dir, load_corpus
from ecoute.intents.frame import classify_frame
from ecoute.intents.lexicon import INTENTS

LABEL_DIR = Path(__file__).resolve().parents[2] / "tests" / "ecoute" / "intents" / "labels"
# A second sample, drawn after the lexicons were tuned and labelled blind for one intent each:
# files <language>_<intent>.csv with columns source, row_id, <intent> (1 or 0).
HELDOUT_DIR = LABEL_DIR.with_name("heldout")
# Intents with a quality target (per language): precision >= 0.85 and recall >= 0.7.
TARGET_INTENTS: tuple[str, ...] = ("churn_threat", "compensation_request", "missed_appointment")
TARGET_PRECISION = 0.85
TARGET_RECALL = 0.7


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


def load_labels(label_dir: Path = LABEL_DIR) -> pl.DataFrame:
    """All label files: source, row_id, gold (list of intents)."""
    frames = [
        pl.read_csv(path, schema_overrides={"row_id": pl.Utf8, "intents": pl.Utf8})
        for path in sorted(label_dir.glob("*.csv"))
    ]
    return pl.concat(frames).select(
        "source",
        "row_id",
        pl.col("intents")
        .fill_null("")
        .str.split("|")
        .list.eval(pl.element().filter(pl.element() != ""))
        .alias("gold"),
    )


def labelled_texts(labels: pl.DataFrame, data_dir: Path | None = None) -> pl.DataFrame:
    """Join labels to their texts in the shared corpora; fails if a labelled row is missing."""
    texts = pl.concat([load_corpus(source, data_dir) for source in CORPORA])
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


def score(predicted: pl.DataFrame) -> list[Score]:
    """One Score per (true language of the corpus, intent)."""
    scores: list[Score] = []
    for language in sorted(predicted["language"].unique()):
        rows = predicted.filter(pl.col("language") == language)
        for intent in INTENTS:
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
        and (not s.precision >= TARGET_PRECISION or not s.recall >= TARGET_RECALL)
    ]


def format_table(scores: list[Score]) -> str:
    """Markdown table: language, intent, support, tp, fp, fn, precision, recall."""
    lines = [
        "| lang | intent | support | tp | fp | fn | precision | recall |",
        "|---|---|---:|---:|---:|---:|---:|---:|",
    ]
    for s in scores:
        mark = " *" if s.intent in TARGET_INTENTS else ""
        lines.append(
            f"| {s.language} | {s.intent}{mark} | {s.support} | {s.tp} | {s.fp} | {s.fn} "
            f"| {s.precision:.2f} | {s.recall:.2f} |"
        )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--data-dir", type=Path, default=None)
    parser.add_argument(
        "--given-language",
        action="store_true",
        help="pass the corpus language instead of detecting",
    )
    parser.add_argument("--errors", action="store_true", help="list disagreements")
    parser.add_argument(
        "--heldout", action="store_true", help="score the held-out sample (one intent per file)"
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
    predicted = predict(labelled_texts(load_labels(), data_dir), args.given_language)
    detected_ok = (predicted["detected_language"] == predicted["language"]).mean()
    print(f"{predicted.height} labelled texts; language detection accuracy {detected_ok:.3f}")
    scores = score(predicted)
    print(format_table(scores))
    if args.errors:
        _print_errors(predicted)
    failing = misses_targets(scores)
    for s in failing:
        print(f"TARGET MISSED: {s.language} {s.intent} P={s.precision:.2f} R={s.recall:.2f}")
    return 1 if failing else 0


def _print_errors(predicted: pl.DataFrame) -> None:
    for row in predicted.iter_rows(named=True):
        gold, pred = set(row["gold"]), set(row["predicted"])
        if gold != pred:
            print(
                f"{row['source']}:{row['row_id']} missed={sorted(gold - pred)} "
                f"extra={sorted(pred - gold)} :: {row['text'][:160]!r}"
            )


if __name__ == "__main__":
    raise SystemExit(main())
