"""Which text encoding a file is in, decided in this order:

1. a byte-order mark (UTF-8, UTF-16);
2. UTF-8, when every byte reads as UTF-8;
3. UTF-8 with a few stray bytes (a line pasted from a Windows program): what is UTF-8 is read
   as UTF-8, each stray byte alone as Windows-1252, and the lines that held them are named;
4. otherwise a legacy encoding, chosen by charset-normalizer on the lines that have letters
   beyond ASCII, among the encodings in ENCODINGS; Western European text that the detector
   cannot tell from Windows-1252 stays Windows-1252 (Latin-1 when it has no 0x80-0x9F bytes).

An encoding the user names is always obeyed: bytes it cannot read are read as the detector would
(UTF-8's strays as Windows-1252, others as the replacement character) and their lines named.
"""

from __future__ import annotations

import codecs
import re
import threading
import unicodedata
from dataclasses import dataclass

from custseg_gui.core.errors import UserError


@dataclass(frozen=True)
class Encoding:
    codec: str  # Python's name
    label: str  # the user's name
    script: str  # what it writes: "Western European", "Cyrillic", ...


# The encodings CustSeg recognises, in the order the import dialog offers them.
ENCODINGS = (
    Encoding("utf-8", "UTF-8", "every language"),
    Encoding("utf-8-sig", "UTF-8 with BOM", "every language"),
    Encoding("utf-16", "UTF-16", "every language"),
    Encoding("cp1252", "Windows-1252", "Western European"),
    Encoding("latin_1", "Latin-1", "Western European"),
    Encoding("cp1250", "Windows-1250", "Central European"),
    Encoding("cp1251", "Windows-1251", "Cyrillic"),
    Encoding("koi8_r", "KOI8-R", "Cyrillic"),
    Encoding("cp1253", "Windows-1253", "Greek"),
    Encoding("cp1254", "Windows-1254", "Turkish"),
    Encoding("cp1255", "Windows-1255", "Hebrew"),
    Encoding("cp1256", "Windows-1256", "Arabic"),
    Encoding("cp1257", "Windows-1257", "Baltic"),
    Encoding("cp932", "Shift-JIS", "Japanese"),
    Encoding("euc_jp", "EUC-JP", "Japanese"),
    Encoding("gb18030", "GB18030", "Simplified Chinese"),
    Encoding("big5", "Big5", "Traditional Chinese"),
    Encoding("cp949", "EUC-KR", "Korean"),
)
_BY_CODEC = {codecs.lookup(item.codec).name: item for item in ENCODINGS}
# Encodings whose text the detector recognises reliably (their bytes form words only in them).
# Latin-script code pages differ in a few letters; on a short sample the detector often picks
# the wrong one, so it must beat Windows-1252 by reading the sample differently and better.
_LATIN = {"cp1252", "latin_1", "cp1250", "cp1254", "cp1257"}
_DETECTED = [item.codec for item in ENCODINGS if item.codec not in
             {"utf-8", "utf-8-sig", "utf-16", "latin_1"}]
# The detector reads at most this much: the lines with bytes beyond ASCII, which carry all the
# evidence. A few hundred milliseconds at worst.
SAMPLE_BYTES = 64_000
# More stray bytes than this and the file is not UTF-8 with strays, whatever else it has.
MAX_STRAYS = 10_000
LINES_NAMED = 50


def label(codec: str) -> str:
    """`Windows-1251 (Cyrillic)`: an encoding in the user's words."""
    try:
        item = _BY_CODEC.get(codecs.lookup(codec).name)
    except LookupError:
        item = None
    if item is None:
        return codec
    if item.script in ("every language", "Western European"):
        return item.label
    return f"{item.label} ({item.script})"


# --- decoding that records the bytes it could not read --------------------------------------------

_recording = threading.local()


class _TooManyStrays(Exception):
    pass


def _single_byte(byte: int) -> str:
    """A stray byte's best reading: Windows-1252, or Latin-1 where Windows-1252 has nothing."""
    try:
        return bytes([byte]).decode("cp1252")
    except UnicodeDecodeError:
        return bytes([byte]).decode("latin_1")


def _stray_handler(error: UnicodeDecodeError):
    positions = _recording.positions
    positions.extend(range(error.start, error.end))
    if len(positions) > _recording.limit:
        raise _TooManyStrays()
    if _recording.single_bytes:
        text = "".join(_single_byte(byte) for byte in error.object[error.start:error.end])
    else:
        text = "\ufffd"
    return text, error.end


codecs.register_error("custseg-record", _stray_handler)


def _decode_recording(data: bytes, codec: str, single_bytes: bool,
                      limit: int | None = None) -> tuple[str, list[int]] | None:
    """(text, positions of bytes `codec` could not read); None past `limit` such bytes."""
    _recording.positions, _recording.single_bytes = [], single_bytes
    _recording.limit = len(data) if limit is None else limit
    try:
        return data.decode(codec, errors="custseg-record"), _recording.positions
    except _TooManyStrays:
        return None
    finally:
        _recording.positions = []


def _lines_of(data: bytes, positions: list[int]) -> list[int]:
    """1-based line numbers of byte positions (sorted, each line once)."""
    lines, line, start = [], 1, 0
    for position in sorted(positions):
        line += data.count(b"\n", start, position)
        start = position
        if not lines or lines[-1] != line:
            lines.append(line)
    return lines


