"""Fixtures of the integration tests: a world of users and organisations on a fresh database."""

import pytest
from argon2 import PasswordHasher, profiles

from engine.db.database import Database
from engine.rules import passwords
from tests.factories import World


@pytest.fixture
def world(db: Database, monkeypatch: pytest.MonkeyPatch) -> World:
    """A fresh database with reference data, two organisations and one user per role."""
    # Hashing each user's password with production argon2 costs would dominate these tests;
    # the cheapest parameters still give real hashes that verify.
    monkeypatch.setattr(passwords, "_hasher", PasswordHasher.from_parameters(profiles.CHEAPEST))
    return World.build(db)
