"""Runs commands for the benchmarks and reports each one's time and peak memory.

    python -m bench.launcher    (driven by bench.run over stdin and stdout)

A child's peak resident set size, as Linux counts it, includes the memory of
the process that started it (fork and exec keep the larger of the two). The
benchmark process grows (it generates vaults, it runs a watcher), so it
starts this small process first and has it start every measured command.
Protocol: one JSON list of arguments per line in (plus "env" on the first
line); one JSON [seconds, peak MB, exit code, stderr] per line out.
"""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time


def main() -> None:
    environment = json.loads(sys.stdin.readline())
    for line in sys.stdin:
        command = json.loads(line)
        started = time.perf_counter()
        process = subprocess.Popen(
            command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, env=environment
        )
        error = process.stderr.read()
        _, status, usage = os.wait4(process.pid, 0)
        elapsed = time.perf_counter() - started
        process.stderr.close()
        result = [elapsed, usage.ru_maxrss // 1024, os.waitstatus_to_exitcode(status)]
        print(json.dumps([*result, error.decode(errors="replace")[-2000:]]), flush=True)


if __name__ == "__main__":
    main()
