"""The benchmark floor: the same scripts, one after another, in ONE Python process.

Reads a JSON list of jobs ({"script", "argv", "env", "cwd"}) on stdin, imports the
libraries once, and runs each script as __main__ in-process: no Temporal, no
processes, no files beyond what the scripts write. Prints the seconds spent.
"""
import json
import os
import runpy
import sys
import time

import numpy  # noqa: F401  (imported once, like a warm process would)
import pandas  # noqa: F401
import sklearn.ensemble  # noqa: F401
import xgboost  # noqa: F401

jobs = json.load(sys.stdin)
started = time.perf_counter()
for job in jobs:
    os.environ.update(job["env"])
    sys.argv = [job["script"], *job["argv"]]
    os.chdir(job["cwd"])
    try:
        runpy.run_path(job["script"], run_name="__main__")
    except SystemExit as done:
        if done.code not in (0, None):
            raise
print(json.dumps({"seconds": time.perf_counter() - started}))
