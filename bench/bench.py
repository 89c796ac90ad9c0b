"""`make bench`: the onboarding job four ways, side by side, against the local simulator.

    python bench/bench.py [--resellers 5] [--customers 10] [--forks 20] [--latency-ms 0]
    python bench/bench.py --scaling [--sizes 10,100,1000]
    python bench/bench.py --inventory-plugin [--sizes 1000]

Runs, each on a freshly reset simulator (request validation off) over one generated inventory:
- collection:    playbooks/onboard.yml cold, then again (the no-change re-run);
- uri:           bench/uri/onboard.yml, the same job with ansible.builtin.uri tasks;
- script:        bench/script_onboard.py, the same API work in plain Python with requests;
- ansible_floor: a set_fact playbook with as many tasks per host as onboard.yml (bench/floor.py).
Prints a table and writes bench/results/latest.json and latest.png. --scaling measures the
collection's no-change re-run with one reseller of 10, 100, 1000 customers (results under "scaling").
--inventory-plugin reads the estate of one reseller of N customers (made by bench/script_onboard.py) with the
inventory plugin (`ansible-inventory --list`) and with bench/script_inventory.py, the same reads in plain
Python (results under "inventory_plugin").
See docs/benchmark.md.
"""

from __future__ import annotations

import argparse
import json
import os
import re
import sys
import tempfile
import time
from pathlib import Path

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO))

from bench.floor import write_floor  # noqa: E402
from bench.inventory import reseller_host, write_inventory  # noqa: E402
from bench.measure import run_measured  # noqa: E402
from bench.state import digest, summary  # noqa: E402
from tests.simulator.control import SimulatorAdmin, SimulatorProcess  # noqa: E402

BIN = Path(sys.executable).parent
RESULTS = REPO / "bench" / "results"
RUNS = ("collection", "uri", "script", "ansible_floor")
RECAP = re.compile(r"^(\S+)\s+: ok=(\d+)\s+changed=(\d+)\s+unreachable=(\d+)\s+failed=(\d+)\s+skipped=(\d+)"
                   r"\s+rescued=(\d+)\s+ignored=(\d+)", re.MULTILINE)


