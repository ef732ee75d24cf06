# -*- coding: utf-8 -*-
# Copyright (c) mailops.sendgrid contributors
# GNU General Public License v3.0+ (see LICENSE or https://www.gnu.org/licenses/gpl-3.0.txt)

"""One controller's module processes take turns while SendGrid answers 429.

PRIVATE: this module is internal to the mailops.sendgrid collection. It is not a public API and may
change in any release without notice. Do not import it from other collections.

Why: every fork of a play runs its own module process with its own client. When a rate-limit window is
used up, each of them gets a 429 and each wakes at about the same reset instant, so twenty forks draw
twenty 429s for every request the window serves. A gate shared through a lock file makes them take turns
after the first 429 of a key: one process at a time sends, the one that hits the limit waits out the
reset while holding the gate, the others wait for the gate instead of asking SendGrid. The result is at
most about one 429 per window instead of one per fork.

The gate is per controller (a lock file under the temporary directory, keyed by a hash of the API URL and
the key); forks on other machines (AWX job slices) do not share it and fall back to each client's own
backoff with jitter. Anything that keeps the gate from working (no ``fcntl``, a directory that is not
ours) switches it off: the client then behaves as it would without it.
"""

from __future__ import annotations

import hashlib
import json
import os
import stat
import tempfile
from typing import Optional

try:
    import fcntl
except ImportError:  # pragma: no cover - not POSIX: no gate, each client backs off on its own
    fcntl = None  # type: ignore[assignment]

# After a 429, requests with the same key take turns for this many seconds. SendGrid's windows are
# per minute on many endpoints, so a shorter hold would let the forks stampede into the next window.
GATE_HOLD = 60.0
# How often a process waiting for the gate looks again (plus up to the same again at random, so the
# waiting processes do not line up).
GATE_POLL = 0.05
# The folder of the lock files when the client names none (tests point it at their own folder).
DEFAULT_DIRECTORY = None


class GateTimeout(Exception):
    """The gate was not free within the time the caller allowed."""


class RateGate:
    """A lock file shared by the processes that use one API key against one API URL on this machine."""

    def __init__(self, api_url, api_key, sleep, clock, random_fraction, directory=None):
        self._sleep = sleep
        self._clock = clock
        self._random = random_fraction
        self._fd = None
        identity = hashlib.sha256(("%s\0%s" % (api_url, api_key)).encode("utf-8")).hexdigest()[:24]
        self._base: Optional[str] = None
        folder = _private_folder(directory)
        if folder is not None and fcntl is not None:
            self._base = os.path.join(folder, "ratelimit-" + identity)

    @property
    def enabled(self):
        return self._base is not None

    def _file(self, suffix):
        return "%s%s" % (self._base, suffix)

    @property
    def held(self):
        return self._fd is not None

    def throttled_until(self):
        """(time of the last 429 seen on this machine, time until which SendGrid said to wait) or (0, 0)."""
        if not self.enabled:
            return 0.0, 0.0
        try:
            with open(self._file(".state"), "r", encoding="utf-8") as handle:
                state = json.load(handle)
            return float(state["seen"]), float(state["until"])
        except (OSError, ValueError, KeyError, TypeError):
            return 0.0, 0.0

    def engaged(self):
        """True while another process's (or this one's) recent 429 asks everyone to take turns."""
        seen, _until = self.throttled_until()
        # A time from the future (another clock, a test's) is not trusted to hold everyone back.
        return self.enabled and 0 <= self._clock() - seen < GATE_HOLD

    def acquire(self, allowed):
        """Wait for the gate for at most ``allowed`` seconds; the seconds waited. ``GateTimeout`` past that."""
        if not self.enabled or self.held:
            return 0.0
        try:
            fd = os.open(self._file(".lock"), os.O_RDWR | os.O_CREAT | getattr(os, "O_NOFOLLOW", 0), 0o600)
        except OSError:
            self._base = None
            return 0.0
        waited = 0.0
        while True:
            try:
                fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            except BlockingIOError:
                pause = GATE_POLL * (1 + self._random())
                if waited + pause > allowed:
                    os.close(fd)
                    raise GateTimeout("waited %.1fs for the other forks' turn" % waited)
                self._sleep(pause)
                waited += pause
                continue
            except OSError:
                os.close(fd)
                self._base = None
                return waited
            self._fd = fd
            return waited

    def note_429(self, until):
        """Tell the other processes that SendGrid said to wait until ``until`` (epoch seconds)."""
        if not self.enabled:
            return
        state = json.dumps({"seen": self._clock(), "until": until})
        temporary = "%s.state.%d" % (self._base, os.getpid())
        try:
            with open(temporary, "w", encoding="utf-8") as handle:
                handle.write(state)
            os.replace(temporary, self._file(".state"))
        except OSError:
            pass

    def release(self):
        if self._fd is not None:
            fd, self._fd = self._fd, None
            try:
                fcntl.flock(fd, fcntl.LOCK_UN)
            finally:
                os.close(fd)


def _private_folder(directory):
    """The gate's folder, made private to this user, or None when it cannot be trusted."""
    folder = directory or DEFAULT_DIRECTORY or os.path.join(tempfile.gettempdir(), "mailops-sendgrid-%s" % _uid())
    try:
        os.mkdir(folder, 0o700)
    except FileExistsError:
        pass
    except OSError:
        return None
    try:
        info = os.lstat(folder)
    except OSError:
        return None
    # Another user's folder (or a symbolic link planted in a shared /tmp) is never used.
    if not stat.S_ISDIR(info.st_mode) or (hasattr(os, "getuid") and info.st_uid != os.getuid()):
        return None
    if info.st_mode & 0o077:
        return None
    return folder


def _uid():
    return os.getuid() if hasattr(os, "getuid") else "user"
