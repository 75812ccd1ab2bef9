"""Quality on the two label splits (texts read from the shared corpora, never copied).

The TEST split (tests/ecoute/intents/blind/) was labelled before any rule or model was tuned on
it and is never used for tuning; the targets below are asserted on it. The TUNING split
(labels/, heldout/) shaped the rules and trains the model: its figures guard against regressions
only. See docs/intents.md for both side by side.
"""

import math
from pathlib import Path

import polars as pl
import pytest

from ecoute.intents.corpora import (
    CORPORA,
    S6_GROWTH_SEED,
    S6_GROWTH_STRATA,
    S6_TEST_SEED,
    S6_TEST_STRATA,
    S6B_GROWTH_SEED,
    S6B_GROWTH_STRATA,
    S7_GROWTH_SEED,
    S7_GROWTH_STRATA,
    S8_GROWTH_SEED,
    S8_GROWTH_STRATA,
    draw_grown_test,
    draw_growth,
    draw_sample,
    draw_strata,
    draw_test_sample,
    load_corpus,
    restore_newlines,
)
from ecoute.intents.evaluate import (
    HELDOUT_DIR,
    LABEL_DIR,
    TARGET_INTENTS,
    TARGET_PRECISION,
    TARGET_RECALL,
    TEST_DIR,
    evaluate_split,
    load_labels,
    load_translated,
    score_heldout,
    wilson,
)

HERE = Path(__file__).parent
MIN_SUPPORT = 10  # fewer positives than this cannot measure a 0.7 recall
# Pairs the English corpora cannot support: every text about a missed appointment in the
# Comcast titles and CFPB narratives but one had been drawn by the 2025 tuning sample; the rows
# left that mention a technician, an appointment, a visit or an installation (drawn into the
# test split on 2026-12-03 and again in session 6) hold none.
UNDER_SUPPORTED = {("en", "missed_appointment")}
# Targets MISSED on the test split (525 texts after the session-6 growth), measured once per
# candidate after its rules and model choice were frozen (commits 891768d, 3f0dfca, 318aae5;
# the last two give these same figures; session 7: acd8012, which moved only English
# compensation, 25 -> 26 of 35; session 7 later, 42ee945 after the S8 tuning draw, which
# moved only French churn, 31 -> 30 of 38). Not tuned away on the test split: each needs new
# tuning text of its kind. strict: a fix shows up as XPASS and fails, so the list stays true.
MISSED = {
    ("fr", "churn_threat"): "P 0.79 (30 tp, 8 fp) R 0.79: résiliation named as advice, by "
    "the operator or of a competitor",
    ("fr", "missed_appointment"): "P 0.75 R 0.45 (9 of 20): waits told without a no-show verb",
    ("fr", "dropped_call"): "R 0.59 (13 of 22): the line or a machine hangs up, said without "
    "'au nez' or an object pronoun",
    ("en", "churn_threat"): "P 0.74 R 0.67 (14 of 21): CFPB finance narratives (policies, "
    "memberships, accounts closed in passing or by the company)",
    ("en", "compensation_request"): "P 0.72 R 0.74 (26 of 35): money back asked without refund "
    "words, refunds mentioned in passing",
    ("en", "dropped_call"): "R 0.58 (7 of 12): calls ended without the lexicon's phrasing",
}


def test_label_files_hold_no_text():
    for folder in (HERE / "labels", TEST_DIR):
        for path in sorted(folder.glob("*.csv")):
            if path.stem.endswith("_translated"):
                continue
            assert pl.read_csv(path, infer_schema_length=0).columns == [
                "source",
                "row_id",
                "intents",
            ]


def test_translated_sets_are_labelled_on_the_five_intents():
    translated = load_translated()
    assert set(translated["language"]) == {"nl", "de"}
    for language in ("nl", "de"):
        assert translated.filter(pl.col("language") == language).height >= 30
    assert set(translated["gold"].explode().drop_nulls()) <= set(TARGET_INTENTS)


def _keys(frame: pl.DataFrame) -> set[tuple[str, str]]:
    return set(frame.select("source", "row_id").iter_rows())


