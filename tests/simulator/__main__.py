"""Start the Acronis Account Management API v2 simulator.

    python -m tests.simulator --port PORT [--host 127.0.0.1] [--seed default|demo]
        [--random-seed N] [--state FILE] [--no-validate] [--validate-responses]
        [--token-lifetime SECONDS] [--tls] [--no-sub-partners]

When ready it prints one JSON line on stdout, {"datacenter_url", "client_id", "client_secret",
"tenant_id"} (plus "ca_cert" with --tls), and serves until SIGTERM or SIGINT, then exits 0.
"""

import argparse
import json
import signal
import sys
import tempfile
import threading

from .app import Simulator
from .seed import SEEDS
from .server import SimServer
from .validation import find_spec


def parse_args(argv):
    parser = argparse.ArgumentParser(prog="python -m tests.simulator",
                                     description="Local Acronis Account Management API v2.")
    parser.add_argument("--port", type=int, required=True, help="port to listen on; 0 = any")
    parser.add_argument("--host", default="127.0.0.1", help="address (default 127.0.0.1)")
    parser.add_argument("--seed", default="default", choices=SEEDS, help="initial world")
    parser.add_argument("--random-seed", type=int, default=None,
                        help="seed for fault rolls, for reproducible runs")
    parser.add_argument("--state", metavar="FILE",
                        help="load state from FILE if it exists; save it there on changes")
    parser.add_argument("--no-validate", action="store_true",
                        help="do not validate requests against the OpenAPI document")
    parser.add_argument("--validate-responses", action="store_true",
                        help="check every response against the document too and record what "
                             "differs (GET /_sim/violations); the test suite switches it on")
    parser.add_argument("--token-lifetime", type=int, default=7200, metavar="SECONDS",
                        help="access token lifetime (default 7200)")
    parser.add_argument("--tls", action="store_true",
                        help="serve https with a self-signed certificate made at start")
    parser.add_argument("--no-sub-partners", action="store_true",
                        help="refuse partners below partners, as for partner accounts without the "
                             "option (default: allowed; /_sim/config sub_partners)")
    return parser.parse_args(argv)


def load_validator(no_validate):
    if no_validate:
        return None
    path = find_spec()
    if path is None:
        print("simulator: warning: OpenAPI document not found (set ACRONIS_OPENAPI_SPEC or "
              "provide shared/acronis/account-management-v2.openapi.json above the repository);"
              " requests are NOT validated", file=sys.stderr, flush=True)
        return None
    try:
        from .validation import RequestValidator
        return RequestValidator(path)
    except ImportError as exc:
        print(f"simulator: warning: openapi-core is not importable ({exc}); requests are NOT "
              f"validated", file=sys.stderr, flush=True)
        return None


def main(argv=None):
    args = parse_args(argv)
    sim = Simulator(seed=args.seed, validator=load_validator(args.no_validate),
                    token_lifetime_s=args.token_lifetime, state_file=args.state,
                    random_seed=args.random_seed, sub_partners=not args.no_sub_partners,
                    validate_responses=args.validate_responses)
    workdir = tempfile.TemporaryDirectory(prefix="acronis-sim-")
    context, cert_path = None, None
    if args.tls:
        from .tls import make_context
        context, cert_path = make_context(workdir.name)
    server = SimServer((args.host, args.port), sim, context)
    stop = threading.Event()
    for signum in (signal.SIGTERM, signal.SIGINT):
        signal.signal(signum, lambda *_: stop.set())
    threading.Thread(target=server.serve_forever, name="http", daemon=True).start()

    scheme = "https" if args.tls else "http"
    host = f"[{args.host}]" if ":" in args.host else args.host
    info = sim.connection_info(f"{scheme}://{host}:{server.server_address[1]}")
    if cert_path:
        info["ca_cert"] = cert_path
    print(json.dumps(info), flush=True)

    # The main thread only waits for the stop signal and saves --state when it changed.
    while not stop.wait(0.25):
        sim.save_if_changed()
    server.shutdown()
    server.server_close()
    sim.save_if_changed()
    workdir.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main())
