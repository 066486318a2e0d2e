"""Security that comes with the interface: headers, cookies, session lifetimes (to be built)."""

from flask import Flask


def register_security(app: Flask) -> None:
    """Set the security headers and session rules of every answer."""
