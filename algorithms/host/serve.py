"""The local replica host: one process serves one replica of an endpoint.

It does what SageMaker's inference toolkit does in a serving container: load
the algorithm's inference.py, call model_fn once, then answer

    GET  /ping         200 once the model is loaded
    POST /invocations  input_fn -> predict_fn -> output_fn

    python serve.py --code-dir algorithms/xgboost --model-dir MODEL [--host 127.0.0.1] [--port 0]

When listening it prints one line, `[ferry] replica ready port=<port> pid=<pid>`.
With --exit-with-stdin it dies, with its process group, when its stdin
reaches end of file: the endpoint host holds the pipe's write end, so
however the host ends (SIGKILL included) the kernel closes it.
Exit codes: 0 stopped (SIGTERM); 2 bad argument or model folder (one line on
stderr); 1 unexpected (traceback on stderr); killed (SIGKILL) when the host
is gone.
"""

import argparse
import importlib.util
import json
import os
import signal
import socketserver
import sys
import threading
import traceback
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

EXIT_BAD_INPUT = 2
JSON_TYPE = "application/json"
CSV_TYPE = "text/csv"
COMMON_DIR = os.path.join(os.path.dirname(os.path.dirname(os.path.abspath(__file__))), "common")
TOOLKIT_FUNCTIONS = ("model_fn", "input_fn", "predict_fn", "output_fn")
ROUTES = {"/ping": "GET", "/invocations": "POST"}
# SageMaker's real-time payload limit.
MAX_BODY_BYTES = 6 * 1024 * 1024
# An idle keep-alive connection holds a thread; drop it after this. Clients
# should expire idle sockets sooner, so they never send on one being closed.
IDLE_TIMEOUT_SECONDS = 300


class BadStart(Exception):
    """The replica cannot start for a reason the caller can fix (exit code 2)."""


def load_inference(code_dir: str):
    path = os.path.join(code_dir, "inference.py")
    if not os.path.isfile(path):
        raise BadStart(f"{path} does not exist; --code-dir must be an algorithm's folder")
    # As in SageMaker, the code folder (its source_dir) comes first on the path.
    sys.path[:0] = [code_dir, COMMON_DIR]
    spec = importlib.util.spec_from_file_location("inference", path)
    module = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(module)
    missing = [f for f in TOOLKIT_FUNCTIONS if not hasattr(module, f)]
    if missing:
        raise BadStart(f"{path} does not define {', '.join(missing)}")
    return module


def response_type(accept: str | None) -> str:
    """The media type output_fn answered in, by the rule ferry_tabular applies to Accept."""
    for part in (accept or "").split(","):
        media_type = part.split(";")[0].strip().lower()
        if media_type in (JSON_TYPE, CSV_TYPE):
            return media_type
        if media_type in ("*/*", "application/*"):
            break
    return JSON_TYPE


def make_handler(inference, model):
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"  # keep-alive: the router reuses connections
        # Writes are buffered so headers and body leave in one segment, and
        # Nagle is off: otherwise a small response can wait ~40 ms for the
        # client's delayed ACK.
        wbufsize = -1
        disable_nagle_algorithm = True
        timeout = IDLE_TIMEOUT_SECONDS

        def dispatch(self):
            path = self.path.split("?", 1)[0]
            allowed = ROUTES.get(path)
            if allowed is None:
                self.skip_body()
                message = f"no route {path}; use GET /ping or POST /invocations"
                self.send_json(404, {"error": message})
            elif self.command != allowed:
                self.skip_body()
                self.send_json(405, {"error": f"{path} takes {allowed}"}, {"Allow": allowed})
            elif path == "/ping":
                self.send_body(200, b"", None)
            else:
                self.invoke()

        do_GET = do_POST = do_PUT = do_DELETE = do_PATCH = do_HEAD = do_OPTIONS = dispatch

        def invoke(self):
            body = self.read_body()
            if body is None:
                return
            accept = self.headers.get("Accept")
            try:
                data = inference.input_fn(body, self.headers.get("Content-Type"))
                prediction = inference.predict_fn(data, model)
                result = inference.output_fn(prediction, accept)
            except ValueError as error:
                # The toolkit's signal for a request the functions cannot take.
                self.send_json(400, {"error": str(error)})
                return
            except Exception as error:
                traceback.print_exc()
                self.send_json(500, {"error": f"{type(error).__name__}: {error}"})
                return
            # The toolkit lets output_fn return (body, content type).
            if isinstance(result, tuple):
                result, content_type = result
            else:
                content_type = response_type(accept)
            if isinstance(result, str):
                result = result.encode("utf-8")
            self.send_body(200, result, content_type)

        def read_body(self) -> bytes | None:
            """The request body, or None after answering a request whose body cannot be read."""
            if "chunked" in self.headers.get("Transfer-Encoding", "").lower():
                return self.read_chunked()
            try:
                length = int(self.headers.get("Content-Length") or 0)
            except ValueError:
                length = -1
            if length < 0:
                self.fail_and_close(400, "Content-Length is not a whole number")
                return None
            if length > MAX_BODY_BYTES:
                self.fail_too_large()
                return None
            return self.rfile.read(length)

        def read_chunked(self) -> bytes | None:
            chunks, size = [], 0
            while True:
                try:
                    length = int(self.rfile.readline(1024).split(b";", 1)[0], 16)
                except ValueError:
                    self.fail_and_close(400, "malformed chunked body")
                    return None
                size += length
                if size > MAX_BODY_BYTES:
                    self.fail_too_large()
                    return None
                if length == 0:
                    break
                chunks.append(self.rfile.read(length))
                self.rfile.readline(1024)  # the CRLF after each chunk
            while self.rfile.readline(1024) not in (b"\r\n", b"\n", b""):
                pass  # trailers
            return b"".join(chunks)

        def skip_body(self):
            # Unread body bytes would be parsed as the next request on this connection.
            has_body = self.headers.get("Content-Length", "0") != "0"
            if has_body or self.headers.get("Transfer-Encoding"):
                self.close_connection = True

        def fail_and_close(self, status: int, message: str):
            self.close_connection = True
            self.send_json(status, {"error": message})

        def fail_too_large(self):
            self.fail_and_close(413, f"the body is over {MAX_BODY_BYTES} bytes; send fewer rows")

        def send_json(self, status: int, body: dict, headers: dict | None = None):
            self.send_body(status, json.dumps(body).encode("utf-8"), JSON_TYPE, headers)

        def send_body(self, status: int, body: bytes, content_type: str | None, headers=None):
            self.send_response(status)
            if content_type:
                self.send_header("Content-Type", content_type)
            self.send_header("Content-Length", str(len(body)))
            for name, value in (headers or {}).items():
                self.send_header(name, value)
            if self.close_connection:
                self.send_header("Connection", "close")
            self.end_headers()
            if self.command != "HEAD":
                self.wfile.write(body)

        def log_message(self, format, *args):
            pass  # no line per request: logging costs more than a small prediction

    return Handler


