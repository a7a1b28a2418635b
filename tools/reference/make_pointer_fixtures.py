#!/usr/bin/python3
"""Writes the pointer-generator fixtures (See, Liu and Manning 2017) for the attention module's JUnit tests.

Run with Debian's PyTorch: /usr/bin/python3 tools/reference/make_pointer_fixtures.py
The final distribution is formed the way PyTorch ports of the paper form it: p_gen * softmax(logits), padded
with zeros to the extended vocabulary, plus scatter_add of (1 - p_gen) * attention at the source's extended ids;
the loss is -log of it at the target. The decoder case runs the whole decoder (GRU cell, coverage attention,
two output layers, switch) by teacher forcing, from the paper's equations. Integers are stored as float32.
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_attention_fixtures import OUT, finish  # noqa: E402
from make_fixtures import save  # noqa: E402


def final_distribution(logits, switch, weights, source_ids, extra):
    """[N, V + extra]: padding (negative ids) scatters into a dropped extra column."""
    n, v = logits.shape
    p_vocab = torch.softmax(logits, -1) * torch.sigmoid(switch).unsqueeze(1)
    dist = torch.cat([p_vocab, torch.zeros(n, extra + 1, dtype=logits.dtype)], 1)
    ids = torch.where(source_ids < 0, torch.full_like(source_ids, v + extra), source_ids)
    dist = dist.scatter_add(1, ids, (1 - torch.sigmoid(switch)).unsqueeze(1) * weights)
    return dist[:, :v + extra]


def copy_mixture_case():
    g = torch.Generator().manual_seed(11)
    N, V, S, extra = 6, 7, 5, 3
    logits = torch.randn(N, V, generator=g, dtype=torch.float64).float().double().requires_grad_(True)
    switch = torch.randn(N, generator=g, dtype=torch.float64).float().double().requires_grad_(True)
    weights = torch.softmax(torch.randn(N, S, generator=g, dtype=torch.float64), -1).float().double().requires_grad_(True)
    # Rows: repeated source words, extended ids, padding (-1); targets in the vocabulary only, in both, extended.
    source_ids = torch.tensor([[2, 3, 2, 7, -1],
                               [4, 8, 8, 1, 5],
                               [7, 9, 2, -1, -1],
                               [3, 3, 3, 3, 3],
                               [1, 2, 4, 5, 6],
                               [9, 7, 8, 0, 2]])
    targets = torch.tensor([2, 8, 9, 5, 7, 3])  # row 4: extended id 7 not in its source (probability 0)
    dist = final_distribution(logits, switch, weights, source_ids, extra)
    p = dist.gather(1, targets.unsqueeze(1)).squeeze(1)
    nll = -torch.log(p.clamp_min(1e-12))
    w = torch.randn(N, generator=g, dtype=torch.float64)
    (nll * w).sum().backward()
    save("copy_mixture", {"logits": logits, "switch": switch, "weights": weights, "source_ids": source_ids.double(),
                          "targets": targets.double(), "nll": nll.detach(), "w": w, "log_dist": torch.log(dist).detach(),
                          "grad.logits": logits.grad, "grad.switch": switch.grad, "grad.weights": weights.grad},
         {"vocab": V, "extra": extra}, out=OUT)


def decoder_case(pointer, coverage):
    torch.manual_seed(13)
    V, E, H, M, A, S, B, T, UNK = 9, 4, 5, 6, 5, 4, 2, 3, 1
    mask = torch.tensor([[0., 0., 0., 1.], [0., 0., 0., 0.]])
    source_ids = torch.tensor([[4, 9, 3, -1], [10, 2, 9, 5]])
    inputs = torch.tensor([[2, 9, 4], [2, 6, 10]])  # extended ids fed back are read as the unknown token
    targets = torch.tensor([[9, 4, 3], [6, 10, 0]])
    extra = 2
    emb = torch.nn.Embedding(V, E, padding_idx=0)
    cell = torch.nn.GRUCell(E + M, H)
    hidden = torch.nn.Linear(H + M, H)
    out = torch.nn.Linear(H, V)
    p = {"embedding.weight": emb.weight}
    p.update({"cell." + k: v for k, v in cell.named_parameters()})
    p["attention.query_proj.weight"] = (torch.randn(A, H) * 0.5).requires_grad_(True)
    p["attention.key_proj.weight"] = (torch.randn(A, M) * 0.5).requires_grad_(True)
    p["attention.key_proj.bias"] = (torch.randn(A) * 0.5).requires_grad_(True)
    p["attention.v.weight"] = (torch.randn(1, A) * 0.5).requires_grad_(True)
    if coverage:
        p["attention.coverage_proj.weight"] = (torch.randn(A, 1) * 0.5).requires_grad_(True)
    p["hidden.weight"], p["hidden.bias"] = hidden.weight, hidden.bias
    p["out.weight"], p["out.bias"] = out.weight, out.bias
    if pointer:
        sw = torch.nn.Linear(M + H + E, 1)
        p["switch.weight"], p["switch.bias"] = sw.weight, sw.bias
    memory = torch.randn(B, S, M, requires_grad=True)
    h0 = torch.randn(B, H, requires_grad=True)
    h, ctx, cov = h0, torch.zeros(B, M), torch.zeros(B, S)
    nlls, covs, weights = [], [], []
    for t in range(T):
        tok = inputs[:, t].clone()
        tok[tok >= V] = UNK
        x = emb(tok)
        h = cell(torch.cat([x, ctx], 1), h)
        e = (h @ p["attention.query_proj.weight"].t()).unsqueeze(1) + memory @ p["attention.key_proj.weight"].t() \
            + p["attention.key_proj.bias"]
        if coverage:
            e = e + cov.unsqueeze(2) @ p["attention.coverage_proj.weight"].t()
        sc = (torch.tanh(e) @ p["attention.v.weight"].t()).squeeze(-1).masked_fill(mask.bool(), float("-inf"))
        a = torch.softmax(sc, -1)
        ctx = (a.unsqueeze(1) @ memory).squeeze(1)
        logits = out(hidden(torch.cat([h, ctx], 1)))
        y = targets[:, t]
        if pointer:
            z = sw(torch.cat([ctx, h, x], 1)).squeeze(1)
            dist = final_distribution(logits, z, a, source_ids, extra)
            nlls.append(-torch.log(dist.gather(1, y.unsqueeze(1)).squeeze(1)))
        else:
            yy = torch.where(y >= V, torch.full_like(y, UNK), y)
            nlls.append(torch.nn.functional.cross_entropy(logits, yy, reduction="none"))
        covs.append(torch.minimum(a, cov).sum(1) if coverage else torch.zeros(B))
        if coverage:
            cov = cov + a
        weights.append(a)
    outputs = {"nll": torch.stack(nlls, 1), "weights": torch.stack(weights, 1)}
    if coverage:
        outputs["coverage_loss"] = torch.stack(covs, 1)
    name = "pointer_decoder" + ("_pointer" if pointer else "") + ("_coverage" if coverage else "")
    finish(name, {"key_padding_mask": mask, "inputs": inputs.float(), "targets": targets.float(),
                  "source_ids": source_ids.float()}, outputs, p, {"memory": memory, "h0": h0},
           {"vocab": V, "embed": E, "hidden": H, "memory_dim": M, "attention": A, "unknown": UNK})


def main():
    copy_mixture_case()
    decoder_case(True, True)
    decoder_case(False, False)


if __name__ == "__main__":
    sys.exit(main())
