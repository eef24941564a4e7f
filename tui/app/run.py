"""Start the Textual app from the CLI context."""

from __future__ import annotations

import sys

from tui import paths
from tui.errors import UserError


def run_app(ctx) -> int:
    if not sys.stdin.isatty() or not sys.stdout.isatty():
        raise UserError("The inbox needs a terminal. For scripts use: voicemail-tui scan / export / analyze.")
    from tui.app.app import VoicemailApp

    store = ctx.store(contacts=False)  # the app reads them in the background (load_contacts)
    if not ctx.sources and store.count() == 0 and not ctx.demo:
        print("voicemail-tui: no voicemail folders configured. Run `voicemail-tui init` or pass --source DIR.", file=sys.stderr)
    native = None
    original_stderr = sys.__stderr__
    try:
        from tui.audio.outputs import redirect_native_stderr

        native = redirect_native_stderr(paths.log_file())
        # Textual draws on sys.__stderr__: point it at the terminal, not the log.
        sys.__stderr__ = native.stream
    except OSError:
        native = None  # the log folder is not writable: audio noise may show, nothing else changes
    app = VoicemailApp(store=store, config=ctx.config, sources=ctx.sources, demo=ctx.demo, config_path=ctx.config_path)
    try:
        result = app.run()
    finally:
        app.shutdown()
        if native is not None:
            native.restore()
            sys.__stderr__ = sys.stderr = original_stderr
        store.close()
    return int(result or 0)
