"""The engine's record paths (notifications' links) are the web's own URLs."""

from flask import url_for

from engine.records.registry import RECORD_TYPES
from web.ui.records import record_url


def test_every_record_type_path_is_its_page_url(app):
    with app.test_request_context():
        for name, rtype in RECORD_TYPES.items():
            assert rtype.path(12) == record_url(name, 12)
        meeting = RECORD_TYPES["meeting"]
        assert meeting.path(3, "convocation.pdf") == url_for(
            "meeting_documents.convocation", meeting_id=3
        )
        assert meeting.path(3, "proces-verbal.pdf") == url_for(
            "meeting_documents.minutes_pdf", meeting_id=3
        )
