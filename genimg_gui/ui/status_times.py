"""How long the status bar shows a message or an error, and which errors it counts together (status.StatusBar)."""
from __future__ import annotations

MESSAGE_MS = 8000
READING_MS = 60  # per character: a long message (what a model switch says) stays until it can be read...
LONGEST_MS = 30000  # ...up to this
ERROR_MS = 15000  # errors stay longer than messages, and a message does not clear them (it shows before them)
# an error joins those on show only when it comes within this of the one before: one action's errors come as one
# burst (the worker answers its requests back to back; a drop's bad folder and bad file together), while the next
# action needs the user to pick a menu or a file, seconds later. Errors carry no note of the action that caused
# them (the window's own checks, the worker's failures and the start-up all say theirs as text), so the time they
# come is what tells them apart. Joined for the 15 s they stay, an unrelated error read "⚠ 2 problems: …", and one
# after a trip through a menu did not (its hover blanked the bar then, QMainWindow's status tips): the same error was
# counted or not by the way its action was reached. Each error is in the log whatever it joins (the Log button)
BURST_S = 1.0


def reading_ms(text: str) -> int:
    """How long a message stays: 8 s, longer for one too long to read in that time."""
    return min(max(MESSAGE_MS, len(text) * READING_MS), LONGEST_MS)
