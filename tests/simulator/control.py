"""The one way to start and drive the simulator from Python (tests, benchmark, demo, molecule).

Standard library only, so anything can import it:

    with SimulatorProcess() as sim:
        sim.conn        # {"datacenter_url", "client_id", "client_secret", "tenant_id"}
        admin = SimulatorAdmin(sim.url)
        admin.faults(rate_429=0.1)
"""

import json
import signal
import ssl
import subprocess
import sys
import threading
import urllib.error
import urllib.request
from pathlib import Path

REPO_ROOT = Path(__file__).resolve().parents[2]


class SimulatorError(RuntimeError):
    pass


class SimulatorProcess:
    """Runs `python -m tests.simulator` as a child process; a context manager."""

    def __init__(self, port=0, validate=True, token_lifetime=None, tls=False, state_file=None,
                 extra_args=(), start_timeout=30, env=None, validate_responses=False):
        self.args = [sys.executable, "-m", "tests.simulator", "--port", str(port)]
        if not validate:
            self.args.append("--no-validate")
        elif validate_responses:
            self.args.append("--validate-responses")
        if token_lifetime is not None:
            self.args += ["--token-lifetime", str(token_lifetime)]
        if tls:
            self.args.append("--tls")
        if state_file is not None:
            self.args += ["--state", str(state_file)]
        self.args += list(extra_args)
        self.start_timeout = start_timeout
        self.env = env
        self.proc = None
        self.conn = None
        self._stderr = []
        self._drainer = None

    @property
    def url(self):
        return self.conn["datacenter_url"]

    @property
    def stderr(self):
        return "".join(self._stderr)

    def start(self):
        self.proc = subprocess.Popen(self.args, cwd=REPO_ROOT, stdin=subprocess.DEVNULL,
                                     stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True,
                                     env=self.env)
        # stderr is drained by a thread so the child never blocks on a full pipe.
        self._drainer = threading.Thread(target=self._drain,
                                         args=(self.proc.stderr, self._stderr), daemon=True)
        self._drainer.start()
        line = self._read_line()
        try:
            self.conn = json.loads(line)
        except ValueError:
            self._stop_after_failure()
            raise SimulatorError(f"simulator did not start: printed {line!r}; stderr:\n"
                                 f"{self.stderr}")
        return self

    def _read_line(self):
        box = []
        reader = threading.Thread(target=lambda: box.append(self.proc.stdout.readline()),
                                  daemon=True)
        reader.start()
        reader.join(self.start_timeout)
        if not box or not box[0]:
            self._stop_after_failure()
            raise SimulatorError(f"simulator did not print its connection line within "
                                 f"{self.start_timeout}s (exit code {self.proc.returncode}); "
                                 f"stderr:\n{self.stderr}")
        return box[0]

    def _stop_after_failure(self):
        # Stop it and read its stderr to the end, so the error shows all of it.
        self.stop()
        self._drainer.join(5)

    @staticmethod
    def _drain(stream, sink):
        for line in stream:
            sink.append(line)

    def stop(self, timeout=10):
        """SIGTERM, then wait; returns the exit code (SIGKILL only if it does not stop)."""
        if self.proc is None or self.proc.poll() is not None:
            return self.proc.returncode if self.proc else None
        self.proc.send_signal(signal.SIGTERM)
        try:
            return self.proc.wait(timeout)
        except subprocess.TimeoutExpired:
            self.proc.kill()
            return self.proc.wait()

    def __enter__(self):
        return self.start()

    def __exit__(self, *exc):
        self.stop()
        return False


class SimulatorAdmin:
    """Client of the /_sim admin endpoints."""

    def __init__(self, url, timeout=10):
        self.url = url.rstrip("/")
        self.timeout = timeout
        # The simulator's TLS certificate is self-signed: admin calls do not verify it.
        self._ssl = ssl._create_unverified_context() if self.url.startswith("https") else None

    def _call(self, method, path, body=None):
        data = None if body is None else json.dumps(body).encode()
        request = urllib.request.Request(self.url + path, data=data, method=method,
                                         headers={"Content-Type": "application/json"})
        try:
            with urllib.request.urlopen(request, timeout=self.timeout,
                                        context=self._ssl) as response:
                raw = response.read()
        except urllib.error.HTTPError as exc:
            raise SimulatorError(f"{method} {path}: {exc.code} {exc.read().decode()}")
        return json.loads(raw) if raw else None

    def stats(self):
        return self._call("GET", "/_sim/stats")

    def reset(self):
        return self._call("POST", "/_sim/reset")

    def reset_stats(self):
        return self._call("POST", "/_sim/stats/reset")

    def state(self):
        return self._call("GET", "/_sim/state")

    def faults(self, **settings):
        """Replace the fault configuration (omitted settings are off)."""
        return self._call("PUT", "/_sim/faults", settings)

    def get_faults(self):
        return self._call("GET", "/_sim/faults")

    def clear_faults(self):
        return self._call("PUT", "/_sim/faults", {})

    def config(self, **settings):
        return self._call("PUT", "/_sim/config", settings) if settings else self._call(
            "GET", "/_sim/config")

    def new_client(self, tenant_id):
        return self._call("POST", "/_sim/clients", {"tenant_id": tenant_id})

    def requests(self, since=0, limit=None):
        """The request log: {"last_seq", "capacity", "items": [{seq, method, path, template,
        query: [[name, value], ...], status, dropped}, ...]}, oldest first."""
        query = f"?since={int(since)}" + ("" if limit is None else f"&limit={int(limit)}")
        return self._call("GET", "/_sim/requests" + query)

    def clear_requests(self):
        return self._call("POST", "/_sim/requests/clear")

    def violations(self):
        """{"enabled", "items": [{method, path, template, status, problems}], "dropped", "total"}"""
        return self._call("GET", "/_sim/violations")

    def clear_violations(self):
        return self._call("POST", "/_sim/violations/clear")

    def expire_tokens(self):
        return self._call("POST", "/_sim/tokens/expire")


def spec_available():
    """Whether the OpenAPI document can be found (so the simulator validates requests)."""
    from .validation import find_spec
    return find_spec() is not None