def _tuning_keys(grown: bool = True) -> set[tuple[str, str]]:
    keys = _keys(load_labels(grown=grown))
    for path in sorted(HELDOUT_DIR.glob("*.csv")):
        keys |= _keys(pl.read_csv(path, infer_schema_length=0))
    return keys


def test_sizes_per_language():
    test = load_labels(TEST_DIR)
    tuning = load_labels()
    fr = tuning.filter(pl.col("source") == "free_tweets_fr").height
    assert fr >= 300 and tuning.height - fr >= 300  # issue 21: >= 300 labelled texts each
    fr = test.filter(pl.col("source") == "free_tweets_fr").height
    assert fr >= 150 and test.height - fr >= 150


def test_grown_files_label_only_the_target_intents():
    for folder in (LABEL_DIR, TEST_DIR):
        grown = load_labels(folder).filter(~pl.col("all_intents"))
        assert grown.height and set(grown["gold"].explode().drop_nulls()) <= set(TARGET_INTENTS)


def test_splits_share_no_row():
    assert not _tuning_keys() & _keys(load_labels(TEST_DIR))


def test_splits_share_no_text(external_data_dir):
    texts = pl.concat([load_corpus(s, external_data_dir) for s in CORPORA])

    def normalised(keys):
        rows = texts.filter(pl.struct("source", "row_id").is_in(
            [{"source": s, "row_id": r} for s, r in keys]))  # fmt: skip
        return {" ".join(t.lower().split()) for t in rows["text"]}

    assert not normalised(_tuning_keys()) & normalised(_keys(load_labels(TEST_DIR)))


def test_labels_match_the_fixed_seed_samples(external_data_dir):
    tuning, test = load_labels(grown=False), load_labels(TEST_DIR, grown=False)
    for source in tuning["source"].unique():
        drawn = draw_sample(source, external_data_dir)["row_id"].to_list()
        assert tuning.filter(pl.col("source") == source)["row_id"].to_list() == drawn
    for source in test["source"].unique():
        drawn = draw_test_sample(source, _tuning_keys(False), external_data_dir)["row_id"].to_list()
        assert test.filter(pl.col("source") == source)["row_id"].to_list() == drawn


S6 = "grown_s6_"  # files of the second growth (session 6)
S6B = "grown_s6b_"  # the third growth (session 6, tuning only, French)
S7 = "grown_s7_"  # the fourth growth (session 7, tuning only)
S8 = "grown_s8_"  # the fifth growth (session 7, later, tuning only)


def _files(folder: Path, prefix: str) -> pl.DataFrame:
    return pl.concat(
        [pl.read_csv(p, infer_schema_length=0) for p in sorted(folder.glob(f"{prefix}*.csv"))]
    )


