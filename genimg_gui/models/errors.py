"""The error every model loader raises for a user's file. A module of its own, so that the
architecture modules (sd_vae, taesd) and the registry in weights.py can import it without a cycle."""


class ModelFileError(Exception):
    """A model folder or file the user pointed at cannot be used; the message says why."""
