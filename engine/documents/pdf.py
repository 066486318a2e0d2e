"""HTML documents to PDF with WeasyPrint (Pango underneath: see the README's system packages)."""


def to_pdf(html: str) -> bytes:
    """Lay out a rendered document on A4 pages and return the PDF."""
    # Imported here: HTML documents work on a machine without Pango, and importing the engine
    # stays fast.
    import weasyprint

    # No base_url: documents carry everything inline, so nothing is ever fetched.
    return weasyprint.HTML(string=html).write_pdf()
