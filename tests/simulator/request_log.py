"""The last /api/2 requests the simulator received, for `GET /_sim/requests`.

Each entry keeps what a test needs to assert what a client sent: method, path, the route's
template, query parameters and the status answered. Never bodies or headers: bodies carry
passwords and secrets, headers the bearer token. A bounded ring, so a long run cannot grow it.
"""

import threading
from collections import deque

DEFAULT_SIZE = 1000


class RequestLog:
    def __init__(self, size=DEFAULT_SIZE):
        self._lock = threading.Lock()
        self._entries = deque(maxlen=size)
        self._seq = 0

    def add(self, method, path, template, query_pairs, status, dropped=False):
        """Record one request; `dropped`: the connection closed without the response.

        `status` is None when it was dropped before the handler ran, else the status the
        handler answered (also when that answer was then dropped)."""
        with self._lock:
            self._seq += 1
            self._entries.append({"seq": self._seq, "method": method, "path": path,
                                  "template": template,
                                  "query": [[name, value] for name, value in query_pairs],
                                  "status": status, "dropped": dropped})

    def view(self, since=0, limit=None):
        """Entries with seq > since, oldest first; at most the newest `limit` of them."""
        with self._lock:
            entries = [dict(e) for e in self._entries if e["seq"] > since]
            last = self._seq
        if limit is not None:
            entries = entries[-limit:] if limit > 0 else []
        return {"last_seq": last, "capacity": self._entries.maxlen, "items": entries}

    def clear(self):
        """Forget the entries; numbering goes on, so a saved `since` stays meaningful."""
        with self._lock:
            self._entries.clear()
