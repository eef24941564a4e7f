"""Mail sources: which kind a configured source is, and the mails in a Maildir or an mbox.

A Maildir is a folder with `cur/`, `new/` and `tmp/`; its Maildir++ subfolders are the hidden
folders beside them (`.Voicemail/cur`, ...), and mbsync's `SubFolders Verbatim` nests Maildirs in
plain folders (`Voicemail/cur`): both are read with it. Mails are read from `new/` and `cur/` (never
`tmp/`, where a delivery is still being written), only read: nothing is renamed, flagged or
moved. An mbox is one file of mails, each starting with a `From ` line; it is read one mail at a
time, so a large mbox never sits in memory. A mail in an mbox is named by the mbox's path, `/@`
and the byte offset of its `From ` line (`~/mail/voicemail.mbox/@10240`).
"""

from __future__ import annotations

import os
import stat as stat_module
from collections.abc import Iterator
from pathlib import Path

from tui.library import syncnames

MBOX_MARK = "/@"


def is_maildir(folder: Path | str) -> bool:
    return os.path.isdir(os.path.join(folder, "cur")) and os.path.isdir(os.path.join(folder, "new"))


def is_mbox(path: Path | str) -> bool:
    """A regular file that starts like an mbox (`From `) or is empty with an mbox name."""
    try:
        if not os.path.isfile(path):
            return False
        with open(path, "rb") as handle:
            head = handle.read(5)
    except OSError:
        return False
    return head == b"From " or (head == b"" and str(path).lower().endswith((".mbox", ".mbx")))


def kind(root: Path | str) -> str:
    """"maildir", "mbox" or "folder" (a folder of audio files: plain, Asterisk, Google Voice)."""
    if is_maildir(root):
        return "maildir"
    if is_mbox(root):
        return "mbox"
    return "folder"


MAX_DEPTH = 4


def maildir_folders(root: Path | str) -> list[str]:
    """The Maildir itself and the Maildirs below it: Maildir++ subfolders (`.Name`, beside cur/)
    and the nested folders of mbsync's `SubFolders Verbatim` layout (`Name/cur`), at most
    MAX_DEPTH deep. Hidden folders are only taken as Maildir++ subfolders of the root."""
    root = str(root)
    folders = [root]
    stack = [(root, 0)]
    while stack:
        folder, depth = stack.pop()
        try:
            names = sorted(os.listdir(folder))
        except OSError:
            continue
        for name in names:
            if name in ("cur", "new", "tmp") or name in (".", ".."):
                continue
            path = os.path.join(folder, name)
            if name.startswith(".") and (folder != root or syncnames.is_partial(name)):
                continue
            if not os.path.isdir(path):
                continue
            if is_maildir(path):
                folders.append(path)
            if depth + 1 < MAX_DEPTH and not name.startswith("."):
                stack.append((path, depth + 1))
    return folders


def maildir_files(root: Path | str, errors: list[tuple[str, str]]) -> Iterator[tuple[str, os.stat_result]]:
    """(path, stat) of every mail in `new/` and `cur/` of the Maildir and its subfolders."""
    for folder in maildir_folders(root):
        for sub in ("new", "cur"):
            where = os.path.join(folder, sub)
            try:
                with os.scandir(where) as entries:
                    items = list(entries)
            except OSError as exc:
                errors.append((where, f"folder not readable ({exc.strerror})"))
                continue
            for entry in items:
                name = entry.name
                if name.startswith(".") or syncnames.is_partial(name):
                    continue
                try:
                    st = entry.stat()
                except OSError:
                    continue
                if stat_module.S_ISREG(st.st_mode):
                    yield entry.path, st


def in_maildir_subfolder(path: Path, root: Path) -> bool:
    """A path in a Maildir++ subfolder of `root` (hidden folders elsewhere stay ignored by the watcher)."""
    try:
        parts = path.relative_to(root).parts
    except ValueError:
        return False
    return len(parts) >= 2 and parts[0].startswith(".") and is_maildir(root) and parts[1] in ("new", "cur")


def locator(mbox: str, offset: int) -> str:
    return f"{mbox}{MBOX_MARK}{offset}"


def mbox_mails(path: str, *, max_mail_bytes: int) -> Iterator[tuple[int, bytes | None]]:
    """(offset, the mail's bytes) for each mail in the mbox, one at a time; None for a mail
    over `max_mail_bytes` (its lines are skipped, not kept). mboxrd `>From ` lines are unquoted."""
    with open(path, "rb") as handle:
        position = 0  # the offset of `line`
        start: int | None = None
        lines: list[bytes] = []
        size = 0
        too_big = False
        previous_blank = True
        for line in handle:
            if line.startswith(b"From ") and previous_blank:
                if start is not None:
                    yield start, None if too_big else b"".join(lines)
                start, lines, size, too_big = position, [], 0, False
            elif start is not None and not too_big:
                text = line[1:] if line.startswith(b">") and line.lstrip(b">").startswith(b"From ") else line
                lines.append(text)
                size += len(text)
                if size > max_mail_bytes:
                    too_big, lines = True, []
            previous_blank = line in (b"\n", b"\r\n")
            position += len(line)
        if start is not None:
            yield start, None if too_big else b"".join(lines)
