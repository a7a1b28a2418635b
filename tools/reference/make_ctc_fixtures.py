#!/usr/bin/python3
"""Writes the CTC loss fixtures: torch.nn.functional.ctc_loss values and gradients for grukit's Losses.ctc.

Run with Debian's PyTorch:  /usr/bin/python3 tools/reference/make_ctc_fixtures.py
Gradients are taken with respect to the logits before log_softmax: PyTorch's own gradient with respect to
log_probs assumes they are normalised (it adds exp(log_probs)), so only the gradient through log_softmax is
comparable with a true derivative. Integers are stored as float32, exact at these sizes. CI never runs this.
"""
import os
import sys

import torch
import torch.nn.functional as F

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import save  # noqa: E402


def case(name, T, N, C, input_lengths, target_lengths, blank, seed, repeats=False, variants=("none", "mean", "sum")):
    g = torch.Generator().manual_seed(seed)
    # Rounded to float32 first, as stored, then computed in float64: the reference for float32 inputs.
    logits = (torch.randn(T, N, C, generator=g, dtype=torch.float64) * 2).float().double()
    labels = [c for c in range(C) if c != blank]
    targets = []
    for n, L in enumerate(target_lengths):
        seq = [labels[int(torch.randint(len(labels), (1,), generator=g))] for _ in range(L)]
        if repeats and L >= 3:
            seq[1] = seq[0]  # a repeated label needs a blank between its copies
        targets += seq
    targets_t = torch.tensor(targets, dtype=torch.long)
    il = torch.tensor(input_lengths, dtype=torch.long)
    tl = torch.tensor(target_lengths, dtype=torch.long)
    w = torch.rand(N, generator=g, dtype=torch.float64) + 0.5
    out = {"logits": logits, "targets": targets_t.to(torch.float64), "input_lengths": il.to(torch.float64),
           "target_lengths": tl.to(torch.float64), "w": w}
    for reduction in variants:
        for zero_inf in ((False, True) if len(variants) == 3 else (False,)):
            x = logits.clone().requires_grad_(True)
            loss = F.ctc_loss(F.log_softmax(x, -1), targets_t, il, tl, blank=blank, reduction=reduction,
                              zero_infinity=zero_inf)
            key = reduction + ("_zero_inf" if zero_inf else "")
            out["loss_" + key] = loss.detach()
            obj = (loss * w).sum() if reduction == "none" else loss
            if torch.isfinite(obj):
                obj.backward()
                out["grad_" + key] = x.grad
    save(name, out, {"blank": blank, "T": T, "N": N, "C": C})


def main():
    torch.manual_seed(0)
    # Varied lengths, an empty target, the blank first.
    case("ctc_basic", 12, 4, 6, [12, 9, 7, 5], [3, 5, 0, 2], 0, 1)
    # The blank last, repeated labels with a tight input (a repeat costs a blank between).
    case("ctc_blank_last_repeats", 10, 3, 5, [10, 7, 6], [4, 3, 3], 4, 2, repeats=True)
    # An impossible alignment (target longer than the input): inf, or 0 with zero_infinity.
    case("ctc_impossible", 6, 2, 5, [6, 3], [2, 4], 0, 3)
    # Long inputs: 1,500 frames, where probabilities underflow unless kept in log space.
    case("ctc_long", 1500, 2, 10, [1500, 1100], [150, 90], 0, 4, variants=("none", "mean"))


if __name__ == "__main__":
    main()