class Bench:
    """One simulator, one work folder and one inventory shared by every run."""

    def __init__(self, simulator, workdir, forks, latency_ms):
        self.simulator = simulator
        self.admin = SimulatorAdmin(simulator.url)
        self.workdir = workdir
        self.forks = forks
        self.latency_ms = latency_ms
        self.inventory = None
        self.tenants = 0

    def use_inventory(self, resellers, customers):
        self.inventory = write_inventory(self.workdir / ("inventory-%dx%d.json" % (resellers, customers)),
                                         resellers, customers)
        self.tenants = resellers * (customers + 1)

    def env(self):
        conn = self.simulator.conn
        env = {key: value for key, value in os.environ.items() if not key.startswith(("ACRONIS_", "ANSIBLE_"))}
        env.update(ACRONIS_DATACENTER_URL=conn["datacenter_url"], ACRONIS_CLIENT_ID=conn["client_id"],
                   ACRONIS_CLIENT_SECRET=conn["client_secret"],
                   ANSIBLE_COLLECTIONS_PATH=str(BIN.parent / "collections"),
                   ANSIBLE_PYTHON_INTERPRETER=sys.executable, ANSIBLE_NOCOLOR="1",
                   ANSIBLE_RETRY_FILES_ENABLED="0", ANSIBLE_LOCAL_TEMP=str(self.workdir / "ansible-local"),
                   PATH="%s:%s" % (BIN, os.environ.get("PATH", "")))
        return env

    def fresh_simulator(self):
        self.admin.reset()
        if self.latency_ms:
            self.admin.faults(latency_ms=self.latency_ms)

    def playbook(self, name, playbook, *extra):
        return [str(BIN / "ansible-playbook"), "-f", str(self.forks), "-i", str(self.inventory), str(playbook),
                *extra]

    def measure(self, name, command):
        """Run and measure one command; the simulator's request counts are those of this command alone."""
        self.admin.reset_stats()
        log = self.workdir / ("%s.log" % name)
        measured = run_measured(command, self.env(), self.workdir, log)
        stats = self.admin.stats()
        if measured.returncode != 0:
            raise SystemExit("%s failed (exit %d); see %s:\n%s"
                             % (name, measured.returncode, log, log.read_text()[-3000:]))
        return measured, stats, log

    def final_state(self):
        return digest(summary(self.admin.state(), self.simulator.conn["tenant_id"]))

    def result(self, measured, stats):
        return {"wall_s": measured.wall_s, "peak_rss_mb": measured.peak_rss_mb,
                "controller_rss_mb": measured.controller_rss_mb, "api_calls": by_method(stats),
                "api_calls_total": stats["total"], "writes": stats["writes"]}

    def run_collection(self, report_dir):
        onboard = self.playbook("collection", REPO / "playbooks" / "onboard.yml",
                                "-e", "acronis_report_dir=%s" % report_dir)
        measured, stats, log = self.measure("collection", onboard)
        result = self.result(measured, stats)
        result["tasks_per_host"] = tasks_per_host(log.read_text())
        result["final_state"] = self.final_state()
        again, stats = self.measure("collection-rerun", onboard)[:2]
        result.update(rerun_wall_s=again.wall_s, rerun_writes=stats["writes"],
                      rerun_api_calls=by_method(stats),
                      rerun_calls_per_tenant=round(stats["total"] / self.tenants, 2),
                      rerun_bytes_per_tenant=round(stats["bytes_out"] / self.tenants))
        return result

    def run_uri(self):
        measured, stats = self.measure("uri", self.playbook("uri", REPO / "bench" / "uri" / "onboard.yml"))[:2]
        return dict(self.result(measured, stats), final_state=self.final_state())

    def run_script(self):
        command = [sys.executable, str(REPO / "bench" / "script_onboard.py"), str(self.inventory),
                   "--workers", str(self.forks)]
        measured, stats = self.measure("script", command)[:2]
        return dict(self.result(measured, stats), final_state=self.final_state())

    def run_floor(self):
        floor, counts = write_floor(self.workdir / "floor")
        measured, stats, log = self.measure("ansible_floor", self.playbook("ansible_floor", floor))
        return dict(self.result(measured, stats), tasks=counts, tasks_per_host=tasks_per_host(log.read_text()))

    def side_by_side(self, runs, repeat=1):
        """Every run `repeat` times, interleaved (round after round), so that a change of load on the
        machine hits all runs alike; each run keeps its fastest round, with every round's wall time."""
        rounds = {name: [] for name in runs}
        for number in range(repeat):
            for name in runs:
                self.fresh_simulator()
                print("== %s (round %d of %d)" % (name, number + 1, repeat), flush=True)
                if name == "collection":
                    rounds[name].append(self.run_collection(self.workdir / "reports"))
                else:
                    rounds[name].append(getattr(self, "run_" + {"ansible_floor": "floor"}.get(name, name))())
        return {name: fastest(results) for name, results in rounds.items()}

    def scaling(self, sizes):
        """The collection's no-change re-run at each size. Per tenant: all its requests over all tenants,
        which includes the run's one-off requests (token, API client, storage names) and the reseller's.
        Per customer: what the customers alone add, i.e. the re-run minus a re-run limited to the reseller."""
        rows = []
        for size in sizes:
            self.use_inventory(1, size)
            self.fresh_simulator()
            print("== scaling: 1 reseller x %d customers" % size, flush=True)
            onboard = self.playbook("scaling", REPO / "playbooks" / "onboard.yml",
                                    "-e", "acronis_report_dir=%s" % (self.workdir / "reports"))
            self.measure("scaling-%d-cold" % size, onboard)
            base = self.measure("scaling-%d-reseller" % size, onboard + ["--limit", reseller_host(1)])[1]
            measured, stats = self.measure("scaling-%d-rerun" % size, onboard)[:2]
            rows.append({"customers": size, "tenants": self.tenants, "rerun_wall_s": measured.wall_s,
                         "rerun_wall_s_per_tenant": round(measured.wall_s / self.tenants, 4),
                         "rerun_writes": stats["writes"], "rerun_calls": stats["total"],
                         "calls_per_tenant": round(stats["total"] / self.tenants, 3),
                         "bytes_per_tenant": round(stats["bytes_out"] / self.tenants),
                         "calls_per_customer": round((stats["total"] - base["total"]) / size, 3),
                         "bytes_per_customer": round((stats["bytes_out"] - base["bytes_out"]) / size),
                         "peak_rss_mb": measured.peak_rss_mb, "controller_rss_mb": measured.controller_rss_mb})
        return rows

    def usage(self, size, repeat=1):
        """The usage playbook on 1 reseller x `size` customers, each with a user and usage against quota,
        against bench/script_usage.py doing the same reads: API calls per tenant and the wall-time ratio."""
        from bench.usage_estate import build_usage_estate
        self.fresh_simulator()
        print("== usage: 1 reseller x %d customers" % size, flush=True)
        self.inventory, tenants = build_usage_estate(self.simulator, self.workdir, size)
        playbook = self.playbook("usage", REPO / "playbooks" / "usage.yml", "-e", "acronis_usage_on_over=warn",
                                 "-e", "acronis_report_dir=%s" % (self.workdir / "reports"))
        script = [sys.executable, str(REPO / "bench" / "script_usage.py"), str(self.workdir / "script-usage.csv")]
        walls = {"collection": [], "script": []}
        for number in range(repeat):  # interleaved, so a change of load hits both alike
            measured, stats = self.measure("usage-%d" % number, playbook)[:2]
            walls["collection"].append(measured.wall_s)
            calls = stats["total"]
            plain, plain_stats = self.measure("script-usage-%d" % number, script)[:2]
            walls["script"].append(plain.wall_s)
        return {"customers": size, "tenants": tenants, "calls": calls, "calls_per_tenant": round(calls / tenants, 4),
                "script_calls": plain_stats["total"], "wall_s": min(walls["collection"]),
                "script_wall_s": min(walls["script"]), "wall_s_rounds": walls,
                "collection_over_script": round(min(walls["collection"]) / min(walls["script"]), 3)}

    def inventory_plugin(self, sizes):
        """ansible-inventory over the plugin vs the same batch reads in a plain script, on one reseller of N
        customers with a user and five quota items each."""
        rows = []
        source = self.workdir / "estate.acronis.yml"
        source.write_text("plugin: acronis.cyber_cloud.tenants\n")
        for size in sizes:
            self.use_inventory(1, size)
            self.fresh_simulator()
            print("== inventory plugin: 1 reseller x %d customers" % size, flush=True)
            self.measure("estate-%d" % size, [sys.executable, str(REPO / "bench" / "script_onboard.py"),
                                              str(self.inventory), "--workers", str(self.forks)])
            row = {"customers": size, "tenants": self.tenants}
            for name, command in (("plugin", [str(BIN / "ansible-inventory"), "-i", str(source), "--list"]),
                                  ("script", [sys.executable, str(REPO / "bench" / "script_inventory.py")])):
                measured, stats = self.measure("inventory-%s-%d" % (name, size), command)[:2]
                row[name] = {"wall_s": measured.wall_s, "peak_rss_mb": measured.peak_rss_mb,
                             "requests": stats["total"], "writes": stats["writes"],
                             "requests_per_tenant": round(stats["total"] / self.tenants, 4)}
            row["plugin_over_script"] = round(row["plugin"]["wall_s"] / row["script"]["wall_s"], 3)
            rows.append(row)
        return rows


