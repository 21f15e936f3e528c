"""Concat (the Inception block's shape) against torch.cat and by finite differences."""
import numpy as np
import torch

from cnncore import nn
from tests.helpers import check_module_gradients, compare_module


class TorchConcat(torch.nn.Module):
    def __init__(self, **branches):
        super().__init__()
        for name, b in branches.items():
            self.add_module(name, b)

    def forward(self, x):
        return torch.cat([b(x) for b in self.children()], dim=1)


def make_pair():
    ours = nn.Concat([nn.Conv2d(3, 2, 1), nn.Sequential(nn.Conv2d(3, 4, 3, padding=1), nn.ReLU()),
                      nn.Conv2d(3, 1, 5, padding=2)])
    theirs = TorchConcat(branch1=torch.nn.Conv2d(3, 2, 1),
                         branch2=torch.nn.Sequential(torch.nn.Conv2d(3, 4, 3, padding=1), torch.nn.ReLU()),
                         branch3=torch.nn.Conv2d(3, 1, 5, padding=2))
    return ours, theirs


def test_concat_matches_torch():
    ours, theirs = make_pair()
    y, _ = compare_module(ours, theirs, np.random.default_rng(0).standard_normal((2, 3, 7, 6)))
    assert y.shape == (2, 7, 7, 6) == ours.output_shape((2, 3, 7, 6))


def test_concat_finite_differences():
    ours, _ = make_pair()
    check_module_gradients(ours, np.random.default_rng(1).standard_normal((1, 3, 5, 5)))
