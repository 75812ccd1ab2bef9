"""Throughput benchmark: python -m bench.intents [--n 100000] [--startup]

Generates realistic complaint messages from templates (fixed seed, four languages, a third
without a language so detection runs) and times classify_frame on them. With --startup it
times instead a first and a second call on 20 messages in a fresh process: the first pays
for loading (lingua's models, simplemma's dictionaries if a concept needs them).
"""

from __future__ import annotations

import argparse
import random
import time

import polars as pl

from ecoute.intents.frame import classify_frame

TEMPLATES: dict[str, list[str]] = {
    "fr": [
        "Bonjour, plus d'internet depuis {d} jours à {city}, le technicien n'est jamais venu !",
        "Je vais résilier si personne ne me rappelle, j’en ai marre de {p}.",
        "Facture de {n}€ ce mois-ci alors que la box est en panne, je demande un geste commercial.",
        "J'ai appelé {n} fois, à chaque fois il faut tout réexpliquer. Honteux.",
        "La ligne fixe ne marche plus et le wifi coupe sans arrêt depuis {d} jours.",
        "Merci pour votre aide, tout fonctionne à nouveau.",
    ],
    "nl": [
        "Al {d} dagen een storing in {city}, de monteur is niet gekomen.",
        "Ik ga mijn abonnement opzeggen, niemand heeft me teruggebeld.",
        "Mijn factuur is {n} euro te hoog, ik wil een schadevergoeding.",
        "Ik heb al {n} keer gebeld en moet telkens opnieuw uitleggen wat er mis is.",
        "De wifi valt constant weg en de vaste lijn werkt niet.",
    ],
    "de": [
        "Seit {d} Tagen Störung in {city}, der Techniker ist nicht gekommen!",
        "Ich werde kündigen, wenn ich keine Gutschrift bekomme. Die Rechnung ist falsch.",
        "Ich habe {n} mal angerufen und niemand hat zurückgerufen.",
        "Das WLAN geht nicht und das Festnetz ist tot. Eine Frechheit.",
    ],
    "en": [
        "Internet has been down for {d} days in {city} and the technician was a no-show.",
        "I want a refund for the outage or I will cancel and switch to another provider.",
        "Called {n} times, nobody called back, I'm filing a complaint with the FCC.",
        "My bill went up by ${n} without notice. UNACCEPTABLE!!!",
        "The call dropped twice while I was on hold and I had to explain everything again.",
        "Thanks, the wifi works fine now.",
    ],
}
CITIES = ["Lyon", "Gent", "Köln", "Boston", "Namur", "Utrecht", "Liège", "Denver"]
PEOPLE = ["votre service client", "vos conseillers", "cette box", "vos promesses"]


def generate(n: int, seed: int = 7) -> pl.DataFrame:
    """n messages: message_id, body, subject (sometimes), language (two thirds given)."""
    rng = random.Random(seed)
    langs = list(TEMPLATES)
    rows: dict[str, list[str | None]] = {
        "message_id": [],
        "body": [],
        "subject": [],
        "language": [],
    }
    for i in range(n):
        lang = rng.choice(langs)
        body = " ".join(
            rng.choice(TEMPLATES[lang]).format(
                d=rng.randint(1, 20),
                n=rng.randint(2, 300),
                city=rng.choice(CITIES),
                p=rng.choice(PEOPLE),
            )
            for _ in range(rng.randint(1, 3))
        )
        rows["message_id"].append(f"m{i:07d}")
        rows["body"].append(body)
        rows["subject"].append(None if rng.random() < 0.7 else "Réclamation / complaint")
        rows["language"].append(lang if rng.random() < 0.67 else None)
    return pl.DataFrame(rows, schema={k: pl.Utf8 for k in rows})


def main(argv: list[str] | None = None) -> None:
    parser = argparse.ArgumentParser(description="time classify_frame")
    parser.add_argument("--n", type=int, default=100_000)
    parser.add_argument("--startup", action="store_true", help="first vs second call, 20 rows")
    args = parser.parse_args(argv)
    if args.startup:
        startup()
        return
    df = generate(args.n)
    start = time.perf_counter()
    messages, hits = classify_frame(df)
    elapsed = time.perf_counter() - start
    print(
        f"classified {messages.height} messages ({hits.height} intent hits) "
        f"in {elapsed:.1f} s ({messages.height / elapsed:,.0f} messages/s)"
    )


def startup() -> None:
    """Seconds of a first and a second classify_frame call on 20 messages each."""
    times = []
    for seed in (1, 2):
        df = generate(20, seed=seed)
        start = time.perf_counter()
        classify_frame(df)
        times.append(time.perf_counter() - start)
    print(f"first call {times[0]:.2f} s, second call {times[1]:.3f} s (20 messages each)")


if __name__ == "__main__":
    main()