class Server(ThreadingHTTPServer):
    request_queue_size = 128  # the default 5 drops connections under a burst
    # daemon_threads (ThreadingHTTPServer's default) matters: a handler thread
    # waiting on an idle keep-alive connection must not hold up exiting.

    def handle_error(self, request, client_address):
        # A client that hangs up mid-response is routine under load, not a fault of the replica.
        if not isinstance(sys.exc_info()[1], (ConnectionError, TimeoutError)):
            super().handle_error(request, client_address)

    def server_bind(self):
        # HTTPServer.server_bind looks up the host's FQDN, which can stall on DNS; nothing uses it.
        socketserver.TCPServer.server_bind(self)
        self.server_name, self.server_port = self.server_address[:2]


def exit_with_stdin() -> None:
    """Waits for the host's end of the stdin pipe to close, then ends this replica's group.

    A pipe rather than polling getppid() or PR_SET_PDEATHSIG: it closes
    however the host ends, on every OS, and no other process's birth or
    death (a subreaper, the host's threads) can fool it.
    """
    while True:
        try:
            if not os.read(0, 4096):
                break
        except InterruptedError:
            continue
        except OSError:
            break
    try:
        os.write(2, b"[ferry] replica's host is gone (stdin closed); stopping\n")
    except OSError:
        # The host read our stderr, so it is usually closed too: the message
        # must not stop the exit (a raising print once left replicas running).
        pass
    # Nobody is left to drain for. As its group's leader (the host starts it
    # detached) the replica takes anything it started down with it.
    if os.getpgid(0) == os.getpid():
        os.killpg(0, signal.SIGKILL)
    os._exit(0)


def stop(signum, frame):
    # Raised in the main thread, so serve_forever (or a model still loading) unwinds at once.
    sys.exit(0)


def main() -> None:
    parser = argparse.ArgumentParser(description="Serve one replica of a model.")
    parser.add_argument("--code-dir", required=True, help="the algorithm's folder (inference.py)")
    parser.add_argument("--model-dir", required=True, help="the folder model_fn loads")
    parser.add_argument("--host", default="127.0.0.1")
    parser.add_argument("--port", type=int, default=0, help="0: the OS picks a free port")
    parser.add_argument(
        "--exit-with-stdin",
        action="store_true",
        help="exit, with the process group, when stdin closes (the host holds its other end)",
    )
    args = parser.parse_args()
    signal.signal(signal.SIGTERM, stop)
    signal.signal(signal.SIGINT, stop)
    if args.exit_with_stdin:
        # Before the model loads: a host killed while it loads must not leave it behind.
        threading.Thread(target=exit_with_stdin, daemon=True).start()

    code_dir, model_dir = os.path.abspath(args.code_dir), os.path.abspath(args.model_dir)
    try:
        if not os.path.isdir(model_dir):
            raise BadStart(f"--model-dir {model_dir} is not a folder; point it at a trained model")
        inference = load_inference(code_dir)
        try:
            model = inference.model_fn(model_dir)
        except FileNotFoundError as error:
            raise BadStart(
                f"model_fn cannot load a model from {model_dir}: {error}; "
                "point --model-dir at the folder training wrote (SM_MODEL_DIR)"
            ) from None
        try:
            server = Server((args.host, args.port), make_handler(inference, model))
        except OSError as error:  # e.g. the port is taken
            raise BadStart(f"cannot listen on {args.host}:{args.port}: {error}") from None
    except BadStart as error:
        print(f"error: {error}", file=sys.stderr, flush=True)
        sys.exit(EXIT_BAD_INPUT)

    print(f"[ferry] replica ready port={server.server_address[1]} pid={os.getpid()}", flush=True)
    try:
        server.serve_forever()
    finally:
        server.server_close()


if __name__ == "__main__":
    main()
