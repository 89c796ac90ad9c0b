"""HTTP/1.1 transport: a threaded loopback server with keep-alive in front of `app.Simulator`.

Clients reuse connections, so every response carries Content-Length and is written in one
send (status line, headers and body together) with Nagle off: two small writes on a kept-alive
connection would meet the peer's delayed ACK and cost ~40 ms each.
"""

import socket
import ssl
import sys
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


def _reason(status):
    try:
        return HTTPStatus(status).phrase
    except ValueError:
        return "Status"


class SimHandler(BaseHTTPRequestHandler):
    protocol_version = "HTTP/1.1"
    server_version = "AcronisSimulator/1.0"
    disable_nagle_algorithm = True

    def setup(self):
        super().setup()
        if isinstance(self.connection, ssl.SSLSocket):
            # The handshake runs here, in this connection's thread, not in the accept loop.
            self.connection.do_handshake()

    def do_GET(self):
        self._serve()

    do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = do_GET

    def _read_body(self):
        if self.headers.get("Transfer-Encoding", "").lower() == "chunked":
            chunks = []
            while True:
                size = int(self.rfile.readline().split(b";")[0].strip() or b"0", 16)
                if size == 0:
                    self.rfile.readline()
                    return b"".join(chunks)
                chunks.append(self.rfile.read(size))
                self.rfile.readline()
        length = int(self.headers.get("Content-Length") or 0)
        return self.rfile.read(length) if length > 0 else b""

    def _serve(self):
        body = self._read_body()
        response = self.server.sim.handle(self.command, self.path, self.headers, body)
        if response.drop:
            self._drop()
            return
        self._write(response)

    def _drop(self):
        # The client sees its connection closed without any response.
        self.close_connection = True
        try:
            self.connection.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass

    def _write(self, response):
        status = response.status
        lines = [f"HTTP/1.1 {status} {_reason(status)}",
                 f"Server: {self.server_version}", f"Date: {self.date_time_string()}"]
        if response.body or status not in (204, 304):
            if "Content-Type" not in response.headers:
                lines.append("Content-Type: application/json")
            lines.append(f"Content-Length: {len(response.body)}")
        for name, value in response.headers.items():
            lines.append(f"{name}: {value}")
        if self.close_connection:
            lines.append("Connection: close")
        head = ("\r\n".join(lines) + "\r\n\r\n").encode("latin-1")
        payload = head if self.command == "HEAD" else head + response.body
        self.wfile.write(payload)

    def log_message(self, format, *args):
        # Quiet by design: request lines may carry ids, bodies may carry passwords.
        pass

    def log_error(self, format, *args):
        sys.stderr.write("simulator: " + (format % args) + "\n")


class SimServer(ThreadingHTTPServer):
    daemon_threads = True
    allow_reuse_address = True
    block_on_close = False
    request_queue_size = 128

    def __init__(self, address, sim, ssl_context=None):
        super().__init__(address, SimHandler)
        self.sim = sim
        if ssl_context is not None:
            self.socket = ssl_context.wrap_socket(self.socket, server_side=True,
                                                  do_handshake_on_connect=False)

    def handle_error(self, request, client_address):
        # Clients that hang up mid-request are normal (timeouts, dropped-connection tests).
        exc = sys.exc_info()[1]
        if isinstance(exc, (ConnectionError, ssl.SSLError, TimeoutError)):
            return
        super().handle_error(request, client_address)
