"""The program's output streams: a closed pipe ends the program at once.

``wordvec train ... | head -1``: once ``head`` exits, writing to the pipe would
raise SIGPIPE, but the next write may be minutes away. A daemon thread polls the
pipes the program writes to and ends it (SIGPIPE's default action) as soon as
their reader is gone.
"""

from __future__ import annotations

import os
import select
import signal
import stat
import threading


def end_when_output_pipes_close() -> None:
    """End the program (SIGPIPE) as soon as the reader of a pipe it writes to goes away
    (``wordvec train ... | head -1``), not only at its next write, which may be minutes away."""
    fds = [fd for fd in (1, 2) if _is_pipe(fd)]
    if not fds or not hasattr(select, "poll"):
        return
    poller = select.poll()
    for fd in fds:
        poller.register(fd, 0)  # no events asked for: poll reports only POLLERR, once the reader is gone

    def watch() -> None:
        while True:
            if any(event & (select.POLLERR | select.POLLHUP) for _, event in poller.poll()):
                os.kill(os.getpid(), signal.SIGPIPE)
                return

    threading.Thread(target=watch, daemon=True, name="wordvec-pipe-watch").start()


def _is_pipe(fd: int) -> bool:
    try:
        return stat.S_ISFIFO(os.fstat(fd).st_mode)
    except OSError:
        return False
