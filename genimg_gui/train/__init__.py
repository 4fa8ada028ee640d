"""Training commands: `genimg train vae|gan DIR` (see loop.py)."""
