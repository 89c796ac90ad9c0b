"""Injected faults: latency, 429 with Retry-After, 5xx, dropped connections, search lag.

`PUT /_sim/faults` replaces the whole configuration (omitted = off). Rates are probabilities
rolled per request with a seedable generator; `once` is a deterministic list consumed in order:
a request takes the first entry whose `match` ("METHOD /api/2/template", glob allowed) fits it
(drop_after_commit entries only fit writes).
"""

import fnmatch
import random
import threading
from collections import namedtuple

RATE_KEYS = ("rate_429", "rate_5xx", "drop_after_commit_rate")
NUMBER_KEYS = ("latency_ms", "latency_jitter_ms", "retry_after_s", "search_lag_s")
ONCE_FAULTS = ("429", "500", "502", "503", "504", "drop_after_commit", "drop_before")
DEFAULT_5XX = (502, 503, 504)  # what rate_5xx answers: the statuses clients should retry [INF]


Decision = namedtuple("Decision", "delay fault retry_after drop_after")


class FaultError(ValueError):
    pass


def _number(config, key, low, high=None):
    value = config.get(key, 0)
    if isinstance(value, bool) or not isinstance(value, (int, float)):
        raise FaultError(f"'{key}' must be a number")
    if value < low or (high is not None and value > high):
        raise FaultError(f"'{key}' must be between {low} and {high if high is not None else 'inf'}")
    return value


def _parse_once(entries):
    if not isinstance(entries, list):
        raise FaultError("'once' must be a list")
    parsed = []
    for entry in entries:
        if not isinstance(entry, dict) or not isinstance(entry.get("match"), str):
            raise FaultError("each 'once' entry needs a 'match' such as 'POST /api/2/tenants'")
        fault = str(entry.get("fault", ""))
        if fault not in ONCE_FAULTS:
            raise FaultError(f"'once' fault must be one of {', '.join(ONCE_FAULTS)}")
        count = entry.get("count", 1)
        if not isinstance(count, int) or count < 1:
            raise FaultError("'once' count must be a positive integer")
        parsed.append({"match": entry["match"], "fault": fault, "count": count,
                       # None: a 429 says Retry-After: 1, a 5xx sends no Retry-After.
                       "retry_after_s": (_number(entry, "retry_after_s", 0)
                                         if "retry_after_s" in entry else None)})
    return parsed


def parse(config):
    """Validate a fault configuration; raises FaultError with a readable reason."""
    if not isinstance(config, dict):
        raise FaultError("the fault configuration must be a JSON object")
    known = set(RATE_KEYS + NUMBER_KEYS + ("once", "codes_5xx"))
    unknown = sorted(set(config) - known)
    if unknown:
        raise FaultError(f"unknown fault setting(s): {', '.join(unknown)}; "
                         f"known: {', '.join(sorted(known))}")
    out = {key: _number(config, key, 0, 1) for key in RATE_KEYS}
    out.update({key: _number(config, key, 0) for key in NUMBER_KEYS})
    out["retry_after_s"] = _number(dict({"retry_after_s": 1}, **config), "retry_after_s", 0)
    codes = config.get("codes_5xx", list(DEFAULT_5XX))
    if not isinstance(codes, list) or not codes or any(
            not isinstance(c, int) or not 500 <= c <= 599 for c in codes):
        raise FaultError("'codes_5xx' must be a non-empty list of 5xx status codes")
    out["codes_5xx"] = codes
    out["once"] = _parse_once(config.get("once", []))
    return out


class Faults:
    """The active configuration plus the random generator that rolls it."""

    def __init__(self, random_seed=None):
        self._lock = threading.Lock()
        self._seed = random_seed
        self.reset()

    def reset(self):
        with self._lock:
            self.config = parse({})
            self.rng = random.Random(self._seed)

    def replace(self, config):
        parsed = parse(config)
        with self._lock:
            self.config = parsed

    def view(self):
        with self._lock:
            return {k: (list(v) if isinstance(v, list) else v) for k, v in self.config.items()}

    def search_lag_s(self):
        return self.config["search_lag_s"]

    def _take_once(self, key, allowed):
        for entry in self.config["once"]:
            if entry["fault"] in allowed and fnmatch.fnmatchcase(key, entry["match"]):
                entry["count"] -= 1
                if entry["count"] <= 0:
                    self.config["once"].remove(entry)
                return entry
        return None

    def decide(self, key, write):
        """The faults for one request, decided when it arrives (one roll per kind).

        Returns Decision(delay_s, fault, retry_after_s, drop_after): fault is None, "drop"
        (close before handling) or an HTTP status; retry_after_s None means no Retry-After;
        drop_after means: handle the write, then close without answering.
        """
        with self._lock:
            cfg, rng = self.config, self.rng
            delay = cfg["latency_ms"] / 1000.0
            if cfg["latency_jitter_ms"]:
                delay += rng.uniform(0, cfg["latency_jitter_ms"]) / 1000.0
            allowed = ONCE_FAULTS if write else tuple(f for f in ONCE_FAULTS
                                                      if f != "drop_after_commit")
            entry = self._take_once(key, allowed)
            if entry is not None:
                fault = entry["fault"]
                if fault == "drop_before":
                    return Decision(delay, "drop", None, False)
                if fault == "drop_after_commit":
                    return Decision(delay, None, None, True)
                status, after = int(fault), entry["retry_after_s"]
                return Decision(delay, status, 1 if after is None and status == 429 else after,
                                False)
            if cfg["rate_429"] and rng.random() < cfg["rate_429"]:
                return Decision(delay, 429, cfg["retry_after_s"], False)
            if cfg["rate_5xx"] and rng.random() < cfg["rate_5xx"]:
                return Decision(delay, rng.choice(cfg["codes_5xx"]), None, False)
            rate = cfg["drop_after_commit_rate"]
            drop = write and bool(rate) and rng.random() < rate
            return Decision(delay, None, None, drop)
