"""LeCam regularisation (Tseng et al. 2021, "Regularizing Generative Adversarial Networks under Limited Data"):
the discriminator's logits on real images are pulled towards its recent average on fakes, and its logits on
fakes towards its recent average on reals. A discriminator that learns a small training set by heart drives
the two far apart; the penalty keeps them close, which the paper finds complements differentiable augmentation.
`--set lecam=λ` turns it on (0.3 in the paper's BigGAN runs)."""
from __future__ import annotations

from typing import Callable

import torch
import torch.nn.functional as F

DECAY = 0.99  # the paper's: the averages follow about the last hundred steps


class LeCam:
    """The two running averages of the discriminator's mean logits, and the penalty they anchor."""

    def __init__(self, weight: float) -> None:
        self.weight = weight
        self.steps = 0  # zero-debiasing: early averages are not pulled towards their start at 0
        self.real_sum = 0.0
        self.fake_sum = 0.0

    def _average(self, total: float) -> float:
        return total / (1 - DECAY ** self.steps)

    def penalty(self, real_logits: torch.Tensor, fake_logits: torch.Tensor,
                mean: Callable[[torch.Tensor], torch.Tensor] = lambda t: t) -> torch.Tensor:
        """λ times the LeCam term for this batch, after folding its means into the averages. mean: across
        processes under DDP, so every process anchors to the same averages."""
        real_now, fake_now = mean(torch.stack([real_logits.detach().mean(), fake_logits.detach().mean()]).cpu())
        self.steps += 1
        self.real_sum = DECAY * self.real_sum + (1 - DECAY) * real_now.item()
        self.fake_sum = DECAY * self.fake_sum + (1 - DECAY) * fake_now.item()
        real_anchor, fake_anchor = self._average(self.real_sum), self._average(self.fake_sum)
        term = F.relu(real_logits - fake_anchor).pow(2).mean() + F.relu(real_anchor - fake_logits).pow(2).mean()
        return self.weight * term

    def state(self) -> dict:
        return {"weight": self.weight, "steps": self.steps, "real_sum": self.real_sum, "fake_sum": self.fake_sum}

    @classmethod
    def from_state(cls, state: dict, weight: float | None = None) -> "LeCam":
        """The averages where a run left them; weight: a new one given on --resume, else the run's."""
        lecam = cls(state["weight"] if weight is None else weight)
        lecam.steps, lecam.real_sum, lecam.fake_sum = state["steps"], state["real_sum"], state["fake_sum"]
        return lecam
