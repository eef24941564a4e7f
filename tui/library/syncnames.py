"""Names that sync tools use for files still being written. They are never imported.

A sync tool writes into a temporary name and renames it into place when the file is
complete, so ignoring these names (and the tools' own hidden folders) is what keeps
half-synced audio from ever showing up as a broken message:

* Syncthing: `.syncthing.<name>.tmp` (and `~syncthing~<name>.tmp` on Windows)
* rsync: `.<name>.XXXXXX` (six random characters), `--partial-dir` `.rsync-partial/`
* Nextcloud / ownCloud desktop: `.<name>.~<hex>`, `.~<...>`, `<name>.part`, web chunks `*.part`
* Dropbox: `.dropbox.cache/`, `.dropbox*`, `*.dropbox.tmp`
* browsers and downloaders: `*.part`, `*.partial`, `*.crdownload`, `*.download`, `*.opdownload`
* others: `~$*` (Office owner files), `*.!sync` (Resilio), `*.icloud` (iCloud placeholders),
  `.goutputstream-*` (GNOME), `*.kio-part` (KDE), `*.tmp`, `._*` (macOS AppleDouble)
"""

from __future__ import annotations

import fnmatch
import re
from pathlib import PurePath

_PATTERNS = (
    ".syncthing.*.tmp",  # Syncthing
    "~syncthing~*.tmp",  # Syncthing (Windows style)
    "*.part",  # Nextcloud/ownCloud, Firefox, wget, many others
    "*.partial",
    "*.crdownload",  # Chromium
    "*.download",  # Safari
    "*.opdownload",  # Opera
    "*.kio-part",  # KDE
    "*.tmp",
    ".~*",  # Nextcloud/ownCloud lock/temp, LibreOffice locks
    "~$*",  # Office-style owner files
    ".dropbox*",
    "*.dropbox.tmp",
    "*.!sync",  # Resilio
    "*.icloud",  # iCloud placeholder
    ".goutputstream-*",  # GNOME / GIO atomic writes
    "._*",  # macOS AppleDouble resource forks: never audio
)
# rsync's temporary file: "." + original name + "." + six random characters.
_RSYNC = re.compile(r"^\..+\.[A-Za-z0-9_]{6}$")
# Nextcloud/ownCloud desktop client downloads: ".<name>.~<hex>".
_NEXTCLOUD = re.compile(r"^\..+\.~[0-9A-Fa-f]+$")


# One regex for all glob patterns: this runs once per file on every rescan.
_GLOBS = re.compile("|".join(f"(?:{fnmatch.translate(pattern)})" for pattern in _PATTERNS), re.DOTALL)


def is_partial(name: str) -> bool:
    """True when `name` (a file name, not a path) looks like a sync tool's in-progress file."""
    if not name:
        return False
    if _GLOBS.match(name.lower()):
        return True
    return name[0] == "." and bool(_RSYNC.match(name) or _NEXTCLOUD.match(name))


def is_hidden_dir(name: str) -> bool:
    """Sync tools' own folders (.stfolder, .stversions, .dropbox.cache, .Trash-*, .rsync-partial) are never scanned."""
    return name.startswith(".")


def is_ignored(path: PurePath, root: PurePath | None = None) -> bool:
    """True when `path` is a sync tool's temporary file or lies in a hidden folder below `root`.

    Only the folders between `root` (a source folder, itself never judged) and the file
    count, so a source that itself lives under a hidden folder still works.
    """
    if is_partial(path.name):
        return True
    parts = path.parts[:-1]
    if root is not None:
        try:
            parts = path.relative_to(root).parts[:-1]
        except ValueError:
            pass
    return any(is_hidden_dir(part) for part in parts)
