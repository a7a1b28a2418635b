#!/usr/bin/python3
"""Writes the PyTorch reference fixtures for the attention module's JUnit tests.

Run with Debian's PyTorch: /usr/bin/python3 tools/reference/make_attention_fixtures.py
Multi-head attention uses torch.nn.MultiheadAttention itself; the Bahdanau and Luong scores and the
attention pooling are written with torch ops from the papers' equations. Each fixture holds parameters,
inputs, masks (1 = padding / not allowed), outputs, weights, and the gradients of
sum(out * w_out) + sum(weights * w_weights) with respect to every input and parameter.
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_fixtures import save  # noqa: E402

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "attention", "src", "test", "resources",
                   "fixtures")


def finish(name, tensors, outputs, params, inputs, meta=None):
    """Backprops sum(o * w) over the outputs and stores values, loss weights and gradients."""
    loss = 0
    for key, o in outputs.items():
        w = torch.randn_like(o)
        tensors["w_" + key] = w
        tensors[key] = o
        loss = loss + (o * w).sum()
    loss.backward()
    for key, t in list(params.items()) + list(inputs.items()):
        tensors[key] = t
        tensors["grad." + key] = t.grad if t.grad is not None else torch.zeros_like(t)
    save(name, tensors, meta, out=OUT)


def mha_case(name, batch_first, L, S, kpm=None, attn_mask=None, average=True, self_attn=False):
    E, H, B = 8, 2, 2
    mha = torch.nn.MultiheadAttention(E, H, batch_first=batch_first)
    with torch.no_grad():  # non-zero biases so their gradients are tested
        mha.in_proj_bias.uniform_(-0.3, 0.3)
        mha.out_proj.bias.uniform_(-0.3, 0.3)
    shape_q = (B, L, E) if batch_first else (L, B, E)
    shape_k = (B, S, E) if batch_first else (S, B, E)
    q = torch.randn(*shape_q, requires_grad=True)
    if self_attn:
        k = v = q
    else:
        k = torch.randn(*shape_k, requires_grad=True)
        v = torch.randn(*shape_k, requires_grad=True)
    out, w = mha(q, k, v, key_padding_mask=kpm, attn_mask=attn_mask, need_weights=True,
                 average_attn_weights=average)
    params = {k2: p for k2, p in mha.named_parameters()}
    inputs = {"query": q} if self_attn else {"query": q, "key": k, "value": v}
    t = {}
    if kpm is not None:
        t["key_padding_mask"] = kpm.float()
    if attn_mask is not None:
        t["attn_mask"] = attn_mask.float()
    finish(name, t, {"output": out, "weights": w}, params, inputs,
           {"batch_first": batch_first, "average": average, "self": self_attn, "heads": H})


def main():
    torch.manual_seed(20261124)
    kpm = torch.tensor([[False, False, False, True, True], [False, False, False, False, False]])
    amask = torch.tensor([[False, True, False, False, False], [False, False, False, False, False],
                          [True, False, False, False, True]])
    mha_case("mha_batch_first_masks", True, 3, 5, kpm=kpm, attn_mask=amask, average=True)
    mha_case("mha_seq_first_per_head", False, 3, 5, kpm=kpm, average=False)
    causal = torch.triu(torch.ones(4, 4, dtype=torch.bool), diagonal=1)
    mha_case("mha_self_causal", True, 4, 4, attn_mask=causal, average=True, self_attn=True)

    # Additive (Bahdanau): e = v^T tanh(W q + U k + b).
    B, T, S, Dq, Dk, A = 2, 3, 5, 4, 6, 7
    lengths_mask = torch.tensor([[0., 0., 0., 1., 1.], [0., 0., 0., 0., 0.]])
    p = {"query_proj.weight": torch.randn(A, Dq) * 0.5, "key_proj.weight": torch.randn(A, Dk) * 0.5,
         "key_proj.bias": torch.randn(A) * 0.5, "v.weight": torch.randn(1, A) * 0.5}
    p = {k: v.requires_grad_(True) for k, v in p.items()}
    q = torch.randn(B, T, Dq, requires_grad=True)
    keys = torch.randn(B, S, Dk, requires_grad=True)
    values = torch.randn(B, S, 3, requires_grad=True)
    e = torch.tanh((q @ p["query_proj.weight"].t()).unsqueeze(2)
                   + (keys @ p["key_proj.weight"].t() + p["key_proj.bias"]).unsqueeze(1)) @ p["v.weight"].t()
    scores = e.squeeze(-1).masked_fill(lengths_mask.bool().unsqueeze(1), float("-inf"))
    w = torch.softmax(scores, -1)
    finish("additive", {"key_padding_mask": lengths_mask}, {"context": w @ values, "weights": w}, p,
           {"query": q, "keys": keys, "values": values})

    # Luong: dot, general (h_t^T W_a h_s), concat (v^T tanh(W_a [h_t; h_s])).
    for mode in ["dot", "general", "concat"]:
        Dq = Dk = 6
        q = torch.randn(B, T, Dq, requires_grad=True)
        keys = torch.randn(B, S, Dk, requires_grad=True)
        p = {}
        if mode == "dot":
            scores = q @ keys.transpose(1, 2)
        elif mode == "general":
            p["w.weight"] = (torch.randn(Dq, Dk) * 0.5).requires_grad_(True)
            scores = q @ (keys @ p["w.weight"].t()).transpose(1, 2)
        else:
            p["w.weight"] = (torch.randn(A, Dq + Dk) * 0.5).requires_grad_(True)
            p["v.weight"] = (torch.randn(1, A) * 0.5).requires_grad_(True)
            cat = torch.cat([q.unsqueeze(2).expand(B, T, S, Dq), keys.unsqueeze(1).expand(B, T, S, Dk)], -1)
            scores = (torch.tanh(cat @ p["w.weight"].t()) @ p["v.weight"].t()).squeeze(-1)
        scores = scores.masked_fill(lengths_mask.bool().unsqueeze(1), float("-inf"))
        w = torch.softmax(scores, -1)
        finish("luong_" + mode, {"key_padding_mask": lengths_mask}, {"context": w @ keys, "weights": w}, p,
               {"query": q, "keys": keys})

    # Attention pooling, 1 and 3 hops: u = tanh(W h + b), alpha = softmax(u . context).
    for hops in [1, 3]:
        D = 6
        h = torch.randn(B, S, D, requires_grad=True)
        p = {"proj.weight": (torch.randn(A, D) * 0.5).requires_grad_(True),
             "proj.bias": (torch.randn(A) * 0.5).requires_grad_(True),
             "context": (torch.randn(hops, A) * 0.5).requires_grad_(True)}
        u = torch.tanh(h @ p["proj.weight"].t() + p["proj.bias"])
        scores = (u @ p["context"].t()).transpose(1, 2).masked_fill(lengths_mask.bool().unsqueeze(1), float("-inf"))
        w = torch.softmax(scores, -1)
        pooled = (w @ h).reshape(B, hops * D)
        if hops == 1:
            w = w.reshape(B, S)
        finish("pooling_%d" % hops, {"key_padding_mask": lengths_mask}, {"pooled": pooled, "weights": w}, p, {"h": h})

    # Conv1d: default, and stride 2 / padding 2 / dilation 2 without bias.
    for name, kw in [("conv1d_default", dict()), ("conv1d_strided", dict(stride=2, padding=2, dilation=2, bias=False))]:
        conv = torch.nn.Conv1d(4, 5, 3, **kw)
        x = torch.randn(2, 4, 11, requires_grad=True)
        finish(name, {}, {"output": conv(x)}, dict(conv.named_parameters()), {"x": x})

    decoder_cases()


def decoder_cases():
    """Teacher forcing through both decoders, written with torch ops from the papers' equations."""
    torch.manual_seed(7)
    V, E, H, M, S, B, T = 7, 4, 5, 6, 4, 2, 3
    mask = torch.tensor([[0., 0., 0., 1.], [0., 0., 0., 0.]])
    for style in ["bahdanau", "luong"]:
        emb = torch.nn.Embedding(V, E, padding_idx=0)
        cell = torch.nn.GRUCell(E + (M if style == "bahdanau" else H), H)
        p = {"embedding.weight": emb.weight}
        p.update({"cell." + k: v for k, v in cell.named_parameters()})
        if style == "bahdanau":
            p["attention.query_proj.weight"] = (torch.randn(H, H) * 0.5).requires_grad_(True)
            p["attention.key_proj.weight"] = (torch.randn(H, M) * 0.5).requires_grad_(True)
            p["attention.key_proj.bias"] = (torch.randn(H) * 0.5).requires_grad_(True)
            p["attention.v.weight"] = (torch.randn(1, H) * 0.5).requires_grad_(True)
            out = torch.nn.Linear(H + M + E, V)
        else:
            p["attention.w.weight"] = (torch.randn(H, M) * 0.5).requires_grad_(True)  # general: h_t^T W_a h_s
            p["combine.weight"] = (torch.randn(H, M + H) * 0.5).requires_grad_(True)
            out = torch.nn.Linear(H, V)
        p["out.weight"], p["out.bias"] = out.weight, out.bias
        memory = torch.randn(B, S, M, requires_grad=True)
        h0 = torch.randn(B, H, requires_grad=True)
        inputs = torch.tensor([[1, 3, 4], [1, 5, 0]])
        h, feed, logits, weights = h0, torch.zeros(B, H), [], []
        for t in range(T):
            y = emb(inputs[:, t])
            if style == "bahdanau":
                e = torch.tanh((h @ p["attention.query_proj.weight"].t()).unsqueeze(1)
                               + memory @ p["attention.key_proj.weight"].t() + p["attention.key_proj.bias"])
                sc = (e @ p["attention.v.weight"].t()).squeeze(-1).masked_fill(mask.bool(), float("-inf"))
                a = torch.softmax(sc, -1)
                c = (a.unsqueeze(1) @ memory).squeeze(1)
                h = cell(torch.cat([y, c], 1), h)
                logits.append(out(torch.cat([h, c, y], 1)))
            else:
                h = cell(torch.cat([y, feed], 1), h)
                keys = memory @ p["attention.w.weight"].t()
                sc = (keys @ h.unsqueeze(2)).squeeze(2).masked_fill(mask.bool(), float("-inf"))
                a = torch.softmax(sc, -1)
                c = (a.unsqueeze(1) @ memory).squeeze(1)
                feed = torch.tanh(torch.cat([c, h], 1) @ p["combine.weight"].t())
                logits.append(out(feed))
            weights.append(a)
        finish("decoder_" + style, {"key_padding_mask": mask, "inputs": inputs.float()},
               {"logits": torch.stack(logits, 1), "weights": torch.stack(weights, 1)}, p, {"memory": memory, "h0": h0},
               {"vocab": V, "embed": E, "hidden": H, "memory_dim": M})


if __name__ == "__main__":
    sys.exit(main())
