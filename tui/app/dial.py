"""`t` dials the number to call with `[callback] dial_command` (a phone bridge, a SIP client).

An argv list run without a shell; `{number}` is replaced by the validated E.164 number only (never
by text that is not one), so nothing from a voicemail can become part of a command. Off by default.
"""

from __future__ import annotations

import subprocess
import time
from functools import partial

from tui.library import phone
from tui.text import clean

WATCH_S = 60.0  # how long a failing dialer is waited for (a SIP client may stay open: not a failure)


def dial_argv(template: tuple[str, ...], number: str) -> list[str]:
    if not phone.is_e164(number):
        raise ValueError(f"not an E.164 number: {number!r}")
    return [arg.replace("{number}", number) for arg in template]


class DialActions:
    """Mixed into VoicemailApp; uses its config, store and `_unlocked`."""

    def action_dial(self) -> None:
        template = self.config.callback.dial_command
        if not template:
            self.notify("Dialing is off: set [callback] dial_command in the config (see config.example.toml); "
                        "y copies the number.", severity="warning", markup=False)
            return
        message = self._unlocked("dial the number")
        if message is None:
            return
        fields = self.store.callback(message.id)
        number = fields.get("number")
        if not number or not number.value:
            self.notify("No number to call for this message.", severity="warning", markup=False)
            return
        if not phone.is_e164(number.value):
            self.notify(f"“{clean(number.value, single_line=True, limit=40)}” is not a phone number: "
                        "edit it (e) before dialing.", severity="warning", markup=False)
            return
        argv = dial_argv(template, number.value)
        try:
            process = subprocess.Popen(argv, stdin=subprocess.DEVNULL, stdout=subprocess.DEVNULL,
                                       stderr=subprocess.DEVNULL, start_new_session=True, close_fds=True)
        except OSError as exc:
            self.notify(f"Could not run {clean(argv[0], single_line=True)}: {exc.strerror or exc}. "
                        "Check [callback] dial_command.", severity="error", markup=False)
            return
        extension = fields.get("extension")
        extra = f" — then extension {clean(extension.value, single_line=True)}" if extension and extension.value else ""
        doubt = " (uncertain: check it, p replays it)" if number.confidence == "low" else ""
        self.notify(f"Dialing {phone.international(number.value)}{extra}{doubt}", markup=False)
        self.run_worker(partial(self._watch_dialer, process, argv[0]), thread=True, group="dial",
                        exit_on_error=False, name="dial command")

    def _watch_dialer(self, process: subprocess.Popen, name: str) -> None:
        """Say so when the dialer fails. Polls, so quitting the app never waits on it."""
        deadline = time.monotonic() + WATCH_S
        while process.poll() is None:
            if self._exiting or time.monotonic() > deadline:
                return
            time.sleep(0.1)
        if process.returncode != 0 and not self._exiting:
            self.call_from_thread(self.notify, f"{clean(name, single_line=True)} failed (exit status {process.returncode}).",
                                  severity="warning", markup=False)
