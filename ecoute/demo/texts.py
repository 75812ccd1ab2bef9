# ruff: noqa: E501 - customer prose reads better unwrapped
"""What the demo's customers write: complaint templates in French, Dutch, English and German.

A message is an opening sentence about what happened (its *cause*), zero to three add-ons
(compensation, apology, repeated explanations, switching operator, ombudsman) and a greeting and
closing. ``{date}`` and ``{ticket}`` are filled from the event. Wording is deliberately varied,
informal and sometimes sloppy, like real e-mails and web forms.
"""

from __future__ import annotations

LANGS = ("fr", "nl", "de", "en")

# cause -> language -> sentences
OPENERS: dict[str, dict[str, tuple[str, ...]]] = {
    "missed_appointment": {
        "fr": (
            "J'ai pris congé le {date} pour attendre votre technicien, entre 8h et 18h, et personne n'est venu.",
            "Le technicien n'est jamais venu au rendez-vous du {date}, sans aucun appel ni SMS pour prévenir.",
            "Rendez-vous du {date} annulé la veille au soir, alors que j'avais posé une journée de congé.",
            "Troisième fois que le technicien ne se présente pas. Le {date} j'ai attendu toute la journée pour rien.",
        ),
        "nl": (
            "Ik heb op {date} een dag verlof genomen voor de technieker en er is niemand gekomen.",
            "De monteur is op {date} niet komen opdagen, zonder telefoon of sms vooraf.",
            "Mijn afspraak van {date} werd pas de avond ervoor geannuleerd, ik had al vrij genomen.",
        ),
        "de": (
            "Der Techniker ist am {date} nicht gekommen, obwohl ich den ganzen Tag zu Hause gewartet habe.",
        ),
        "en": (
            "I took a day off on {date} to wait for your engineer (window 8am to 6pm) and nobody showed up.",
            "The technician never came on {date} and nobody told me the appointment was cancelled.",
        ),
    },
    "dropped_call": {
        "fr": (
            "Mon appel au service client a été coupé le {date} après 25 minutes d'attente et personne ne m'a rappelé.",
            "La communication a été coupée en plein milieu de l'explication, on m'avait promis de me rappeler, rien.",
        ),
        "nl": (
            "Mijn gesprek met de klantendienst werd op {date} onderbroken en niemand heeft teruggebeld.",
            "De lijn viel weg terwijl ik alles aan het uitleggen was, er werd beloofd terug te bellen maar niets.",
        ),
        "de": ("Mein Anruf wurde am {date} unterbrochen und niemand hat zurückgerufen.",),
        "en": (
            "My call was cut off on {date} while I was talking to your agent and nobody called me back.",
            "The line dropped mid-call and the promised call back never came.",
        ),
    },
    "outage": {
        "fr": (
            "Plus d'internet ni de téléphone fixe depuis le {date}. On m'a dit que des travaux avaient coupé un câble.",
            "Panne totale internet et télé depuis le {date} dans tout le quartier, et aucune information de votre part.",
            "Cela fait plusieurs jours sans connexion (depuis le {date}), je télétravaille, c'est inacceptable.",
        ),
        "nl": (
            "Sinds {date} geen internet en geen vaste lijn meer. Blijkbaar is er een kabel doorgeknipt bij werken.",
            "Al dagen een volledige storing (sinds {date}), geen tv en geen internet, en geen enkele info van jullie.",
        ),
        "de": ("Seit dem {date} haben wir kein Internet und kein Festnetz mehr.",),
        "en": (
            "No internet or landline since {date}. Apparently a cable was cut by road works.",
            "We have had a total outage since {date} and nobody tells us when it will be fixed.",
        ),
    },
    "repeat_contact": {
        "fr": (
            "J'ai déjà appelé quatre fois pour le dossier {ticket} et à chaque appel je dois tout réexpliquer depuis le début.",
            "Le conseiller n'avait aucune trace de mon appel précédent, je dois tout répéter à chaque fois.",
        ),
        "nl": (
            "Ik heb al vier keer gebeld over dossier {ticket} en moet telkens alles opnieuw uitleggen.",
            "De medewerker vond niets terug van mijn vorige oproep, ik moet elke keer alles herhalen.",
        ),
        "de": ("Ich habe schon mehrmals angerufen und muss jedes Mal alles neu erklären.",),
        "en": (
            "I have called four times about case {ticket} and every time I have to explain everything again.",
            "The agent had no record of my previous call, so I had to start from scratch again.",
        ),
    },
    "wifi": {
        "fr": (
            "Le wifi se coupe plusieurs fois par jour depuis le {date}, le modem a déjà été redémarré.",
        ),
        "nl": ("De wifi valt sinds {date} meerdere keren per dag weg, de modem is al herstart.",),
        "de": ("Das WLAN fällt seit dem {date} mehrmals täglich aus.",),
        "en": (
            "The wifi keeps dropping several times a day since {date}, I already restarted the modem.",
        ),
    },
    "billing": {
        "fr": (
            "Ma facture de ce mois est beaucoup plus élevée que d'habitude, je ne comprends pas les frais.",
            "On m'a facturé deux fois le même mois, merci de corriger.",
        ),
        "nl": (
            "Mijn factuur van deze maand is veel hoger dan normaal, ik begrijp de kosten niet.",
            "Ik ben twee keer aangerekend voor dezelfde maand, gelieve dit recht te zetten.",
        ),
        "de": ("Meine Rechnung ist diesen Monat viel höher als sonst.",),
        "en": (
            "My bill this month is much higher than usual and I do not understand the charges.",
            "I was charged twice for the same month, please correct it.",
        ),
    },
}

