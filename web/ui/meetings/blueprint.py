"""The meetings' blueprint: `meeting`, every page behind sign-in; the forms for secretaries."""

from flask import Blueprint

from web.ui.common import signin_required

blueprint = signin_required(Blueprint("meeting", __name__))
KIND = "meeting"
