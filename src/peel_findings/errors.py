"""One exception hierarchy. Every error says what was wrong and what to do about it.

Each reading error carries a short machine-readable `kind` (the `errors` table's
`kind` column) as a class attribute.
"""

from __future__ import annotations


class PeelError(Exception):
    """Base class of every error peel-findings raises on purpose."""

    kind: str = "error"


class ReadError(PeelError):
    """A report file could not be read."""

    kind = "corrupt"


class UnsupportedFormatError(ReadError):
    """The file's extension is not one peel-findings reads."""

    kind = "unsupported_format"


class EmptyFileError(ReadError):
    """The file has no bytes, or no text at all."""

    kind = "empty"


class NotAPdfError(ReadError):
    """A file named .pdf whose bytes are not a PDF."""

    kind = "not_a_pdf"


class CorruptPdfError(ReadError):
    """A PDF that is truncated or damaged beyond reading."""

    kind = "corrupt"


class EncryptedPdfError(ReadError):
    """A password-protected PDF."""

    kind = "encrypted"


class NoTextLayerError(ReadError):
    """A PDF whose pages are images only, with no text to extract."""

    kind = "no_text_layer"


class TooLargeError(ReadError):
    """A file over the configured size or page limit."""

    kind = "too_large"


class ModelError(PeelError):
    """A model file is missing, tampered with or incompatible."""

    kind = "model"


class LabelError(PeelError):
    """Labelled records that do not follow the labelling guide or the taxonomy."""

    kind = "label"
