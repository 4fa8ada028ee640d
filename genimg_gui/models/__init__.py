"""Pure-torch networks, weight files and latent directions. No Qt here."""
