"""A tile map of Martinique's 34 communes: one square each, laid out as the island lies.

No package this machine reaches ships the official contours of Martinique's communes (the IGN's
ADMIN EXPRESS and the INSEE's contours are downloads, not packages), so the diagnostic's map is
a tile map: each commune a square in a grid that keeps its neighbours around it, north at the
top, the Caribbean Sea on the left, the Atlantic on the right.
"""

# INSEE code → (column, row, short label). Columns run west to east, rows north to south.
TILES: dict[str, tuple[int, int, str]] = {
    "97211": (1, 0, "GRi"),  # Grand'Rivière
    "97215": (2, 0, "Mac"),  # Macouba
    "97203": (3, 0, "BPo"),  # Basse-Pointe
    "97219": (0, 1, "Prê"),  # Le Prêcheur
    "97201": (2, 1, "Ajo"),  # L'Ajoupa-Bouillon
    "97214": (3, 1, "Lor"),  # Le Lorrain
    "97216": (4, 1, "Mgt"),  # Le Marigot
    "97225": (0, 2, "StP"),  # Saint-Pierre
    "97218": (1, 2, "MRo"),  # Le Morne-Rouge
    "97208": (2, 2, "FSD"),  # Fonds-Saint-Denis
    "97228": (4, 2, "SMa"),  # Sainte-Marie
    "97204": (0, 3, "Car"),  # Le Carbet
    "97233": (1, 3, "MVe"),  # Le Morne-Vert
    "97212": (3, 3, "GMo"),  # Gros-Morne
    "97230": (4, 3, "Tri"),  # La Trinité
    "97234": (0, 4, "Bel"),  # Bellefontaine
    "97205": (1, 4, "CPi"),  # Case-Pilote
    "97224": (3, 4, "StJ"),  # Saint-Joseph
    "97222": (4, 4, "Rob"),  # Le Robert
    "97229": (1, 5, "Sch"),  # Schœlcher
    "97209": (2, 5, "FdF"),  # Fort-de-France
    "97213": (3, 5, "Lam"),  # Le Lamentin
    "97210": (5, 5, "Fra"),  # Le François
    "97231": (2, 6, "TÎl"),  # Les Trois-Îlets
    "97207": (3, 6, "Duc"),  # Ducos
    "97223": (4, 6, "StE"),  # Saint-Esprit
    "97232": (5, 6, "Vau"),  # Le Vauclin
    "97202": (1, 7, "AAr"),  # Les Anses-d'Arlet
    "97206": (2, 7, "Dia"),  # Le Diamant
    "97221": (3, 7, "RSa"),  # Rivière-Salée
    "97220": (4, 7, "RPi"),  # Rivière-Pilote
    "97217": (5, 7, "Mar"),  # Le Marin
    "97227": (3, 8, "StL"),  # Sainte-Luce
    "97226": (5, 8, "StA"),  # Sainte-Anne
}
COLUMNS = 1 + max(column for column, _, _ in TILES.values())
ROWS = 1 + max(row for _, row, _ in TILES.values())
