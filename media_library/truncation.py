"""Is the file as long as its container says? A cheap check for uploads cut short.

ffprobe reads headers only, so a file cut after an intact index (an MP4 written with
`+faststart`, its `moov` before `mdat`) probes as complete and would only fail, or come out
shorter, during processing. Every accepted container declares the size of its top-level
parts (MP4/MOV atoms, AVI RIFF chunks, the Matroska/WebM Segment), so walking those headers
and comparing with the file's size finds the cut with a few small reads, whatever the file's
size. A full demux (`ffmpeg -i f -map 0 -c copy -f null -`) finds it too, but reads every
byte (~0.1 s for a 58 MB 1080p 30 s file from page cache, so seconds per GB in the upload
request) and only fails with `-xerror`; the walk costs microseconds.
"""

import os
import struct
from typing import BinaryIO

# A fragmented MP4 has two top-level atoms per fragment (~72k for 10 h of 1 s fragments);
# past this many the walk stops and trusts the file, so a crafted file made of millions of
# tiny atoms cannot hold the upload request for seconds.
MAX_TOP_LEVEL_ELEMENTS = 200_000


def truncation_problem(path: str, format_name: str) -> str | None:
    """Why the file at `path` looks cut short, or None if its declared sizes fit."""
    size = os.path.getsize(path)
    with open(path, "rb") as handle:
        if format_name.startswith("mov"):
            return _mp4(handle, size)
        if format_name == "avi":
            return _avi(handle, size)
        if format_name.startswith("matroska"):
            return _matroska(handle, size)
    return None


def _mp4(handle: BinaryIO, size: int) -> str | None:
    position, media = 0, False
    for _ in range(MAX_TOP_LEVEL_ELEMENTS):
        if size - position < 8:  # done (a few stray trailing bytes are tolerated)
            break
        handle.seek(position)
        header = handle.read(16)
        length, kind = struct.unpack(">I4s", header[:8])
        if length == 1:  # 64-bit size follows the type
            if len(header) < 16:
                return "The file ends inside an atom header."
            length = struct.unpack(">Q", header[8:16])[0]
        elif length == 0:  # the last atom runs to the end of the file
            media = media or kind == b"mdat"
            break
        if length < 8:
            return f"Corrupt MP4 atom size at byte {position}."
        if position + length > size:
            return (
                f"The file is cut short: its {kind.decode('latin-1')!r} atom needs "
                f"{position + length} bytes, the file has {size}."
            )
        media = media or kind == b"mdat"
        position += length
    else:
        return None
    return None if media else "The file holds no media data (mdat): is it complete?"


def _avi(handle: BinaryIO, size: int) -> str | None:
    # RIFF 'AVI ' and, past 1 GB (OpenDML), further RIFF 'AVIX' chunks, each padded to even.
    position = 0
    for _ in range(MAX_TOP_LEVEL_ELEMENTS):
        if size - position < 8:
            break
        handle.seek(position)
        kind, length = struct.unpack("<4sI", handle.read(8))
        end = position + 8 + length
        if end > size:
            return f"The file is cut short: its RIFF chunk needs {end} bytes, the file has {size}."
        position = end + (length & 1)
    return None


def _vint(handle: BinaryIO, *, keep_marker: bool) -> tuple[int, int, bool] | None:
    """One EBML variable-length integer: (value, bytes read, all value bits set)."""
    first = handle.read(1)
    if not first:
        return None
    byte = first[0]
    width = 1
    while width <= 8 and not byte & (0x80 >> (width - 1)):
        width += 1
    if width > 8:
        return None
    rest = handle.read(width - 1)
    if len(rest) < width - 1:
        return None
    value = byte if keep_marker else byte & (0xFF >> width)
    for extra in rest:
        value = (value << 8) | extra
    unknown = not keep_marker and value == (1 << (7 * width)) - 1
    return value, width, unknown


def _matroska(handle: BinaryIO, size: int) -> str | None:
    # Top level: the EBML header, then the Segment holding everything else. A Segment
    # written live may declare an unknown size; then there is nothing to compare.
    position = 0
    for _ in range(MAX_TOP_LEVEL_ELEMENTS):
        if size - position < 2:
            break
        handle.seek(position)
        element = _vint(handle, keep_marker=True)
        length = _vint(handle, keep_marker=False) if element else None
        if element is None or length is None:
            return "The file ends inside an element header."
        value, unknown = length[0], length[2]
        if unknown:
            break
        end = position + element[1] + length[1] + value
        if end > size:
            return f"The file is cut short: an element needs {end} bytes, the file has {size}."
        position = end
    return None
