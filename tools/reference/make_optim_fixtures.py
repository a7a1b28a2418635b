#!/usr/bin/python3
"""Writes the PyTorch fixtures for optimiser parameter groups and AMSGrad.

Run with Debian's PyTorch: /usr/bin/python3 tools/reference/make_optim_fixtures.py
20 steps of the small GRU classifier of make_fixtures.py (GRU(3->8, batch-first) -> h_n -> Linear(8->2) -> CE)
under torch.optim with amsgrad=True and with two param_groups: the matrices, and the biases (every parameter of
fewer than two dimensions) with their own lr and no weight decay. Stores the initial weights, the data, each
step's loss and the final weights.
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import Classifier, loss_curves, save  # noqa: E402


def groups(model, bias_lr, **matrix_options):
    matrices = [p for p in model.parameters() if p.dim() >= 2]
    biases = [p for p in model.parameters() if p.dim() < 2]
    return [dict(params=matrices, **matrix_options), dict(params=biases, lr=bias_lr, weight_decay=0.0)]


def main():
    torch.manual_seed(20261129)
    model = Classifier()
    init = {k: v.detach().clone() for k, v in model.state_dict().items()}
    x = torch.randn(8, 5, 3)
    y = (x.sum(dim=(1, 2)) > 0).long()
    t = dict(init)
    t["x"], t["y"] = x, y.float()
    optimisers = {
        "adam_amsgrad": lambda m: torch.optim.Adam(m.parameters(), lr=0.01, weight_decay=0.01, amsgrad=True),
        "adamw_amsgrad": lambda m: torch.optim.AdamW(m.parameters(), lr=0.01, weight_decay=0.1, amsgrad=True),
        "adamw_groups": lambda m: torch.optim.AdamW(groups(m, 0.003), lr=0.01, weight_decay=0.1),
        "sgd_groups": lambda m: torch.optim.SGD(groups(m, 0.3), lr=0.1, momentum=0.9, weight_decay=0.01),
    }
    loss_curves(model, init, x, y, optimisers, t)
    save("train_optim_groups", t)


if __name__ == "__main__":
    main()
