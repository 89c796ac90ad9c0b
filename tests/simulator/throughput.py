"""Measure the simulator's throughput with keep-alive clients (bounded, loopback only).

    python -m tests.simulator.throughput [--requests 3000] [--clients 1]
        [--no-validate | --validate-responses]

A mixed load per client: reads of tenants, lists, offering items, and tenant creates/updates.
Prints requests/second for the run; the client (http.client, one connection per client thread)
shares the machine's cores with the server.
"""

import argparse
import base64
import http.client
import json
import threading
import time
from urllib.parse import urlsplit

from .control import SimulatorProcess


class _Conn:
    def __init__(self, conn_info):
        url = urlsplit(conn_info["datacenter_url"])
        self.http = http.client.HTTPConnection(url.hostname, url.port)
        basic = base64.b64encode(
            f"{conn_info['client_id']}:{conn_info['client_secret']}".encode()).decode()
        token = self.call("POST", "/api/2/idp/token", "grant_type=client_credentials",
                          {"Authorization": "Basic " + basic,
                           "Content-Type": "application/x-www-form-urlencoded"})[1]
        self.auth = {"Authorization": "Bearer " + token["access_token"],
                     "Content-Type": "application/json"}

    def call(self, method, path, body=None, headers=None):
        self.http.request(method, path, body=body, headers=headers or self.auth)
        response = self.http.getresponse()
        raw = response.read()
        return response.status, (json.loads(raw) if raw else None)


def _worker(conn_info, count, index, errors):
    conn = _Conn(conn_info)
    home = conn_info["tenant_id"]
    made = []
    for n in range(count):
        step = n % 10
        if step == 0 or not made:
            status, body = conn.call("POST", "/api/2/tenants", json.dumps(
                {"name": f"bench-{index}-{n}", "parent_id": home, "kind": "customer"}))
            if status == 201:
                made.append(body)
        elif step == 1:
            tenant = made[-1]
            status, body = conn.call("PUT", f"/api/2/tenants/{tenant['id']}", json.dumps(
                {"version": tenant["version"], "customer_id": f"crm-{n}"}))
            if status == 200:
                made[-1] = body
        elif step in (2, 3, 4):
            status = conn.call("GET", f"/api/2/tenants/{made[-1]['id']}")[0]
        elif step in (5, 6):
            status = conn.call("GET", f"/api/2/tenants?parent_id={made[-1]['id']}")[0]
        elif step == 7:
            status = conn.call("GET", f"/api/2/tenants/{made[-1]['id']}/offering_items")[0]
        else:
            status = conn.call("GET", f"/api/2/users/check_login?username=u{index}x{n}")[0]
        if status >= 400 and status != 409:
            errors.append(status)


def measure(validate, total, clients, validate_responses=False):
    with SimulatorProcess(validate=validate, validate_responses=validate_responses) as sim:
        errors = []
        per_client = total // clients
        threads = [threading.Thread(target=_worker, args=(sim.conn, per_client, i, errors))
                   for i in range(clients)]
        started = time.perf_counter()
        for thread in threads:
            thread.start()
        for thread in threads:
            thread.join()
        elapsed = time.perf_counter() - started
        return per_client * clients / elapsed, errors


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--requests", type=int, default=3000)
    parser.add_argument("--clients", type=int, default=1)
    mode = parser.add_mutually_exclusive_group()
    mode.add_argument("--no-validate", action="store_true")
    mode.add_argument("--validate-responses", action="store_true",
                      help="check responses too, as under the test suite")
    args = parser.parse_args()
    rate, errors = measure(not args.no_validate, args.requests, args.clients,
                           args.validate_responses)
    print(json.dumps({"validate": not args.no_validate,
                      "validate_responses": args.validate_responses, "clients": args.clients,
                      "requests": args.requests, "requests_per_s": round(rate),
                      "errors": len(errors)}))


if __name__ == "__main__":
    main()
