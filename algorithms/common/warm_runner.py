"""A warm process pool ("zygote") for training scripts.

Starting Python and importing pandas, scikit-learn and XGBoost costs about a
second per job, more than fitting a small candidate. This process pays it once,
then forks a fresh child per job; the child runs the script as `__main__` under
the job's environment, as `python script.py argv...` would, in its own
process group so the caller can kill it.

Protocol, one JSON object per line:
  stdin   {"id", "script", "argv", "env", "cwd", "log"}   (argv, env, cwd optional)
  stdout  {"event": "ready", "pid"}
          {"event": "started", "id", "pid"}
          {"event": "exited", "id", "pid", "code"}       (code -N: killed by signal N)
          {"event": "error", "id", "message"}            (a request it could not take)
On stdin EOF or SIGTERM it stops every job (SIGTERM, then SIGKILL after 5 s)
and exits 0.
"""

import ctypes
import gc
import json
import os
import runpy
import select
import signal
import sys
import time
import traceback

# Imports only: nothing here may start an OpenMP pool before forking. (The
# OpenBLAS threads numpy starts on import are fork-safe: OpenBLAS stops and
# restarts them around fork.)
import joblib  # noqa: F401
import numpy  # noqa: F401
import pandas  # noqa: F401
import sklearn  # noqa: F401
import sklearn.compose  # noqa: F401
import sklearn.ensemble  # noqa: F401
import sklearn.impute  # noqa: F401
import sklearn.linear_model  # noqa: F401
import sklearn.metrics  # noqa: F401
import sklearn.pipeline  # noqa: F401
import sklearn.preprocessing  # noqa: F401
import threadpoolctl  # noqa: F401
import xgboost  # noqa: F401

POLL_SECONDS = 0.05
STOP_GRACE_SECONDS = 5.0
PR_SET_PDEATHSIG = 1
STOP_SIGNALS = {signal.SIGTERM, signal.SIGINT}

running = {}  # child pid -> job id
stop_requested = False


def emit(event: dict) -> None:
    # Straight to fd 1: an unflushed buffer would be copied into the next child.
    try:
        os.write(1, (json.dumps(event) + "\n").encode())
    except OSError:
        pass  # the caller is gone; stdin EOF will follow


def parse_request(line: bytes) -> dict:
    request = json.loads(line)
    if not isinstance(request, dict):
        raise ValueError("a request is a JSON object")
    for key in ("id", "script", "log"):
        if not isinstance(request.get(key), str) or not request[key]:
            raise ValueError(f"'{key}' must be a non-empty string")
    argv = request.setdefault("argv", [])
    if not isinstance(argv, list) or not all(isinstance(a, str) for a in argv):
        raise ValueError("'argv' must be a list of strings")
    env = request.setdefault("env", {})
    if not isinstance(env, dict) or not all(isinstance(v, str) for v in env.values()):
        raise ValueError("'env' must be an object of strings")
    if not isinstance(request.setdefault("cwd", os.getcwd()), str):
        raise ValueError("'cwd' must be a string")
    if request["id"] in running.values():
        raise ValueError(f"job '{request['id']}' is already running")
    return request


def start(request: dict) -> None:
    # The child writes nothing here; its closing the pipe says "setsid done",
    # so the caller can kill the group as soon as it sees "started".
    ready_r, ready_w = os.pipe()
    runner_pid = os.getpid()
    # Held back until the child has its own handlers, so a SIGTERM sent in
    # between is not swallowed by the runner's handler in the child.
    signal.pthread_sigmask(signal.SIG_BLOCK, STOP_SIGNALS)
    pid = os.fork()
    if pid == 0:
        os.close(ready_r)
        run_child(request, ready_w, runner_pid)  # never returns
    signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
    os.close(ready_w)
    os.read(ready_r, 1)
    os.close(ready_r)
    running[pid] = request["id"]
    emit({"event": "started", "id": request["id"], "pid": pid})


