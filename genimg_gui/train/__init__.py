"""Training commands: `genimg train vae|gan DIR` (see loop.py)."""


class TrainError(Exception):
    """A run cannot start or go on: bad data folder, settings or checkpoint; the message says why."""
