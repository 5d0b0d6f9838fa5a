"""The contract managers' portal: `create_app`, run by `python -m naleving.portal`."""
from naleving.portal.app import create_app

__all__ = ["create_app"]
