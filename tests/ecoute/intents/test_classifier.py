"""Edge cases of classify(), one tiny fixture each."""

import subprocess
import sys

import pytest

from ecoute.intents import classify


def names(text: str, language: str | None = None) -> list[str]:
    return classify(text, language).intent_names


def phrase(text: str, intent: str, language: str | None = None) -> str:
    return next(h.phrase for h in classify(text, language).intents if h.intent == intent)


def test_accentless_resilier():
    assert "churn_threat" in names("je vais resilier demain", "fr")


@pytest.mark.parametrize("text", ["j’en ai marre, je résilie", "j'en ai marre, je résilie"])
def test_apostrophe_variants_match_alike(text):
    result = classify(text, "fr")
    assert result.intent_names == ["churn_threat"]
    assert result.severity == classify("j'en ai marre, je résilie", "fr").severity


def test_apostrophe_variant_inside_pattern():
    assert phrase("personne ne m’a rappelé", "no_callback", "fr") == "personne ne m’a rappelé"


@pytest.mark.parametrize("text", ["j'ai résilié hier", "je résilierai lundi", "la résiliation"])
def test_french_inflection(text):
    assert "churn_threat" in names(text, "fr")


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("je ne veux pas résilier", "fr"),
        ("I am not cancelling my plan", "en"),
        ("I don't want to cancel", "en"),
        ("ik ga niet opzeggen", "nl"),
        ("ik zeg mijn abonnement niet op", "nl"),
        ("Ich will nicht kündigen", "de"),
        ("Ich kündige nicht", "de"),
    ],
)
def test_negation_cancels_churn(text, language):
    assert "churn_threat" not in names(text, language)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("impossible de résilier mon abonnement", "fr"),
        ("they would not let me cancel my service", "en"),
        ("Comcast will not cancel my account", "en"),
        ("ik kan niet opzeggen", "nl"),
    ],
)
def test_obstruction_is_not_negation(text, language):
    assert "churn_threat" in names(text, language)


def test_someone_else_cancelling_is_not_churn():
    assert "churn_threat" not in names("they have cancelled my appointment twice", "en")


@pytest.mark.parametrize(
    ("text", "churn"),
    [
        # The nearest subject pronoun in the clause says who cancels.
        ("when they charged off the debt and cancelled my account", False),
        ("he said the bank already closed my account", False),
        ("they told me I could cancel my service", True),
        ("they will not let me cancel my service", True),
        ("we cancelled our contract last month", True),
        # A termination fee is paid for the customer's own leaving.
        ("Excessive early termination fees", True),
        ("Internet service termination", True),
    ],
)
def test_who_acts_decides_churn(text, churn):
    assert ("churn_threat" in names(text, "en")) is churn


def test_negated_compensation_only_when_volitional():
    assert "compensation_request" not in names("je ne demande pas de remboursement", "fr")
    assert "compensation_request" in names("aucun remboursement depuis 3 mois", "fr")


def test_dutch_opgezegd():
    assert phrase("Ik heb vorige week opgezegd.", "churn_threat", "nl") == "opgezegd"


def test_dutch_missed_appointment_and_no_callback():
    got = names("De monteur is niet gekomen en niemand heeft teruggebeld.", "nl")
    assert {"missed_appointment", "no_callback"} <= set(got)


def test_german_intents():
    got = classify("Seit drei Tagen Störung, der Techniker ist nicht gekommen. Ich kündige!", "de")
    assert {"outage", "missed_appointment", "churn_threat"} <= set(got.intent_names)
    assert phrase("Der Techniker ist nicht gekommen", "missed_appointment", "de") == (
        "Techniker ist nicht gekommen"
    )


def test_german_eszett_and_umlaut_phrase_is_original():
    text = "Die Rechnung ist zu hoch, ich möchte eine Gutschrift. Grüße aus der Straße"
    result = classify(text, "de")
    assert {"billing", "compensation_request"} <= set(result.intent_names)
    assert all(hit.phrase in text for hit in result.intents)


@pytest.mark.parametrize(
    ("text", "language"),
    [
        ("Le TECHNICIEN n’est JAMAIS venu, rdv annulé, plus d'internet !!", "fr"),
        ("Technician was a NO-SHOW; nobody called back. Refund please.", "en"),
        ("Storing! Monteur niet gekomen, ik wil een schadevergoeding", "nl"),
    ],
)
def test_phrase_is_substring_of_input(text, language):
    result = classify(text, language)
    assert result.intents
    assert all(hit.phrase and hit.phrase in text for hit in result.intents)


def test_given_language_takes_precedence():
    assert classify("je vais résilier", "en").language == "en"
    assert classify("je vais résilier", "en").intents == []


def test_language_detected_when_not_given():
    assert classify("Bonjour, je n'ai plus internet depuis trois jours.").language == "fr"
    assert classify("Ich habe seit Tagen kein Internet und niemand ruft zurück.").language == "de"


def test_severity_bounds_and_ordering():
    calm = classify("Merci, tout fonctionne.", "fr").severity
    angry = classify("HONTEUX !!! Je résilie et je saisis le médiateur, arnaque !!!", "fr").severity
    assert calm == 0.0
    assert 0.0 < angry <= 1.0
    assert angry > classify("je résilie", "fr").severity


def test_empty_text():
    result = classify("", "en")
    assert result.intents == [] and result.severity == 0.0


