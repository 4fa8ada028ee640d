"""Which JPEGs libjpeg decodes whole whatever the scale asked (no Qt, no torch): a progressive one, and a sequential one
whose first scan holds fewer than all its colours (one at a time): it keeps every coefficient until the last scan
(its has_multiple_scans). Pillow's header reading skips the first scan's header; it is read here from the markers.
"""
from __future__ import annotations

from typing import BinaryIO

from PIL import Image

SOS = 0xDA  # start of scan: length, then the number of components in the scan
NO_LENGTH = {0x01, *range(0xD0, 0xD9)}  # TEM, RST0..7, SOI: markers with no segment after them


def first_scan_components(fp: BinaryIO, start: int = 0) -> int | None:
    """How many components the first scan of the JPEG at start in fp holds, or None where its markers end first
    (the decoder then says what is wrong). fp is left where it was."""
    back = fp.tell()
    try:
        fp.seek(start + 2)  # past the start-of-image marker
        while byte := fp.read(1):
            if byte != b"\xff":  # junk between segments, which Pillow skips as well
                continue
            marker = fp.read(1)
            while marker == b"\xff":  # fill bytes before a marker
                marker = fp.read(1)
            if not marker or marker[0] in NO_LENGTH:
                continue
            length = fp.read(2)
            if len(length) < 2:
                return None
            if marker[0] == SOS:
                count = fp.read(1)
                return count[0] if count else None
            fp.seek(int.from_bytes(length, "big") - 2, 1)
        return None
    finally:
        fp.seek(back)


def decoded_whole(im: Image.Image) -> str:
    """What kind of JPEG the opened im is where libjpeg decodes it whole ("a progressive JPEG"), else ""."""
    if im.info.get("progressive") or im.info.get("progression"):
        return "a progressive JPEG"
    scanned = first_scan_components(im.fp, im.tile[0][2] if im.tile else 0)
    return "a JPEG stored in several scans" if scanned is not None and scanned < getattr(im, "layers", 0) else ""
