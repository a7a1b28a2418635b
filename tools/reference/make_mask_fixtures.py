#!/usr/bin/python3
"""Writes the PyTorch fixtures for torch.nn.MultiheadAttention's float (additive) masks.

Run with Debian's PyTorch: /usr/bin/python3 tools/reference/make_mask_fixtures.py
PyTorch adds a float attn_mask or key_padding_mask to the scores, where a boolean one masks; these cases hold
float masks with finite values and -inf, alone and beside a boolean mask, so grukit is held to that meaning.
Masks are stored as floats with metadata saying which kind each one is.

A float key_padding_mask beside a float attn_mask is added to it by PyTorch 2 (its _canonical_mask merging);
Debian's PyTorch 1.13 treats such a key_padding_mask as boolean instead, so that case's reference passes the
sum as one [B * H, L, S] attn_mask, which is PyTorch 2's own merge.
"""
import os
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from make_attention_fixtures import OUT, finish  # noqa: E402


def case(name, kpm, attn_mask, merge=False):
    E, H, B, L, S = 8, 2, 2, 3, 5
    mha = torch.nn.MultiheadAttention(E, H, batch_first=True)
    with torch.no_grad():
        mha.in_proj_bias.uniform_(-0.3, 0.3)
        mha.out_proj.bias.uniform_(-0.3, 0.3)
    q = torch.randn(B, L, E, requires_grad=True)
    k = torch.randn(B, S, E, requires_grad=True)
    v = torch.randn(B, S, E, requires_grad=True)
    if merge:
        merged = (attn_mask[None] + kpm[:, None, :]).repeat_interleave(H, 0)  # [B * H, L, S]
        out, w = mha(q, k, v, attn_mask=merged, need_weights=True, average_attn_weights=True)
    else:
        out, w = mha(q, k, v, key_padding_mask=kpm, attn_mask=attn_mask, need_weights=True,
                     average_attn_weights=True)
    params = {n: p for n, p in mha.named_parameters()}
    t = {"key_padding_mask": kpm.float()}
    meta = {"key_padding_bool": kpm.dtype == torch.bool, "attn_mask": attn_mask is not None}
    if attn_mask is not None:
        t["attn_mask"] = attn_mask
    finish(name, t, {"output": out, "weights": w}, params, {"query": q, "key": k, "value": v}, meta)


def main():
    torch.manual_seed(20261129)
    inf = float("-inf")
    float_attn = torch.tensor([[0.0, -0.5, 0.3, inf, 1.0], [inf, 0.0, 0.0, -1.5, 0.2], [0.7, 0.0, inf, 0.0, -0.2]])
    float_kpm = torch.tensor([[0.0, 0.0, -1.0, inf, inf], [0.5, 0.0, 0.0, -0.25, 0.0]])
    bool_kpm = torch.tensor([[False, False, False, True, True], [False, False, False, False, False]])
    case("mha_float_masks", float_kpm, float_attn, merge=True)
    case("mha_float_padding", float_kpm, None)
    case("mha_bool_padding_float_attn", bool_kpm, float_attn)


if __name__ == "__main__":
    main()