def run_child(request: dict, ready_w: int, runner_pid: int) -> None:
    code = 1
    try:
        os.setsid()
        os.close(ready_w)
        # Die with the runner even if it is SIGKILLed (Linux only).
        try:
            ctypes.CDLL(None).prctl(PR_SET_PDEATHSIG, signal.SIGKILL)
        except (AttributeError, OSError):
            pass
        if os.getppid() != runner_pid:
            return  # the runner died before prctl took effect
        signal.signal(signal.SIGTERM, signal.SIG_DFL)
        signal.signal(signal.SIGINT, signal.default_int_handler)
        signal.pthread_sigmask(signal.SIG_UNBLOCK, STOP_SIGNALS)
        os.makedirs(os.path.dirname(os.path.abspath(request["log"])), exist_ok=True)
        log = os.open(request["log"], os.O_WRONLY | os.O_CREAT | os.O_APPEND, 0o644)
        os.dup2(log, 1)
        os.dup2(log, 2)
        os.close(log)
        null = os.open(os.devnull, os.O_RDONLY)
        os.dup2(null, 0)
        os.close(null)

        script = os.path.abspath(request["script"])
        os.environ.update(request["env"])
        os.chdir(request["cwd"])
        sys.argv = [script, *request["argv"]]
        # What `python script.py` would put first: the script's folder, then PYTHONPATH.
        extra = [p for p in request["env"].get("PYTHONPATH", "").split(os.pathsep) if p]
        sys.path[:0] = [os.path.dirname(script), *extra]
        try:
            runpy.run_path(script, run_name="__main__")
            code = 0
        except SystemExit as exit_:
            code = exit_code(exit_.code)
        except BaseException:
            traceback.print_exc()
            code = 1
    except BaseException:
        traceback.print_exc()  # setting up the job failed; stderr is the log or the runner's
    finally:
        for stream in (sys.stdout, sys.stderr):
            try:
                stream.flush()
            except Exception:
                pass
        os._exit(code)


def exit_code(code) -> int:
    """SystemExit's code as the interpreter would turn it into an exit status."""
    if code is None:
        return 0
    if isinstance(code, int):
        return code & 0xFF
    print(code, file=sys.stderr)
    return 1


def reap() -> None:
    while running:
        try:
            pid, status = os.waitpid(-1, os.WNOHANG)
        except ChildProcessError:
            return
        if pid == 0:
            return
        code = os.waitstatus_to_exitcode(status)  # -N when killed by signal N
        emit({"event": "exited", "id": running.pop(pid, None), "pid": pid, "code": code})


def stop_all() -> None:
    for sig in (signal.SIGTERM, signal.SIGKILL):
        for pid in list(running):
            try:
                os.killpg(pid, sig)
            except ProcessLookupError:
                pass
        deadline = time.monotonic() + STOP_GRACE_SECONDS
        while running and (sig == signal.SIGKILL or time.monotonic() < deadline):
            reap()
            time.sleep(POLL_SECONDS)


def request_stop(_signum, _frame) -> None:
    global stop_requested
    stop_requested = True


def main() -> None:
    for sig in STOP_SIGNALS:
        signal.signal(sig, request_stop)
    # Objects made by the imports never change; freezing them keeps the garbage
    # collector from touching (and so copying) their pages in every child.
    gc.freeze()
    emit({"event": "ready", "pid": os.getpid()})

    pending = b""
    while not stop_requested:
        readable, _, _ = select.select([0], [], [], POLL_SECONDS)
        if readable:
            chunk = os.read(0, 65536)
            if not chunk:
                break  # EOF: the caller closed stdin or died
            pending += chunk
            *lines, pending = pending.split(b"\n")
            for line in lines:
                if line.strip():
                    handle(line)
        reap()
    stop_all()


def handle(line: bytes) -> None:
    try:
        request = parse_request(line)
    except ValueError as error:  # json.JSONDecodeError is a ValueError too
        job_id = None
        try:
            candidate = json.loads(line)
            if isinstance(candidate, dict) and isinstance(candidate.get("id"), str):
                job_id = candidate["id"]
        except ValueError:
            pass
        emit({"event": "error", "id": job_id, "message": f"bad request: {error}"})
        return
    start(request)


if __name__ == "__main__":
    main()