def _strays_note(data: bytes, positions: list[int], encoding: str, reading: str) -> str:
    lines = _lines_of(data, positions)
    shown = ", ".join(f"{line:,}" for line in lines[:LINES_NAMED])
    if len(lines) > LINES_NAMED:
        shown += f" and {len(lines) - LINES_NAMED:,} more"
    count = len(positions)
    what = (f"{count:,} byte{'s' if count > 1 else ''} that {'are' if count > 1 else 'is'} "
            f"not {encoding}")
    where = f"line{'s' if len(lines) > 1 else ''} {shown}"
    return f"The file has {what}, on {where}; {'they were' if count > 1 else 'it was'} {reading}."


# --- the decision ---------------------------------------------------------------------------------

def decode(data: bytes, forced: str | None, notes: list[str]) -> tuple[str, str]:
    """(text, the encoding in the user's words); what could not be read is added to `notes`."""
    if forced:
        return _decode_forced(data, forced, notes)
    if data.startswith(b"\xef\xbb\xbf"):
        text, positions = _decode_recording(data[3:], "utf-8", single_bytes=True)
        if positions:
            notes.append(_strays_note(data, [p + 3 for p in positions], "UTF-8",
                                      "read as Windows-1252"))
        return text, "UTF-8 with BOM"
    if data.startswith((b"\xff\xfe", b"\xfe\xff")):
        try:
            return data.decode("utf-16"), "UTF-16"
        except UnicodeDecodeError:
            raise UserError("The file says it is UTF-16 text but is damaged (it may have been cut "
                            "short). Export it again from the program that made it.") from None
    try:
        return data.decode("utf-8"), "UTF-8"
    except UnicodeDecodeError:
        pass
    mostly_utf8 = _decode_recording(data, "utf-8", single_bytes=True, limit=MAX_STRAYS)
    if mostly_utf8 is not None:
        text, positions = mostly_utf8
        beyond_ascii = len(text) - len(text.encode("ascii", errors="ignore"))
        if beyond_ascii - len(positions) >= len(positions):
            notes.append(_strays_note(data, positions, "UTF-8", "read as Windows-1252"))
            return text, "UTF-8"
    codec = detect_legacy(data)
    text, positions = _decode_recording(data, codec, single_bytes=False)
    if positions:
        notes.append(_strays_note(data, positions, label(codec),
                                  "shown as \ufffd; if the text looks wrong, choose the "
                                  "encoding in the import options"))
    return text, label(codec)


def _decode_forced(data: bytes, forced: str, notes: list[str]) -> tuple[str, str]:
    try:
        name = codecs.lookup(forced).name
    except LookupError:
        known = ", ".join(item.codec for item in ENCODINGS)
        raise UserError(f"CustSeg does not know the encoding '{forced}'. Choose one of: {known}.") \
            from None
    if name == "utf-8" and data.startswith(b"\xef\xbb\xbf"):
        data = data[3:]
    utf8 = name == "utf-8"
    text, positions = _decode_recording(data, forced, single_bytes=utf8)
    if positions:
        notes.append(_strays_note(data, positions, label(forced),
                                  "read as Windows-1252" if utf8 else "shown as \ufffd"))
    return text, label(forced)


def detect_legacy(data: bytes) -> str:
    """The codec of a file that is not UTF-8, judged on a sample of its non-ASCII lines."""
    from charset_normalizer import from_bytes  # imported when needed: most files are UTF-8

    sample = _sample(data)
    western = "cp1252" if re.search(rb"[\x80-\x9f]", sample) else "latin_1"
    try:
        western_text = sample.decode(western)
    except UnicodeDecodeError:  # bytes Windows-1252 leaves undefined: 81, 8D, 8F, 90, 9D
        western, western_text = "latin_1", sample.decode("latin_1")
    matches = from_bytes(sample, cp_isolation=_DETECTED, preemptive_behaviour=False)
    best = matches.best()
    if best is None:
        return western
    codec = codecs.lookup(best.encoding).name
    latin = {codecs.lookup(name).name for name in _LATIN}
    if codec not in latin:
        return codec
    # Latin code pages differ in a few letters, and the detector's ranking of them on a short
    # sample is no better than chance. A wrong one shows as symbols inside words (`Wroc³aw`
    # for Wrocław): the reading with the fewest wins, Windows-1252 on a tie.
    readings = {western: western_text}
    for match in matches:
        name = codecs.lookup(match.encoding).name
        if name in latin and name not in readings:
            readings[name] = str(match)
    return min(readings, key=lambda name: (_symbols_inside_words(readings[name]),
                                           name != western))


def _symbols_inside_words(text: str) -> int:
    """How often a character beyond ASCII that is not a letter sits between two letters:
    `Wroc³aw` is Wrocław read in the wrong code page."""
    count = 0
    for match in _BEYOND_ASCII.finditer(text):
        position = match.start()
        if (0 < position < len(text) - 1 and not unicodedata.category(match.group())[0] in "LM"
                and text[position - 1].isalpha() and text[position + 1].isalpha()):
            count += 1
    return count


_BEYOND_ASCII = re.compile(r"[^\x00-\x7f]")


_HIGH_BYTE = re.compile(rb"[\x80-\xff]")


def _sample(data: bytes) -> bytes:
    """The lines with bytes beyond ASCII, up to SAMPLE_BYTES (whole lines).

    Found from each byte beyond ASCII outwards to its line's ends: one pattern matching whole
    lines would try every position of every plain line (ten seconds on a 70 MB file)."""
    picked, size, position = [], 0, 0
    while size < SAMPLE_BYTES:
        found = _HIGH_BYTE.search(data, position)
        if found is None:
            break
        start = data.rfind(b"\n", 0, found.start()) + 1
        end = data.find(b"\n", found.start())
        end = len(data) if end < 0 else end
        picked.append(data[start:end])
        size += len(picked[-1]) + 1
        position = end
    return b"\n".join(picked)