def test_grown_labels_match_their_draws(external_data_dir):
    """Each growth drew the test split first (from rows outside every older file), then the
    tuning split (from rows outside everything, that growth's test rows included)."""
    before = _tuning_keys(False) | _keys(load_labels(TEST_DIR, grown=False))
    grown_test = load_labels(TEST_DIR).filter(~pl.col("all_intents"))
    grown_tuning = load_labels().filter(~pl.col("all_intents"))
    s6b, s7 = _keys(_files(LABEL_DIR, S6B)), _keys(_files(LABEL_DIR, S7))
    s8 = _keys(_files(LABEL_DIR, S8))
    s6_test = _keys(_files(TEST_DIR, S6))
    s6_tuning = _keys(_files(LABEL_DIR, S6)) | s6b | s7 | s8
    grown_test = grown_test.filter(~pl.struct("source", "row_id").is_in(
        [{"source": s, "row_id": r} for s, r in s6_test]))  # fmt: skip
    grown_tuning = grown_tuning.filter(~pl.struct("source", "row_id").is_in(
        [{"source": s, "row_id": r} for s, r in s6_tuning]))  # fmt: skip
    for source in CORPORA:
        drawn = draw_grown_test(source, before, external_data_dir)["row_id"].to_list()
        assert grown_test.filter(pl.col("source") == source)["row_id"].to_list() == drawn
        exclude = before | _keys(grown_test)
        drawn = draw_growth(source, exclude, external_data_dir)["row_id"].to_list()
        assert grown_tuning.filter(pl.col("source") == source)["row_id"].to_list() == drawn
    before = _tuning_keys() - s6_tuning | _keys(load_labels(TEST_DIR)) - s6_test
    for folder, prefix, strata, seed, exclude in (
        (TEST_DIR, S6, S6_TEST_STRATA, S6_TEST_SEED, before),
        (LABEL_DIR, S6, S6_GROWTH_STRATA, S6_GROWTH_SEED, before | s6_test),
        (LABEL_DIR, S6B, S6B_GROWTH_STRATA, S6B_GROWTH_SEED,
         before | s6_test | s6_tuning - s6b - s7 - s8),
        (LABEL_DIR, S7, S7_GROWTH_STRATA, S7_GROWTH_SEED, before | s6_test | s6_tuning - s7 - s8),
        (LABEL_DIR, S8, S8_GROWTH_STRATA, S8_GROWTH_SEED, before | s6_test | s6_tuning - s8),
    ):  # fmt: skip
        labelled = _files(folder, prefix)
        for source in CORPORA:
            drawn = draw_strata(source, exclude, strata[source], seed, external_data_dir)
            rows = labelled.filter(pl.col("source") == source)["row_id"].to_list()
            assert rows == drawn["row_id"].to_list(), (folder.name, source)


def test_restore_newlines_splits_glued_words_only():
    texts = ["merci nje pars", "je pars", "non merci"] + ["je vais bien"] * 10
    assert restore_newlines(texts)[:3] == ["merci \nje pars", "je pars", "non merci"]


def test_wilson_interval():
    low, high = wilson(8, 10)
    assert round(low, 3) == 0.490 and round(high, 3) == 0.943
    assert wilson(0, 0) != wilson(0, 0)  # nan when nothing to measure


@pytest.fixture(scope="module")
def test_scores(external_data_dir):
    return {(s.language, s.intent): s for s in evaluate_split("test", external_data_dir)[1]}


def _marks(language: str, intent: str) -> list[pytest.MarkDecorator]:
    reason = MISSED.get((language, intent))
    return [pytest.mark.xfail(strict=True, reason=reason)] if reason else []


@pytest.mark.parametrize(
    ("language", "intent"),
    [
        pytest.param(lang, intent, marks=_marks(lang, intent))
        for lang in ("fr", "en")
        for intent in TARGET_INTENTS
    ],
)
def test_targets_on_the_test_split(test_scores, language, intent):
    s = test_scores[(language, intent)]
    if (language, intent) in UNDER_SUPPORTED:
        assert s.support < MIN_SUPPORT, "enough support now: assert the target"
        pytest.skip(f"{language} {intent}: support {s.support}, too few to measure")
    assert s.support >= MIN_SUPPORT, "too few labelled positives to measure"
    assert not math.isnan(s.precision) and s.precision >= TARGET_PRECISION, s
    assert s.recall >= TARGET_RECALL, s


def test_dutch_and_german_are_measured(test_scores):
    """Reported, not held to the targets (translations, and no Dutch or German tuning text)."""
    for language in ("nl", "de"):
        assert sum(test_scores[(language, i)].support for i in TARGET_INTENTS) >= 30


@pytest.fixture(scope="module")
def tuning_scores(external_data_dir):
    return {(s.language, s.intent): s for s in evaluate_split("tuning", external_data_dir)[1]}


@pytest.mark.parametrize("language", ["fr", "en"])
@pytest.mark.parametrize(
    "intent", ["churn_threat", "compensation_request", "missed_appointment", "no_callback"]
)
def test_no_regression_on_the_tuning_split(tuning_scores, language, intent):
    s = tuning_scores[(language, intent)]
    assert s.precision >= 0.75 and s.recall >= 0.75, s


def test_heldout_2025_churn(external_data_dir):
    (s,) = score_heldout(external_data_dir)
    assert s.support >= 10 and s.precision >= TARGET_PRECISION and s.recall >= TARGET_RECALL, s
