"""genimg: generate and edit images through the latent spaces of VAEs and GANs."""
__version__ = "0.1.0"
