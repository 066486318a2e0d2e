"""A small in-process cache of the public pages, keyed on the catalogue's version.

The version (the last audit event's position, one index lookup) changes with every change of
data, so a cached page is never older than the data it shows: a scheme leaving the approved
state empties the cache on the next request. Answers carry an ETag made of the same version, so
a browser or a proxy asking again gets a 304 before anything is rendered.
"""

import hashlib
import threading
from collections import OrderedDict
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime

from flask import Flask, Response, current_app, make_response, request

EXTENSION = "maillage.public_cache"
MAX_AGE = 60  # seconds a browser or a proxy may reuse a public answer without asking
ENTRIES = 512
# A body larger than this (the open-data file of a very large inventory) is rendered each time
# rather than held in memory.
LARGEST = 8 * 1024 * 1024


@dataclass(frozen=True)
class Entry:
    body: bytes
    status: int
    content_type: str


class PublicCache:
    """Rendered public answers of the current version, least recently used dropped first."""

    def __init__(self, size: int = ENTRIES) -> None:
        self.size = size
        self.version: int | None = None
        self.entries: OrderedDict[tuple, Entry] = OrderedDict()
        self.lock = threading.Lock()

    def get(self, version: int, key: tuple) -> Entry | None:
        with self.lock:
            if version != self.version:
                self.entries.clear()
                self.version = version
                return None
            entry = self.entries.get(key)
            if entry is not None:
                self.entries.move_to_end(key)
            return entry

    def put(self, version: int, key: tuple, entry: Entry) -> None:
        with self.lock:
            if version != self.version or len(entry.body) > LARGEST:
                return
            self.entries[key] = entry
            while len(self.entries) > self.size:
                self.entries.popitem(last=False)


def register_public_cache(app: Flask) -> None:
    app.extensions[EXTENSION] = PublicCache()


def cached(
    version: int,
    key: tuple,
    build: Callable[[], object],
    *,
    last_modified: datetime | None = None,
) -> Response:
    """Answer from the cache, or build the answer and keep it; 304 when the client has it."""
    tag = hashlib.sha256(repr((version, key)).encode()).hexdigest()[:32]
    if request.if_none_match.contains(tag):
        return _public(Response(status=304), tag, last_modified)
    store: PublicCache = current_app.extensions[EXTENSION]
    entry = store.get(version, key)
    if entry is None:
        response = make_response(build())
        if response.status_code != 200:
            return response  # a redirect or a refused filter: answered as it is, never kept
        entry = Entry(response.get_data(), response.status_code, response.content_type)
        store.put(version, key, entry)
    response = Response(entry.body, entry.status, content_type=entry.content_type)
    return _public(response, tag, last_modified).make_conditional(request)


def _public(response: Response, tag: str, last_modified: datetime | None) -> Response:
    response.cache_control.public = True
    response.cache_control.max_age = MAX_AGE
    response.set_etag(tag)
    if last_modified is not None:
        response.last_modified = last_modified
    # The page's language follows the browser's (or the signed-in user's) choice.
    response.vary.update(("Accept-Language", "Cookie"))
    return response