def test_detector_not_built_at_import():
    code = (
        "import ecoute.intents, ecoute.intents.classifier as c;"
        "assert c._detector.cache_info().currsize == 0"
    )
    subprocess.run([sys.executable, "-c", code], check=True)


@pytest.mark.parametrize(
    ("text", "language", "expected"),
    [
        ("je vais changer !", "fr", "je vais changer"),  # the verb ends the clause
        ("fin du mois je décale.", "fr", "je décale"),
        ("I'm done, I am leaving now.", "en", "I am leaving"),  # "now" is a tail word
        ("je vais changer de box", "fr", None),  # an object: not leaving
        ("je ne vais pas partir.", "fr", None),  # negated
        ("je l'ai vu se barrer !", "fr", None),  # "se": someone else leaves
        ("il va partir.", "fr", None),  # the customer is not the subject
        ("I had to leave a message.", "en", None),
    ],
)
def test_leaving_said_by_the_final_verb(text, language, expected):
    hits = [h for h in classify(text, language).intents if h.intent == "churn_threat"]
    assert [h.phrase for h in hits] == ([expected] if expected else [])
    assert all(h.method == "final_verb" for h in hits)


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("j'attends le technicien depuis une semaine", True),  # a wait that lasts
        ("le réparateur que vous deviez envoyer est toujours invisible", True),
        ("j'attends un technicien dans 4 jours", False),  # a date ahead
    ],
)
def test_a_visit_told_as_a_wait(text, expected):
    assert ("missed_appointment" in names(text, "fr")) is expected


@pytest.mark.parametrize(
    ("text", "language", "intent", "expected"),
    [
        # leaving for "le concurrent", back to a former provider, the grass elsewhere
        ("sinon je pars chez le concurrent", "fr", "churn_threat", True),
        ("je vais retourner chez mon ancien opérateur", "fr", "churn_threat", True),
        ("l'herbe est peut-être plus verte ailleurs", "fr", "churn_threat", True),
        # a planned visit the company cancels, however long its description
        (
            "rdv du technicien prévu le 3 mai entre 8 et 10h que vous avez annulé la veille",
            "fr", "missed_appointment", True,
        ),
        ("14h-16h, toujours personne, pas un mot du technicien", "fr", "missed_appointment", True),
        # who hangs up decides: the customer hanging up is not a dropped call
        ("I finally hung up the phone on him.", "en", "dropped_call", False),
        ("I was hung up on twice.", "en", "dropped_call", True),
        ("The rep hung up on me.", "en", "dropped_call", True),
        # cancelling a sale or PMI is not leaving; a cancellation fee still is
        ("They refused to cancel the foreclosure sale.", "en", "churn_threat", False),
        ("The lender must cancel the PMI at 78 %.", "en", "churn_threat", False),
        ("Comcast cancellation fee", "en", "churn_threat", True),
    ],
)  # fmt: skip
def test_kinds_from_the_s8_tuning_draw(text, language, intent, expected):
    assert (intent in names(text, language)) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("le serveur vocal ne répond pas à mes questions", False),  # someone on the line
        ("le conseiller ne répond jamais à mes mails", True),  # an answer that never came
        ("vous ne répondez pas depuis une semaine", True),
    ],
)
def test_not_answering_questions_on_the_line_is_no_missed_callback(text, expected):
    assert ("no_callback" in names(text, "fr")) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("vous résiliez des lignes sans prévenir", False),  # the operator acts
        ("pouvez-vous résilier mon abonnement", True),  # the customer asks
        ("je veux que vous résiliez mon abonnement", True),
    ],
)
def test_the_operator_as_actor_of_a_french_cancellation(text, expected):
    assert ("churn_threat" in names(text, "fr")) is expected


@pytest.mark.parametrize(
    ("text", "intent", "expected"),
    [
        ("Refund owing to us since March", "compensation_request", True),
        ("The credit they promised has still not been received", "compensation_request", True),
        ("He was going to hang up on me before I could ask.", "dropped_call", False),
    ],
)
def test_english_kinds_owed_money_and_announced_hang_up(text, intent, expected):
    assert (intent in names(text, "en")) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("rdv fixé entre 9h et 12h. j'ai pris ma matinée. il est 13h et rien", True),
        ("je voudrais reporter mon rdv avec le technicien", False),  # the customer moves it
        ("j'envoie une demande de report du rendez-vous", False),
        ("le technicien a annulé le rendez-vous", True),
    ],
)
def test_french_visit_window_passed_and_the_customer_moving_it(text, expected):
    assert ("missed_appointment" in names(text, "fr")) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("réparez avant lundi ou c'est ciao", True),  # a goodbye ends the relation
        ("je vais faire valoir mon droit de rétractation", True),
        ("sfr me tente vraiment en ce moment", True),  # a competitor appeals
        ("quel est le numéro de votre service résiliation ?", True),
        ("merci pour votre résiliation rapide", False),  # the operator talking
    ],
)
def test_french_leaving_said_in_other_words(text, expected):
    assert ("churn_threat" in names(text, "fr")) is expected


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("l'appel a été interrompu deux fois", True),  # the call as subject
        ("ça coupe en pleine conversation avec le conseiller", True),
        ("le conseiller m'a encore raccroché", True),  # the agent hangs up
        ("le conseiller m'a dit de raccrocher", False),  # an instruction, no hang-up
        ("coupure internet pendant la nuit", False),  # an outage, not a call
    ],
)
def test_french_calls_cut_by_kind(text, expected):
    assert ("dropped_call" in names(text, "fr")) is expected
