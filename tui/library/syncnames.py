"""Names that sync tools use for files still being written. They are never imported."""

from __future__ import annotations

import fnmatch
import re

_PATTERNS = (
    ".syncthing.*.tmp",  # Syncthing
    "~syncthing~*.tmp",  # Syncthing (Windows style)
    "*.part",  # Nextcloud/ownCloud, browsers, many others
    "*.partial",
    "*.crdownload",  # Chromium
    "*.download",  # Safari
    "*.tmp",
    ".~*",  # Nextcloud/ownCloud lock/temp
    "~$*",  # Office-style owner files
    ".dropbox*",
    "*.dropbox.tmp",
    "*.!sync",  # Resilio
    "*.icloud",  # iCloud placeholder
)
_RSYNC = re.compile(r"^\..+\.[A-Za-z0-9]{6}$")  # rsync: ".name.XXXXXX"


def is_partial(name: str) -> bool:
    """True when `name` (a file name, not a path) looks like a sync tool's in-progress file."""
    lowered = name.lower()
    if any(fnmatch.fnmatchcase(lowered, pattern) for pattern in _PATTERNS):
        return True
    return bool(_RSYNC.match(name))


def is_hidden_dir(name: str) -> bool:
    """Sync tools' own folders (.stfolder, .stversions, .dropbox.cache, .Trash-*) are never scanned."""
    return name.startswith(".")
