"""What kind of source a configured path is, in words (`doctor`): Maildir, mbox, Asterisk,
Google Voice or folder. Cheap: a mail source by its layout, a folder by the importers that claim
the first audio files in it (at most SAMPLE of them)."""

from __future__ import annotations

import os
from collections import Counter
from pathlib import Path

from tui.library import importers
from tui.library.mail import sources as mail_sources

SAMPLE = 200
_NAMES = {"asterisk": "Asterisk", "google_voice": "Google Voice"}


def describe(root: Path | str) -> str:
    kind = mail_sources.kind(root)
    if kind == "maildir":
        return "Maildir"
    if kind == "mbox":
        return "mbox"
    counts: Counter[str] = Counter()
    seen = 0
    for folder, dirs, files in os.walk(root):
        dirs[:] = sorted(name for name in dirs if not name.startswith("."))
        for name in sorted(files):
            dot = name.rfind(".")
            if name.startswith(".") or not importers.is_audio_name(name, name[dot:].lower() if dot > 0 else ""):
                continue
            path = Path(folder) / name
            if importers.not_a_message(str(path)):
                counts["google_voice"] += 1
            else:
                counts[getattr(importers.importer_for(path), "LAYOUT", "plain")] += 1
            seen += 1
            if seen >= SAMPLE:
                break
        if seen >= SAMPLE:
            break
    layout = counts.most_common(1)[0][0] if counts else "plain"
    return _NAMES.get(layout, "folder")
