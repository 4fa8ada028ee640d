"""Why a file genimg saved or was given could not be read, in a user's words: one wording for a damaged weights file,
network pickle, training checkpoint or autosaved session (as imaging.unreadable words an image's). No exception class
and none of the libraries' jargon ("UnpicklingError: Weights only load failed…", "HeaderTooLarge",
"PytorchStreamReader failed finding central directory"). Torch-free, as the session reads it: the libraries' errors
are told apart by their words, not their classes."""
from __future__ import annotations

import codecs
import io
import json
import pickletools
import re
from pathlib import Path

# what torch, safetensors, zip and pickle readers say when a file stops early
CUT_SHORT = ("truncated", "ran out of input", "central directory", "not fully covered", "header too small",
             "unpack requires a buffer", "incomplete", "unexpected end", "invalid header length")
CUT_SHORT_SAID = "it is cut short: its end is missing"
GARBLED_HEADER_SAID = "its header is garbled"


def damage_reason(e: BaseException, path: Path | str | None = None) -> str:
    """Why reading path raised e, as a clause ("it is cut short: its end is missing", "its header is garbled",
    "it holds text", "it would call posix.system, which plain tensors never need"), for the caller's sentence
    that names the file and says what to do. path, where given, is looked at for what the error cannot tell:
    a file that is empty, or text."""
    text = str(e)
    if isinstance(e, OSError) and e.errno is not None:  # the system's (a missing file, no permission, a bad disk)
        return f"the system cannot read it: {system_reason(e)}"
    if isinstance(e, MemoryError):
        return "it is too large to read in the memory available"
    if (found := re.search(r"GLOBAL ([\w.]+)", text)) is not None:  # torch's weights-only load refusing code
        return f"it would call {found.group(1)}, which plain tensors never need"
    if (seen := what_file_holds(path)) is not None:
        return seen
    low = text.lower()
    if isinstance(e, EOFError) or any(words in low for words in CUT_SHORT):
        return CUT_SHORT_SAID
    if "deserializing header" in low or isinstance(e, json.JSONDecodeError):  # safetensors
        return GARBLED_HEADER_SAID
    return "its data is garbled"


def system_reason(e: OSError) -> str:
    """"permission denied", "no such file or directory": the system's words without "[Errno 13]" and the path."""
    return (e.strerror or str(e)).lower()


TEXT_SAMPLE = 4096  # bytes looked at to say a file holds text


def holds_text(path: Path | str) -> bool:
    """Whether a file's start is text: a README or notes saved under a model's name, or as photo.png."""
    with open(path, "rb") as f:
        return is_text(f.read(TEXT_SAMPLE))


def holds_pickle(path: Path | str) -> bool:
    """Whether a file's start is a pickle (is_pickle), of any protocol."""
    with open(path, "rb") as f:
        return is_pickle(f.read(TEXT_SAMPLE))


def is_text(head: bytes) -> bool:
    """Whether a file's first bytes are text: UTF-8 (a character cut by the sample's end is still text) with no
    control characters but whitespace, and no pickle (is_pickle: protocol 0 writes printable ASCII, and a pickle
    that would call os.system was called "a text file", where a binary one is refused for what it calls). One
    answer for an image, a weights file and a checkpoint alike."""
    try:
        text = codecs.getincrementaldecoder("utf-8")().decode(head, final=False)
    except UnicodeDecodeError:
        return False
    return bool(head) and all(c.isprintable() or c.isspace() for c in text) and not is_pickle(head)


def is_pickle(head: bytes) -> bool:
    """Whether a file's first TEXT_SAMPLE bytes (all of it, when shorter) are a pickle. Protocol 2 and later say so
    in their first byte; protocols 0 and 1 ("cposix\nsystem\n…", "(dp0\n…") start with no mark, so their bytes are
    read as opcodes (pickletools.genops, which runs nothing), each taking from the stack only what is on it: a
    pickle is a whole one, to its STOP, or one that the sample's end cuts off. Text fails within a few bytes:
    "Notes" starts with None, then takes the objects above a mark that was never set."""
    if head[:1] == b"\x80":  # PROTO
        return True
    stream, read, depth, marks = io.BytesIO(head), 0, 0, []  # read: where the last whole opcode ends
    try:
        for opcode, _, _ in pickletools.genops(stream):
            if opcode.name == "STOP":
                return depth == 1 and not marks
            if (depth := _stack_after(opcode, depth, marks)) < 0:
                return False
            read = stream.tell()
    except ValueError:  # an unknown opcode, a bad argument, or the data ran out
        cut = head[read:read + 1]  # the opcode that failed: the sample's end cut a known one off, or there is none
        ran_out = stream.tell() == len(head) and (not cut or cut.decode("latin-1") in pickletools.code2op)
        return len(head) == TEXT_SAMPLE and read > 0 and ran_out
    return False


def _stack_after(opcode: pickletools.OpcodeInfo, depth: int, marks: list[int]) -> int:
    """The pickle machine's stack depth after opcode (marks: the depths MARK set), or -1 where it takes more than
    there is, as text read as opcodes does."""
    before = opcode.stack_before
    if opcode.name == "MARK":
        marks.append(depth)
        return depth
    if pickletools.markobject in before:  # all above the last mark, and the items listed below it
        if not marks:
            return -1
        depth = marks.pop()
        before = before[:before.index(pickletools.markobject)]
    return -1 if depth < len(before) else depth - len(before) + len(opcode.stack_after)


def what_file_holds(path: Path | str | None) -> str | None:
    """"it is empty: 0 bytes" or "it holds text" for a file that is so; None otherwise, or when it cannot be looked
    at (gone since, or no path given)."""
    if path is None:
        return None
    try:
        if Path(path).stat().st_size == 0:
            return "it is empty: 0 bytes"
        return "it holds text" if holds_text(path) else None
    except OSError:
        return None


EMPTY_FILE_SAID = "an empty file"  # a model file of 0 bytes, as refusing it names it


def text_file_said(path: Path | str) -> str:
    """What a model file that holds text is, as refusing it names it (a README saved as notes.pt): "a text file",
    for a .safetensors file "a text file, not a safetensors file" (never one, so not a damaged one)."""
    return "a text file, not a safetensors file" if Path(path).suffix.lower() == ".safetensors" else "a text file"


def not_weights_said(path: Path | str) -> str | None:
    """What a model file that holds text or nothing is (text_file_said, EMPTY_FILE_SAID); None for a file that holds
    anything else, or cannot be looked at."""
    seen = what_file_holds(path)
    if seen is None:
        return None
    return text_file_said(path) if seen == "it holds text" else EMPTY_FILE_SAID
