"""A PDF beside a DOCX, made by headless LibreOffice (`soffice`) when it is installed."""

from __future__ import annotations

import logging
import shutil
import subprocess
import tempfile
from pathlib import Path

logger = logging.getLogger("cchc_bot")

CONVERT_TIMEOUT = 180


def soffice_binary() -> str | None:
    """The LibreOffice binary on PATH, or None."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def soffice_version(binary: str | None = None) -> str | None:
    """LibreOffice's version line, or None when it is missing or does not run."""
    binary = binary or soffice_binary()
    if binary is None:
        return None
    try:
        done = subprocess.run(
            [binary, "--version"], capture_output=True, text=True, timeout=60, check=True
        )
    except (OSError, subprocess.SubprocessError):
        return None
    return done.stdout.strip() or binary


def convert_to_pdf(source: Path, folder: Path, binary: str | None = None) -> Path | None:
    """Convert a DOCX into `folder`; None without LibreOffice or when the conversion fails."""
    binary = binary or soffice_binary()
    if binary is None:
        return None
    with tempfile.TemporaryDirectory(prefix="cchc-soffice-") as profile:
        # A profile of its own, so two conversions at once never lock each other out.
        command = [binary, f"-env:UserInstallation={Path(profile).as_uri()}", "--headless"]
        command += ["--norestore", "--convert-to", "pdf", "--outdir", str(folder), str(source)]
        try:
            subprocess.run(command, capture_output=True, timeout=CONVERT_TIMEOUT, check=True)
        except (OSError, subprocess.SubprocessError) as exc:
            logger.warning("PDF conversion of %s failed: %s", source.name, type(exc).__name__)
            return None
    pdf = folder / (source.stem + ".pdf")
    return pdf if pdf.is_file() else None


def pdf_bytes(docx: bytes, name: str) -> bytes | None:
    """The PDF of a DOCX given as bytes; None without LibreOffice or on failure."""
    if soffice_binary() is None:
        return None
    with tempfile.TemporaryDirectory(prefix="cchc-pdf-") as folder:
        source = Path(folder) / name
        source.write_bytes(docx)
        pdf = convert_to_pdf(source, Path(folder))
        return pdf.read_bytes() if pdf is not None else None