ADDONS: dict[str, dict[str, tuple[str, ...]]] = {
    "compensation_request": {
        "fr": (
            "Je demande un geste commercial / une réduction sur ma facture pour ces jours sans service.",
            "J'exige le dédommagement prévu par la loi pour la panne et le rendez-vous manqué.",
        ),
        "nl": (
            "Ik vraag een compensatie of korting op mijn factuur voor deze dagen zonder dienst.",
            "Ik wil de wettelijke schadevergoeding voor de storing.",
        ),
        "de": ("Ich verlange eine Gutschrift auf meiner Rechnung.",),
        "en": (
            "I expect a refund or a reduction on my bill for the days without service.",
            "Please tell me what compensation I am entitled to.",
        ),
    },
    "apology_request": {
        "fr": ("Un minimum d'excuses serait le bienvenu.",),
        "nl": ("Een excuus zou op zijn plaats zijn.",),
        "de": ("Eine Entschuldigung wäre angebracht.",),
        "en": ("An apology would be the least you could do.",),
    },
    "repeat_contact": {
        "fr": ("C'est la troisième fois que je vous écris à ce sujet.",),
        "nl": ("Dit is al de derde keer dat ik hierover contact opneem.",),
        "de": ("Ich schreibe Ihnen bereits zum dritten Mal.",),
        "en": ("This is the third time I contact you about this.",),
    },
    "churn_threat": {
        "fr": (
            "Si rien n'est fait cette semaine, je résilie mon abonnement et je pars chez un concurrent.",
            "Je songe sérieusement à changer d'opérateur.",
        ),
        "nl": (
            "Als dit deze week niet opgelost is, zeg ik mijn abonnement op en stap ik over naar een andere operator.",
            "Ik overweeg ernstig om van provider te veranderen.",
        ),
        "de": ("Wenn das nicht gelöst wird, kündige ich meinen Vertrag.",),
        "en": (
            "If this is not fixed this week I will cancel my contract and switch provider.",
            "I am seriously considering leaving for another operator.",
        ),
    },
    "ombudsman_threat": {
        "fr": (
            "Sans réponse de votre part, je porterai plainte auprès du service de médiation pour les télécommunications.",
        ),
        "nl": ("Zonder antwoord dien ik een klacht in bij de Ombudsdienst voor Telecommunicatie.",),
        "de": ("Ohne Antwort wende ich mich an den Ombudsdienst für Telekommunikation.",),
        "en": ("Without an answer I will file a complaint with the telecom ombudsman.",),
    },
}
ADDON_ORDER = ("repeat_contact", "compensation_request", "apology_request", "churn_threat",
               "ombudsman_threat")  # fmt: skip

SUBJECTS: dict[str, dict[str, str]] = {
    "missed_appointment": {"fr": "Technicien non venu", "nl": "Technieker niet gekomen",
                           "de": "Techniker nicht gekommen", "en": "Engineer did not come"},
    "dropped_call": {"fr": "Appel coupé, pas de rappel", "nl": "Gesprek onderbroken",
                     "de": "Anruf unterbrochen", "en": "Call cut off, no call back"},
    "outage": {"fr": "Panne internet et téléphone", "nl": "Storing internet en telefoon",
               "de": "Störung Internet", "en": "Internet and phone outage"},
    "repeat_contact": {"fr": "Réclamation - dossier {ticket}", "nl": "Klacht - dossier {ticket}",
                       "de": "Beschwerde {ticket}", "en": "Complaint - case {ticket}"},
    "wifi": {"fr": "Problème wifi", "nl": "Wifi probleem", "de": "WLAN Problem", "en": "Wifi problem"},
    "billing": {"fr": "Facture", "nl": "Factuur", "de": "Rechnung", "en": "Bill"},
}  # fmt: skip

GREETINGS = {
    "fr": ("Bonjour,", "Madame, Monsieur,", "Bonjour,", ""),
    "nl": ("Beste,", "Geachte heer, mevrouw,", "Hallo,", ""),
    "de": ("Sehr geehrte Damen und Herren,", "Hallo,"),
    "en": ("Hello,", "Dear customer service,", "Hi,", ""),
}
CLOSINGS = {
    "fr": ("Cordialement.", "Merci de me répondre rapidement.", "Salutations.", ""),
    "nl": ("Met vriendelijke groeten.", "Graag een snel antwoord.", "Groeten.", ""),
    "de": ("Mit freundlichen Grüßen.", ""),
    "en": ("Regards.", "Please reply quickly.", "Thanks.", ""),
}