def fastest(results):
    """The round with the lowest wall time, with the wall times of all rounds (and the re-run's fastest)."""
    best = dict(min(results, key=lambda result: result["wall_s"]))
    best["wall_s_rounds"] = [result["wall_s"] for result in results]
    if "rerun_wall_s" in best:
        best["rerun_wall_s_rounds"] = [result["rerun_wall_s"] for result in results]
        best["rerun_wall_s"] = min(best["rerun_wall_s_rounds"])
    return best


def by_method(stats):
    """{"GET": n, "POST": n, ...} from the simulator's per-endpoint counts."""
    methods = {}
    for endpoint, count in stats["requests"].items():
        method = endpoint.split(" ", 1)[0]
        methods[method] = methods.get(method, 0) + count
    return dict(sorted(methods.items()))


def tasks_per_host(output):
    """{host: tasks run} from the play recap: ok (which includes changed) + failed + skipped."""
    return {match[0]: sum(int(match[i]) for i in (1, 4, 5)) for match in RECAP.findall(output)}


def ratios(runs):
    found = {}
    if "collection" in runs and "uri" in runs:
        found["collection_over_uri"] = round(runs["collection"]["wall_s"] / runs["uri"]["wall_s"], 3)
    if {"collection", "script", "ansible_floor"} <= set(runs):
        floor = runs["ansible_floor"]["wall_s"] + runs["script"]["wall_s"]
        found["collection_over_floor_plus_script"] = round(runs["collection"]["wall_s"] / floor, 3)
    return found


