"""Where a sandbox session keeps its files, and what is left of them when it ends."""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass
from pathlib import Path

from cchc_bot.texts import sandbox as texts


@dataclass(frozen=True)
class Folders:
    """Where the session keeps its database, its log and the files the bot sends."""

    root: Path
    temporary: bool

    @property
    def database(self) -> Path:
        """The SQLite file."""
        return self.root / "cchc.db"

    @property
    def received(self) -> Path:
        """Documents and photos the bot sent to the personas."""
        return self.root / "files"

    @property
    def bot_files(self) -> Path:
        """The bot's own file store (`CCHC_FILES_DIR`)."""
        return self.root / "bot-files"

    @property
    def log(self) -> Path:
        """The bot's log, kept out of the chat."""
        return self.root / "bot.log"

    @classmethod
    def create(cls, wanted: Path | None) -> Folders:
        """The given folder (kept), or a new temporary one."""
        if wanted is None:
            folders = cls(Path(tempfile.mkdtemp(prefix="cchc-sandbox-")), temporary=True)
        else:
            wanted.mkdir(parents=True, exist_ok=True)
            folders = cls(wanted.resolve(), temporary=False)
        folders.received.mkdir(exist_ok=True)
        folders.bot_files.mkdir(exist_ok=True)
        return folders


@dataclass
class ExitChoice:
    """What the trainer asked for on leaving: `/quit xoa` deletes the files the bot sent."""

    delete_files: bool = False


def remove_folder(folders: Folders) -> None:
    """Delete a temporary session folder."""
    shutil.rmtree(folders.root, ignore_errors=True)


def clean_up(folders: Folders, *, keep: bool, delete_files: bool) -> str:
    """Tidy the session's folder on exit and say what is left where.

    What the bot sent (documents, exports) is kept unless the trainer asked to delete it;
    the rest of a temporary session (database, log) goes unless `--keep` was given.
    """
    received = folders.received
    has_files = received.is_dir() and any(received.iterdir())
    disposable = folders.temporary and not keep
    if delete_files:
        if disposable:
            remove_folder(folders)
            return texts.ALL_DELETED.format(path=folders.root)
        shutil.rmtree(received, ignore_errors=True)
        received.mkdir(exist_ok=True)
        return texts.FILES_DELETED.format(path=received)
    if not disposable:
        return texts.KEPT.format(path=folders.root)
    if not has_files:
        remove_folder(folders)
        return texts.REMOVED.format(path=folders.root)
    for entry in folders.root.iterdir():
        if entry != received:
            if entry.is_dir():
                shutil.rmtree(entry, ignore_errors=True)
            else:
                entry.unlink(missing_ok=True)
    return texts.FILES_KEPT.format(path=received)
