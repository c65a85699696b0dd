"""A cheap language guess, good enough to stop scoring German, French, Spanish, Italian,
Portuguese or Dutch as English.

The English lexicons (TextBlob, VADER, ours) see a non-English comment as a bag of unknown
words and call it neutral with apparent confidence. Function words are the most reliable
short-text signal and cost one set lookup per token, which keeps us far inside the
throughput budget; a statistical identifier would cost more than the sentiment scoring itself.
"""

from __future__ import annotations

import re

_TOKEN = re.compile(r"[^\W\d_]+(?:'[^\W\d_]+)?")

# Function words that are frequent in one language and rare in English text. Words shared
# between the candidate languages (e.g. "la", "es", "de") are listed under each of them; the
# tie is broken by the words and letters that belong to one language only.
_STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        """the and is it to of i you we that this in for on with was my not but have be are
        just so can do what how when it's don't can't me our they he she at by from or an
        if as there will would been has had get got no yes all any its i'm im isn't didn't
        doesn't won't should could about which who new one still now out up more than then
        very really because their them your us did does am were being thanks please""".split()
    ),
    "de": frozenset(
        """der die das und ist nicht ich wir es ein eine einen auf mit den dem des zu auch gibt
        sich aber noch wie was schon für läuft als bei mehr jetzt früher immer kann muss haben
        sind hat wird oder nur sehr mir uns man dass daß keine kein weil wenn von im zum zur
        sie er ja nein bitte danke gut besser schlecht warum wer wieder
        doch habe hatte wurde werden mich dich euch unsere unser neue neuen alte alten""".split()
    ),
    "fr": frozenset(
        """le la les et est je nous une des du pas de que qui pour avec sur ce c'est j'ai il
        elle on mais plus très au aux ou dans ne se sont ça cette ces mon ma mes notre nos
        votre vos avoir être fait faire bien merci aussi encore toujours maintenant avant
        pourquoi comment quand tout tous rien personne ai était une un d'un d'une l'ancien
        nouveau nouvelle qu'il n'est c'était""".split()
    ),
    "es": frozenset(
        """el la los las y es que de no en un una por con para del se lo nos esto esta este
        pero más muy ahora antes yo mi mis qué quién cómo está están hay nadie al su sus le
        ya también todo todos nada cuando porque sí gracias bien mal sistema nuevo nueva
        tengo tiene tenemos hacer hace puedo sé así sobre entre desde hasta""".split()
    ),
    # Italian, Portuguese and Dutch: only words that are not also common English words
    # (no "come", "era", "do", "no", "as", "we", "was") and no URL parts ("com").
    "it": frozenset(
        """il lo gli che non di della dello dei delle nel nella questo questa quello perché
        quando anche ancora molto più già sempre adesso prima nuovo nuova nuovi nuove vecchio
        vecchia vecchi vecchie sistema funziona abbiamo hanno è essere fare fatto niente
        nessuno grazie bene troppo dopo qualcuno qualcosa ci si ma mi sa""".split()
    ),
    "pt": frozenset(
        """os um uma não que para dos das nos nas é são foi ser estar está estão isso isto
        este esta esse essa porque quando também ainda muito mais já sempre agora antes novo
        nova antigo antiga sistema funciona tenho temos fazer nada ninguém obrigado obrigada
        bem você vocês da alguém algum alguma quem sabe""".split()
    ),
    "nl": frozenset(
        """het een niet ik wij dat van voor maar ook nog geen moet moeten werkt systeem
        nieuwe nieuw oude waarom hoe wanneer nu altijd weer heel veel meer hebben heeft
        zijn wordt worden kunnen mijn onze jullie bedankt goed slecht langzaam niks
        niemand""".split()
    ),
}

# Letters that English text almost never uses.
_LETTERS: dict[str, frozenset[str]] = {
    "de": frozenset("äöüß"),
    "fr": frozenset("çœèêàâîûù"),
    "es": frozenset("ñ¿¡áíóú"),
    "pt": frozenset("ãõç"),
}

_SHARED = {
    word
    for lang, words in _STOPWORDS.items()
    for word in words
    if sum(word in other for other in _STOPWORDS.values()) > 1
}


_FOREIGN = frozenset().union(*(words for lang, words in _STOPWORDS.items() if lang != "en"))


def detect_language(text: str) -> str:
    """Return 'en', 'de', 'fr', 'es', 'it', 'pt' or 'nl'; 'en' whenever the evidence for another
    is thin."""
    lowered = text.lower()
    tokens = set(_TOKEN.findall(lowered))
    if not tokens:
        return "en"
    if lowered.isascii() and len(tokens & _FOREIGN) < 2:
        return "en"  # the rule below needs two foreign function words, or one and a letter
    scores: dict[str, float] = {}
    for lang, words in _STOPWORDS.items():
        hits = tokens & words
        scores[lang] = len(hits) - 0.5 * len(hits & _SHARED) if hits else 0.0
    if not lowered.isascii():
        for lang, letters in _LETTERS.items():
            if not letters.isdisjoint(lowered):
                scores[lang] += 1.5
    best = max(("de", "fr", "es", "it", "pt", "nl"), key=lambda lang: scores[lang])
    # Two function words (or one plus a telltale letter) and more than English has.
    if scores[best] >= 2.0 and scores[best] > scores["en"] * 1.2:
        return best
    return "en"
