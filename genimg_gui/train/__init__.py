"""Training commands: `genimg train vae|gan DIR` (see loop.py)."""


class TrainError(Exception):
    """A run cannot start or go on: bad data folder, settings or checkpoint; the message says why."""


class TrainUsageError(TrainError):
    """A mistake in what was typed (options that do not go together, an unknown or out-of-range --set):
    `genimg train` exits with code 2 for it, as for argparse's usage errors, and 1 for a run that fails."""
