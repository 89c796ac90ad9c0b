"""Command-line options, each in its own simulator process: --state, --tls, --token-lifetime,
--no-validate, a missing OpenAPI document, --random-seed, --host, clean exit on SIGTERM and
SIGINT."""

import json
import os
import signal
import subprocess
import sys
import time

import pytest
import requests

from tests.conftest import Api
from tests.simulator.control import REPO_ROOT, SimulatorAdmin, SimulatorError, SimulatorProcess
from tests.simulator_tests.helpers import tenant


def test_state_file_survives_a_restart(tmp_path):
    state = tmp_path / "sim-state.json"
    with SimulatorProcess(validate=False, state_file=state) as first:
        api = Api(first.conn)
        made = tenant(api, "Persistent", first.conn["tenant_id"])
        token = api.token
        assert first.stop() == 0
    assert state.is_file() and not list(tmp_path.glob(".sim-state-*"))
    with SimulatorProcess(validate=False, state_file=state) as second:
        assert {k: second.conn[k] for k in ("client_id", "client_secret", "tenant_id")} == {
            k: first.conn[k] for k in ("client_id", "client_secret", "tenant_id")}
        again = Api(second.conn)
        again.token = token
        again.session.headers["Authorization"] = "Bearer " + token
        assert again.ok("GET", f"/tenants/{made['id']}")["name"] == "Persistent"


@pytest.mark.filterwarnings("ignore::urllib3.exceptions.InsecureRequestWarning")
def test_tls_serves_https_with_a_generated_certificate():
    with SimulatorProcess(validate=False, tls=True) as sim:
        assert sim.url.startswith("https://127.0.0.1:")
        assert os.path.isfile(sim.conn["ca_cert"])
        api = Api(sim.conn, verify=sim.conn["ca_cert"])
        assert api.ok("GET", f"/tenants/{sim.conn['tenant_id']}")["kind"] == "partner"
        insecure = Api(sim.conn, verify=False)
        assert insecure.get("/applications").status_code == 200
        assert SimulatorAdmin(sim.url).stats()["total"] == 4


def test_token_lifetime_option():
    with SimulatorProcess(validate=False, token_lifetime=1) as sim:
        api = Api(sim.conn)
        assert api.fetch_token()["expires_in"] == 1
        assert api.get("/applications").status_code == 200
        time.sleep(1.2)
        assert api.get("/applications").status_code == 401


def test_no_sub_partners_option_is_the_default_that_reset_keeps():
    with SimulatorProcess(validate=False, extra_args=["--no-sub-partners"]) as sim:
        api = Api(sim.conn)
        admin = SimulatorAdmin(sim.url)
        assert admin.config()["sub_partners"] is False
        body = {"name": "Sub", "kind": "partner", "parent_id": sim.conn["tenant_id"]}
        assert api.post("/tenants", json=body).status_code == 403
        admin.reset()
        assert admin.config()["sub_partners"] is False
        admin.config(sub_partners=True)
        assert api.post("/tenants", json=body).status_code == 201


def test_no_validate_accepts_what_the_document_forbids():
    with SimulatorProcess(validate=False) as sim:
        api = Api(sim.conn)
        created = api.post("/tenants", json={"name": "Loose", "kind": "customer", "x": 1,
                                             "parent_id": sim.conn["tenant_id"]})
        assert created.status_code == 201
        assert "warning" not in sim.stderr


def test_missing_document_warns_once_and_runs_unvalidated(tmp_path):
    env = dict(os.environ, ACRONIS_OPENAPI_SPEC=str(tmp_path / "absent.json"))
    with SimulatorProcess(env=env) as sim:
        api = Api(sim.conn)
        assert api.post("/tenants", json={"name": "Loose", "kind": "customer", "x": 1,
                                          "parent_id": sim.conn["tenant_id"]}).status_code == 201
        time.sleep(0.1)
        warnings = [line for line in sim.stderr.splitlines() if "warning" in line]
        assert len(warnings) == 1 and "NOT validated" in warnings[0]


def test_random_seed_makes_fault_rolls_reproducible():
    with SimulatorProcess(validate=False, extra_args=["--random-seed", "7"]) as sim:
        admin, api = SimulatorAdmin(sim.url), Api(sim.conn)

        def rolls():
            api.fetch_token()
            admin.faults(rate_429=0.5)
            statuses = [api.get("/applications").status_code for _attempt in range(16)]
            admin.reset()  # also re-seeds the generator
            return statuses

        first = rolls()
        assert {200, 429} == set(first) and rolls() == first


def test_cli_prints_one_json_line_and_exits_0_on_sigterm():
    proc = subprocess.Popen([sys.executable, "-m", "tests.simulator", "--port", "0",
                             "--no-validate", "--seed", "demo"], cwd=REPO_ROOT,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    try:
        info = json.loads(proc.stdout.readline())
        assert set(info) == {"datacenter_url", "client_id", "client_secret", "tenant_id"}
        assert requests.get(info["datacenter_url"] + "/_sim/health").json() == {"ok": True}
    finally:
        proc.terminate()
        assert proc.wait(10) == 0
    assert proc.stdout.read() == ""


def test_sigint_stops_it_with_exit_code_0_like_sigterm():
    sim = SimulatorProcess(validate=False).start()
    try:
        assert requests.get(sim.url + "/_sim/health").json() == {"ok": True}
        sim.proc.send_signal(signal.SIGINT)
        assert sim.proc.wait(10) == 0
    finally:
        sim.stop()
    assert "Traceback" not in sim.stderr


def test_host_option_is_served():
    with SimulatorProcess(validate=False, extra_args=["--host", "127.0.0.1"]) as sim:
        assert sim.url.startswith("http://127.0.0.1:")
        assert Api(sim.conn).ok("GET", f"/tenants/{sim.conn['tenant_id']}")["kind"] == "partner"


def test_a_failed_start_is_reported_with_stderr():
    with pytest.raises(SimulatorError, match="invalid choice"):
        SimulatorProcess(extra_args=["--seed", "nope"], start_timeout=20).start()
