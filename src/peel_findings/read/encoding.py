"""Bytes to text for text files: the encoding found properly, bad bytes counted, binaries refused.

- a byte-order mark says UTF-8, UTF-16 or UTF-32;
- without one, UTF-16 and UTF-32 show themselves by where their NUL bytes fall;
- otherwise UTF-8 if it decodes; a file that is UTF-8 but for a few bad bytes (fewer than its
  well-formed multi-byte characters, at most 1% of it) stays UTF-8 with those bytes replaced (and
  says how many, so the run can warn), rather than turning into mojibake;
- otherwise charset-normalizer's detection (Windows-1252 and the like);
- text that is mostly control characters or has no words is not text at all.
"""

from __future__ import annotations

from dataclasses import dataclass

from ..errors import NotTextError

_BOMS = ((b"\x00\x00\xfe\xff", "utf-32"), (b"\xff\xfe\x00\x00", "utf-32"), (b"\xef\xbb\xbf", "utf-8-sig"),
         (b"\xff\xfe", "utf-16"), (b"\xfe\xff", "utf-16"))
MOSTLY_UTF8 = 0.99  # share of a file's bytes that must decode as UTF-8 for the rest to be replaced


@dataclass(frozen=True)
class Decoded:
    text: str
    encoding: str
    replaced: int = 0  # bytes that could not be decoded and were replaced


def decode(data: bytes, path: str = "<text>") -> Decoded:
    """The file's text, with the encoding it was read in and how many bad bytes were replaced."""
    for bom, codec in _BOMS:
        if data.startswith(bom):
            return _checked(Decoded(data.decode(codec, errors="replace"), codec), path)
    codec = _wide_without_bom(data)
    if codec:
        return _checked(Decoded(data.decode(codec, errors="replace"), codec), path)
    try:
        return _checked(Decoded(data.decode("utf-8"), "utf-8"), path)
    except UnicodeDecodeError:
        pass
    text = data.decode("utf-8", errors="replace")
    replaced = text.count("\ufffd")
    multibyte = sum(1 for ch in text if ord(ch) > 0x7F) - replaced  # characters that did decode as UTF-8
    if replaced <= (1 - MOSTLY_UTF8) * len(data) and multibyte >= max(replaced, 1):
        return _checked(Decoded(text, "utf-8", replaced), path)
    from charset_normalizer import from_bytes

    best = from_bytes(data).best()
    if best is None:
        raise NotTextError(f"{path}: not text in any encoding peel-findings knows (is it a renamed binary file?). "
                           "Check what the file is, or export the report again as text or PDF.")
    return _checked(Decoded(str(best), best.encoding), path)


def _wide_without_bom(data: bytes) -> str | None:
    """UTF-16 or UTF-32 text without a byte-order mark, told by where its NUL bytes fall."""
    sample = data[:4096]
    if len(sample) < 8 or sample.count(0) < len(sample) // 4:
        return None
    sample = sample[: len(sample) - len(sample) % 4]
    zeros = [sample[k::4].count(0) / max(len(sample) // 4, 1) for k in range(4)]  # NUL share at each offset
    if zeros[3] > 0.95 and zeros[2] > 0.9 and zeros[0] < 0.5:
        return "utf-32-le"
    if zeros[0] > 0.95 and zeros[1] > 0.9 and zeros[3] < 0.5:
        return "utf-32-be"
    odd = sum(1 for b in sample[1::2] if b == 0) / max(len(sample) // 2, 1)
    even = sum(1 for b in sample[0::2] if b == 0) / max(len(sample) // 2, 1)
    if odd > 0.3 and even < 0.05:
        return "utf-16-le"
    if even > 0.3 and odd < 0.05:
        return "utf-16-be"
    return None


def _checked(decoded: Decoded, path: str) -> Decoded:
    """Refuse decoded "text" that is not text: control characters, no words."""
    text = decoded.text
    sample = text[:20000]
    if not sample.strip():
        return decoded
    controls = sum(1 for ch in sample if ord(ch) < 32 and ch not in "\t\n\r\f\v") + sample.count("\x00")
    letters = sum(ch.isalpha() for ch in sample)
    words = sum(1 for token in sample.split() if len(token) > 1 and token.isalpha())
    if controls > 0.01 * len(sample) or letters < 0.3 * len(sample.replace(" ", "")) or words < 3:
        raise NotTextError(f"{path}: does not hold text (control characters, no words: a binary file named as "
                           "text?). Check what the file is.")
    return decoded
