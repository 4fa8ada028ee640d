"""Training commands: `genimg train vae|gan DIR` (see loop.py)."""


class TrainError(Exception):
    """A run cannot start or go on: bad data folder, settings or checkpoint; the message says why."""


class TrainUsageError(TrainError):
    """A mistake in what was typed (options that do not go together, an unknown or out-of-range --set):
    `genimg train` exits with code 2 for it, as for argparse's usage errors, and 1 for a run that fails."""


class StoppedEarly(Exception):
    """A stop signal (Ctrl+C, kill, a closed terminal) ended the run and its checkpoint and model are saved: not a
    failure, yet not a finished run, so `genimg train` exits with exit_code (128 + the signal's number)."""

    def __init__(self, exit_code: int) -> None:
        super().__init__(f"stopped early (exit code {exit_code})")
        self.exit_code = exit_code
