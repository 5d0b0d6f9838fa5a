"""An ASGI app as a real HTTP server on 127.0.0.1, in a thread, for as long as a test needs it."""
import socket
import threading
import time

import uvicorn


class LiveServer:
    def __init__(self, app, log_level: str = "warning"):
        self.app = app
        # bound here, so the port is ours before the server starts (no race for a "free" port)
        self._socket = socket.socket()
        self._socket.bind(("127.0.0.1", 0))
        self.url = f"http://127.0.0.1:{self._socket.getsockname()[1]}"
        self._server = uvicorn.Server(uvicorn.Config(app, log_level=log_level))
        self._thread = threading.Thread(target=self._server.run, kwargs={"sockets": [self._socket]}, daemon=True)

    def __enter__(self) -> "LiveServer":
        self._thread.start()
        deadline = time.monotonic() + 20
        while not self._server.started:
            assert time.monotonic() < deadline, "server did not start"
            time.sleep(0.02)
        return self

    def __exit__(self, *_) -> None:
        self._server.should_exit = True
        self._thread.join(timeout=10)
        self._socket.close()
