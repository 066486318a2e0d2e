"""A password guessed from four clients at once, against four gunicorn workers: at most five
tries reach the password check, and the account's owner still signs in from elsewhere.

The workers share nothing but the database (SQLite's file, or PostgreSQL): the counts, the
serialisation per account and the audit log are theirs.
"""

import re
from concurrent.futures import ThreadPoolExecutor

import httpx
from sqlalchemy import func, select

from engine.db.uow import UnitOfWork
from engine.models import AuditEvent
from tests.factories import PASSWORD, World

WRONG = "pas le bon mot de passe"
CSRF = re.compile(r'<meta name="csrf-token" content="([^"]+)">')


def sign_in(client: httpx.Client, email: str, password: str, address: str) -> int:
    headers = {"X-Forwarded-For": address}
    page = client.get("/connexion", headers=headers)
    found = CSRF.search(page.text)
    assert found, (page.status_code, page.text[:300])
    token = found.group(1)
    form = {"csrf_token": token, "email": email, "password": password}
    return client.post("/connexion", data=form, headers=headers).status_code


def guess(base_url: str, tries: int) -> list[int]:
    with httpx.Client(base_url=base_url, timeout=60) as client:
        return [sign_in(client, "owner@example.mq", WRONG, "10.6.6.6") for _ in range(tries)]


def checked(world: World) -> int:
    with UnitOfWork(world.db) as uow:
        failed = select(func.count()).where(AuditEvent.action == "sign_in_failed")
        return uow.session.scalar(failed)


def test_sixty_guesses_from_four_clients_reach_the_check_five_times(serve, world: World):
    server = serve(workers=4, env={"MAILLAGE_PROXIES": "1"})
    with ThreadPoolExecutor(4) as pool:
        answers = [
            code for codes in pool.map(guess, [server.base_url] * 4, [15] * 4) for code in codes
        ]
    assert sorted(set(answers)) == [401, 429]
    assert answers.count(401) == 5 == checked(world)
    with httpx.Client(base_url=server.base_url, timeout=60) as owner:
        assert sign_in(owner, "owner@example.mq", PASSWORD, "10.0.0.7") == 302
    with httpx.Client(base_url=server.base_url, timeout=60) as there:
        # The attacker's address still waits, whoever types there.
        assert sign_in(there, "owner@example.mq", PASSWORD, "10.6.6.6") == 429
