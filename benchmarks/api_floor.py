"""The framework's floor for benchmarks/api.py: one Flask route returning a constant JSON.

Served by gunicorn with the same workers as the application: `benchmarks.api_floor:create_app()`.
"""

from flask import Flask, jsonify

BODY = {"id": 1, "reference": "DSP-2026-000001", "state": "recorded", "version": 1}


def create_app() -> Flask:
    """Build the minimal application: GET /floor answers the same small JSON object."""
    app = Flask(__name__)

    @app.get("/floor")
    def floor():
        return jsonify(BODY)

    return app