def print_table(scenario, runs):
    print("\nOnboarding %(resellers)d resellers x %(customers)d customers (%(tenants)d tenants), forks %(forks)d, "
          "latency %(latency_ms)d ms" % scenario)
    print("%-14s %9s %9s %10s  %s" % ("run", "wall s", "s/tenant", "peak MB", "API calls by method"))
    for name, run in runs.items():
        calls = ", ".join("%s %d" % item for item in run["api_calls"].items())
        print("%-14s %9.2f %9.3f %10.1f  %s" % (name, run["wall_s"], run["wall_s"] / scenario["tenants"],
                                                run["peak_rss_mb"], calls or "-"))
    collection = runs.get("collection")
    if collection:
        print("collection re-run: %.2f s, %d writes, %.2f calls and %d bytes per tenant"
              % (collection["rerun_wall_s"], collection["rerun_writes"], collection["rerun_calls_per_tenant"],
                 collection["rerun_bytes_per_tenant"]))
    for name, value in ratios(runs).items():
        print("%s: %.3f" % (name, value))


def print_scaling(rows):
    print("\nNo-change re-run of the collection, 1 reseller x N customers")
    print("%6s %8s %9s %9s %12s %12s %13s %13s %9s %9s"
          % ("N", "tenants", "wall s", "s/tenant", "calls/tenant", "bytes/tenant", "calls/customer",
             "bytes/customer", "peak MB", "ctrl MB"))
    for row in rows:
        print("%6d %8d %9.2f %9.4f %12.3f %12d %13.3f %13d %9.1f %9.1f" % (
            row["customers"], row["tenants"], row["rerun_wall_s"], row["rerun_wall_s_per_tenant"],
            row["calls_per_tenant"], row["bytes_per_tenant"], row["calls_per_customer"], row["bytes_per_customer"],
            row["peak_rss_mb"], row["controller_rss_mb"]))


def print_inventory_plugin(rows):
    print("\nThe estate as an inventory: ansible-inventory over the plugin vs a plain script doing the same reads")
    print("%6s %8s %-7s %9s %9s %9s %13s" % ("N", "tenants", "run", "wall s", "peak MB", "requests", "req/tenant"))
    for row in rows:
        for name in ("plugin", "script"):
            run = row[name]
            print("%6d %8d %-7s %9.2f %9.1f %9d %13.4f" % (row["customers"], row["tenants"], name, run["wall_s"],
                                                           run["peak_rss_mb"], run["requests"],
                                                           run["requests_per_tenant"]))
        print("plugin_over_script: %.3f" % row["plugin_over_script"])


def merge_results(output, update):
    """Keep what the file holds from the other mode (side-by-side runs or scaling)."""
    data = json.loads(output.read_text()) if output.exists() else {}
    data.update(update)
    output.parent.mkdir(parents=True, exist_ok=True)
    output.write_text(json.dumps(data, indent=2) + "\n")
    return data


