"""One exception hierarchy. Every error says what was wrong and what to do about it.

Each error carries a short machine-readable `kind` (the `errors` table's `kind` column for
reading errors) as a class attribute. Errors about a caller's arguments also derive from
`ValueError` or `TypeError`, so code written against the built-in exceptions keeps working.
"""

from __future__ import annotations


class PeelError(Exception):
    """Base class of every error peel-findings raises on purpose."""

    kind: str = "error"


class ReadError(PeelError):
    """A report file could not be read."""

    kind = "corrupt"


class NotFoundError(ReadError):
    """A path that does not exist."""

    kind = "not_found"


class UnsupportedFormatError(ReadError):
    """The file's extension is not one peel-findings reads."""

    kind = "unsupported_format"


class EmptyFileError(ReadError):
    """The file has no bytes, or no text at all."""

    kind = "empty"


class NotTextError(ReadError):
    """A file named as text whose bytes are not text (a binary, or an encoding unknown)."""

    kind = "not_text"


class NotAFileError(ReadError):
    """A path that is not a regular file: a FIFO, a device, a socket, a dangling link or a link loop."""

    kind = "not_a_file"


class UnreadableError(ReadError):
    """A file the user running peel-findings may not read (permissions)."""

    kind = "unreadable"


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


class RecordsError(PeelError):
    """A JSON Lines file of sentences that cannot be used (bad JSON, a line without text)."""

    kind = "records"


class OutputError(PeelError):
    """An output folder or file that cannot be written."""

    kind = "output"


class InvalidArgumentError(PeelError, ValueError):
    """An argument with a value peel-findings cannot use (a negative limit, an unknown strategy)."""

    kind = "invalid_argument"


class InvalidTypeError(PeelError, TypeError):
    """An argument of the wrong type (a bare string where a list of texts is expected)."""

    kind = "invalid_argument"
