"""`claimline dev | serve | keys | schemas | dead-letters`."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path

from claimline.catalogue import SERVICES


def _serve(args: argparse.Namespace) -> int:
    import uvicorn

    from claimline.catalogue import definition
    from claimline.logs import configure
    from shared.service import create_app
    from shared.settings import SERVICE_PORTS

    configure(args.service)
    app = create_app(definition(args.service))
    uvicorn.run(
        app, host=args.host, port=args.port or SERVICE_PORTS[args.service],
        loop="uvloop", http="httptools", access_log=False, log_level="warning",
        timeout_graceful_shutdown=10,
    )
    return 0


def _dev(_args: argparse.Namespace) -> int:
    from claimline.dev import run_embedded

    return run_embedded()


def _keys_create(args: argparse.Namespace) -> int:
    from shared.auth import add_key

    path = Path(args.file or os.environ.get("CLAIMLINE_API_KEYS_FILE")
                or Path(os.environ.get("CLAIMLINE_DATA_DIR", ".claimline")) / "keys.json")
    scopes = [s.strip() for s in args.scopes.split(",") if s.strip()]
    try:
        key = add_key(path, args.client, scopes)
    except ValueError as error:
        print(f"claimline keys create: {error}", file=sys.stderr)
        return 2
    print(key)
    print(f"(stored hashed in {path}; this is the only time the key is shown)", file=sys.stderr)
    return 0


def _schemas(args: argparse.Namespace) -> int:
    from shared.events.schemas import stale_schemas, write_schemas

    if args.check:
        stale = stale_schemas()
        for event_type in stale:
            print(f"stale schema: {event_type} (run: claimline schemas)", file=sys.stderr)
        return 1 if stale else 0
    for path in write_schemas():
        print(path)
    return 0


def _dead_letters(args: argparse.Namespace) -> int:
    import httpx

    from shared.settings import SERVICE_PORTS

    key = args.key or os.environ.get("CLAIMLINE_ADMIN_KEY")
    if not key:
        print("an admin key is needed: --key or CLAIMLINE_ADMIN_KEY", file=sys.stderr)
        return 2
    base = args.url or f"http://127.0.0.1:{SERVICE_PORTS[args.service]}"
    headers = {"Authorization": f"Bearer {key}"}
    with httpx.Client(base_url=base, headers=headers, timeout=30) as http:
        letters = http.get("/v1/dead-letters").raise_for_status().json()["items"]
        if args.action == "list":
            print(json.dumps(letters, indent=2))
            return 0
        failed = 0
        for letter in letters:
            if args.id and letter["id"] != args.id:
                continue
            answer = http.post(f"/v1/dead-letters/{letter['id']}/replay")
            print(letter["id"], answer.status_code, answer.text)
            failed += answer.status_code != 200
        return 1 if failed else 0


def parser() -> argparse.ArgumentParser:
    top = argparse.ArgumentParser(prog="claimline", description=__doc__)
    commands = top.add_subparsers(dest="command", required=True)

    dev = commands.add_parser("dev", help="run the whole system locally (broker + five services)")
    dev.set_defaults(run=_dev)

    serve = commands.add_parser("serve", help="run one service")
    serve.add_argument("service", choices=SERVICES)
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=None)
    serve.set_defaults(run=_serve)

    keys = commands.add_parser("keys", help="API keys").add_subparsers(dest="keys", required=True)
    create = keys.add_parser("create", help="add a key and print it once")
    create.add_argument("--client", required=True, help="who uses the key (ivr, a carrier, ...)")
    create.add_argument("--scopes", required=True, help="comma-separated, e.g. intake:write,intake:read")
    create.add_argument("--file", default=None, help="keys file (default: CLAIMLINE_API_KEYS_FILE)")
    create.set_defaults(run=_keys_create)

    schemas = commands.add_parser("schemas", help="write the event JSON Schemas (or --check them)")
    schemas.add_argument("--check", action="store_true")
    schemas.set_defaults(run=_schemas)

    letters = commands.add_parser("dead-letters", help="list or replay a service's dead letters")
    letters.add_argument("action", choices=["list", "replay"])
    letters.add_argument("--service", choices=SERVICES, required=True)
    letters.add_argument("--id", default=None, help="replay only this one")
    letters.add_argument("--url", default=None)
    letters.add_argument("--key", default=None)
    letters.set_defaults(run=_dead_letters)
    return top


def main(argv: list[str] | None = None) -> int:
    args = parser().parse_args(argv)
    return int(args.run(args))


if __name__ == "__main__":
    sys.exit(main())