def parse_args(argv):
    parser = argparse.ArgumentParser(description="Onboarding benchmark against the local simulator.")
    parser.add_argument("--resellers", type=int, default=5)
    parser.add_argument("--customers", type=int, default=10, help="customers per reseller")
    parser.add_argument("--forks", type=int, default=20)
    parser.add_argument("--latency-ms", type=int, default=0, help="simulated latency of every API request")
    parser.add_argument("--repeat", type=int, default=1,
                        help="rounds of all runs, interleaved; each run keeps its fastest (noisy machines)")
    parser.add_argument("--runs", default=",".join(RUNS), help="comma-separated subset of %s" % ", ".join(RUNS))
    parser.add_argument("--scaling", action="store_true", help="measure the re-run at --sizes instead")
    parser.add_argument("--usage", type=int, metavar="N",
                        help="measure the usage playbook on 1 reseller x N customers instead")
    parser.add_argument("--inventory-plugin", action="store_true",
                        help="measure the inventory plugin against a plain script at --sizes instead")
    parser.add_argument("--sizes", default="10,100,1000",
                        help="customers of the one reseller, for --scaling and --inventory-plugin")
    parser.add_argument("--output", type=Path, default=RESULTS / "latest.json")
    parser.add_argument("--chart", type=Path, help="PNG of the wall times (default: next to --output)")
    parser.add_argument("--keep", action="store_true", help="keep the work folder (logs, inventory)")
    return parser.parse_args(argv)


def main(argv=None):
    args = parse_args(argv)
    workdir = Path(tempfile.mkdtemp(prefix="acronis-bench-"))
    started = time.time()
    with SimulatorProcess(validate=False) as simulator:
        bench = Bench(simulator, workdir, args.forks, args.latency_ms)
        if args.usage:
            row = bench.usage(args.usage, args.repeat)
            print("\nUsage playbook, 1 reseller x %(customers)d customers (%(tenants)d tenants and users): "
                  "%(calls)d API calls (%(calls_per_tenant).4f per tenant; the script %(script_calls)d), "
                  "wall %(wall_s).2f s, script %(script_wall_s).2f s, ratio %(collection_over_script).3f" % row)
            merge_results(args.output, {"usage": dict(row, forks=args.forks, latency_ms=args.latency_ms)})
        elif args.inventory_plugin:
            rows = bench.inventory_plugin([int(size) for size in args.sizes.split(",")])
            print_inventory_plugin(rows)
            merge_results(args.output, {"inventory_plugin": {"sizes": rows}})
        elif args.scaling:
            rows = bench.scaling([int(size) for size in args.sizes.split(",")])
            print_scaling(rows)
            merge_results(args.output, {"scaling": {"forks": args.forks, "latency_ms": args.latency_ms,
                                                    "sizes": rows}})
        else:
            bench.use_inventory(args.resellers, args.customers)
            runs = bench.side_by_side([name.strip() for name in args.runs.split(",") if name.strip()], args.repeat)
            scenario = {"resellers": args.resellers, "customers": args.customers, "tenants": bench.tenants,
                        "forks": args.forks, "latency_ms": args.latency_ms, "repeat": args.repeat,
                        "users_per_customer": 1,
                        "quota_items_per_tenant": 5, "cpus": os.cpu_count(),
                        "date": time.strftime("%Y-%m-%dT%H:%M:%S", time.localtime(started))}
            print_table(scenario, runs)
            merge_results(args.output, {"scenario": scenario, "runs": runs, "ratios": ratios(runs)})
            from bench.chart import write_chart  # matplotlib is imported only when a chart is drawn
            chart = write_chart(args.chart or args.output.with_suffix(".png"), scenario, runs)
            print("chart: %s" % chart)
    print("results: %s (work folder %s)" % (args.output, workdir if args.keep else "removed"))
    if not args.keep:
        _remove(workdir)
    return 0


def _remove(folder):
    import shutil
    shutil.rmtree(folder, ignore_errors=True)


if __name__ == "__main__":
    sys.exit(main())
