"""Names of the fields people see: French column headers and labels, shared by import and export."""

# Scheme fields in the order a spreadsheet shows them; the French label is the column header of
# every export, and the first name the import recognises.
SCHEME_COLUMNS: dict[str, tuple[str, str]] = {
    "reference": ("Référence", "Reference"),
    "title": ("Intitulé", "Title"),
    "organisation": ("Porteur", "Organisation"),
    "organisation_siren": ("SIREN du porteur", "Organisation SIREN"),
    "state": ("État", "State"),
    "summary": ("Résumé", "Summary"),
    "description": ("Description", "Description"),
    "themes": ("Thématiques", "Themes"),
    "publics": ("Publics cibles", "Target publics"),
    "age_min": ("Âge minimum", "Minimum age"),
    "age_max": ("Âge maximum", "Maximum age"),
    "aid_types": ("Nature de l'aide", "Aid types"),
    "territories": ("Territoire couvert", "Territories"),
    "annual_budget": ("Budget annuel (€)", "Annual budget (€)"),
    "funders": ("Financeurs", "Funders"),
    "partners": ("Partenaires", "Partners"),
    "capacity": ("Capacité (bénéficiaires / an)", "Capacity (beneficiaries / year)"),
    "beneficiaries_last_year": ("Bénéficiaires l'an dernier", "Beneficiaries last year"),
    "start_date": ("Date de début", "Start date"),
    "end_date": ("Date de fin", "End date"),
    "eligibility": ("Critères d'éligibilité", "Eligibility"),
    "legal_basis": ("Cadre juridique", "Legal basis"),
    "contact_name": ("Contact", "Contact"),
    "contact_email": ("Courriel de contact", "Contact email"),
    "contact_phone": ("Téléphone de contact", "Contact phone"),
    "url": ("Site web", "Website"),
    "decision_reference": ("Décision du COPIL", "COPIL decision"),
    "pooling": ("Mutualisation", "Pooling"),
    "created_at": ("Créé le", "Created"),
    "updated_at": ("Mis à jour le", "Updated"),
}

POOLING_COLUMNS: dict[str, tuple[str, str]] = {
    "reference": ("Référence", "Reference"),
    "title": ("Intitulé", "Title"),
    "state": ("État", "State"),
    "kind": ("Type de mutualisation", "Kind"),
    "lead_organisation": ("Structure pilote", "Lead organisation"),
    "members": ("Dispositifs membres", "Member schemes"),
    "rationale": ("Justification", "Rationale"),
    "territories": ("Territoire couvert", "Territories"),
    "expected_budget": ("Budget annuel prévu (€)", "Expected annual budget (€)"),
    "expected_savings": ("Économies attendues (€)", "Expected savings (€)"),
    "target_date": ("Date cible", "Target date"),
    "decision_reference": ("Décision du COPIL", "COPIL decision"),
    "decision_date": ("Date de la décision", "Decision date"),
    "decision_conditions": ("Conditions", "Conditions"),
}


def header(field: str, columns: dict[str, tuple[str, str]] = SCHEME_COLUMNS) -> str:
    """Return the French column header of a field."""
    return columns[field][0]
