"""The worker thread that owns the torch models, and the requests it answers."""
