"""What each training step receives: pixels, or inputs a recipe computes once per image (a latent GAN's latents)."""
from __future__ import annotations

from typing import TYPE_CHECKING

import torch

from ..models.tensors import as_pixels

if TYPE_CHECKING:
    from .loop import Recipe


class TrainingInputs:
    """Batches for recipe.step(): pixels in [-1, 1], or, when the recipe caches inputs (recipe.cached_inputs;
    a latent GAN's latents), each image's computed the first time a batch draws it and reused in every epoch
    after. Filled as batches come rather than all at the start, so a large folder starts training at once."""

    def __init__(self, recipe: "Recipe", images: torch.Tensor, device: torch.device) -> None:
        self.recipe, self.images, self.device = recipe, images, device  # images: (N, 3, R, R) uint8
        self.filled = torch.zeros(len(images), dtype=torch.bool)
        first = recipe.cached_inputs(images[:1])  # None: the recipe trains on pixels
        self.table = None if first is None else first.new_empty((len(images), *first.shape[1:]))
        if first is not None:
            self.table[0] = first[0]
            self.filled[0] = True

    def batch(self, idx: torch.Tensor) -> torch.Tensor:
        """The step inputs of these images, on the training device."""
        if self.table is None:
            return as_pixels(self.images[idx].to(self.device))
        missing = idx[~self.filled[idx]].unique()
        if len(missing):
            self.table[missing] = self.recipe.cached_inputs(self.images[missing]).to(self.table.device)
            self.filled[missing] = True
        return self.table[idx].to(self.device)
