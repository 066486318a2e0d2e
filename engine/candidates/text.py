"""The words of a scheme's text that tell it apart: folded, French stop words left out."""

from engine.french.text import fold

# Common French words (folded: no accents), and the words every scheme's text uses.
_STOP = """
    a afin ai aie aient ainsi alors apres as au aucun aupres aussi autre autres aux avait avant
    avec avez avoir avons ayant c ca car ce ceci cela celle celles celui ces cet cette ceux chaque
    chez ci comme comment d dans de depuis des deux dont du elle elles en encore entre es est et
    etaient etait ete etre eu eux fait font grace il ils j je jusqu l la laquelle le lequel les
    lesquels leur leurs lors lui m ma mais me meme memes mes moi moins mon n ne ni non nos notre
    nous on ont ou par parce pas peu peut plus pour pourquoi qu quand que quel quelle quelles
    quels qui quoi s sa sans se selon ses si sinon soi soit son sont sous sur t ta tandis te tes
    toi ton tous tout toute toutes tres trop tu un une unes uns vers via vos votre vous y
    dispositif dispositifs programme programmes projet projets action actions aide aides
    service services mise place public publics ans an annee annees jour jours semaine semaines
"""
FRENCH_STOP_WORDS = frozenset(_STOP.split())


def analyse(text: str | None, also: frozenset[str] = frozenset()) -> list[str]:
    """Return the significant words of `text`: folded, 3 letters or more, no stop word (nor
    any of `also`)."""
    words = fold(text).replace("'", " ").replace("’", " ").replace("-", " ").split()
    out = []
    for word in words:
        word = word.strip('.,;:!?()«»"[]/…')
        stop = word in FRENCH_STOP_WORDS or word in also
        if len(word) >= 3 and not stop and not word.isdigit():
            out.append(word)
    return out


def place_words(names) -> frozenset[str]:
    """The words of territory names ("Le Lamentin" → lamentin): the territories are scored
    apart, so the text must not count a shared commune name twice."""
    return frozenset(w for name in names for w in analyse(name))
