"""A real HTTP server on 127.0.0.1 (http.server in a thread) serving recorded Open311 documents."""

from __future__ import annotations

import http.server
import json
import threading
import urllib.parse
from collections.abc import Callable
from typing import Any

Route = Callable[[dict[str, str]], tuple[int, str]]


class Open311Server:
    """Serves ``/requests.json`` through a function of the query parameters; records every request.

    ``route(params)`` returns ``(status, body)``; a status of 0 drops the connection without an answer.
    """

    def __init__(self, route: Route) -> None:
        self.route = route
        self.requests: list[dict[str, str]] = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_GET(self) -> None:
                url = urllib.parse.urlsplit(self.path)
                params = dict(urllib.parse.parse_qsl(url.query))
                params["path"] = url.path
                outer.requests.append(params)
                status, body = outer.route(params)
                if status == 0:
                    self.close_connection = True
                    self.connection.close()
                    return
                data = body.encode("utf-8")
                self.send_response(status)
                self.send_header("Content-Type", "application/json; charset=utf-8")
                self.send_header("Content-Length", str(len(data)))
                self.end_headers()
                self.wfile.write(data)

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self._httpd = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._thread = threading.Thread(target=self._httpd.serve_forever, name="open311-test-server", daemon=True)

    @property
    def url(self) -> str:
        """Base URL of the endpoint."""
        return f"http://127.0.0.1:{self._httpd.server_address[1]}/v2"

    def start(self) -> Open311Server:
        self._thread.start()
        return self

    def stop(self) -> None:
        """Shut down and free the port (the server "goes away")."""
        self._httpd.shutdown()
        self._httpd.server_close()
        self._thread.join(10)


def paged(items: list[dict[str, Any]]) -> Route:
    """A route serving ``items`` in pages (``page``/``page_size``), ignoring the dates."""

    def route(params: dict[str, str]) -> tuple[int, str]:
        if params["path"] != "/v2/requests.json":
            return 404, json.dumps([{"code": 404, "description": "no such resource"}])
        size = int(params.get("page_size", "1000"))
        page = int(params.get("page", "1"))
        return 200, json.dumps(items[(page - 1) * size : page * size])

    return route
