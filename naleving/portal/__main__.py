"""`python -m naleving.portal --state .naleving`: serve the portal and say where to open it."""
from __future__ import annotations

import argparse
import os
import sys
from pathlib import Path

import uvicorn

from naleving import config
from naleving.portal.app import create_app
from naleving.portal.users import UsersFileError


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m naleving.portal",
                                     description="Het portaal voor contractmanagers op de laatst gepubliceerde stand.")
    parser.add_argument("--state", type=Path, default=config.DEFAULT_STATE_DIR, help="statusmap (standaard .naleving)")
    parser.add_argument("--users", type=Path, default=Path("config/portal_users.toml"), help="gebruikersbestand")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=8000)
    parser.add_argument("--identity-header", default=os.environ.get("NALEVING_PORTAL_IDENTITY_HEADER") or None,
                        help="header waarin de toegangsproxy de gebruiker meegeeft (bijv. X-Remote-User)")
    parser.add_argument("--dev-login", action=argparse.BooleanOptionalAction, default=None,
                        help="ontwikkel-login (standaard: aan zonder --identity-header, anders uit)")
    args = parser.parse_args(argv)
    dev_login = args.identity_header is None if args.dev_login is None else args.dev_login
    try:
        app = create_app(args.state, args.users, args.identity_header, dev_login)
    except UsersFileError as problem:
        print(f"Gebruikersbestand onjuist: {problem}", file=sys.stderr)
        return 1
    print(f"Naleving-portaal: open http://{args.host}:{args.port}/ in uw browser", flush=True)
    if dev_login:
        print(f"Ontwikkel-login aan: kies een gebruiker uit {args.users}. Niet gebruiken in productie.", flush=True)
    uvicorn.run(app, host=args.host, port=args.port, log_level="warning")
    return 0


if __name__ == "__main__":
    sys.exit(main())
