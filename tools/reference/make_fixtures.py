#!/usr/bin/python3
"""Writes the PyTorch reference fixtures that grukit's JUnit tests compare against.

Run with Debian's PyTorch (apt-get install python3-torch):  /usr/bin/python3 tools/reference/make_fixtures.py
Each fixture is a .safetensors file under gru-core/src/test/resources/fixtures/: inputs, parameters
(PyTorch state_dict names), outputs and every gradient of loss = sum(out * w) for fixed random w.
Integers (lengths, targets) are stored as float32, exact at these sizes. CI never runs this script.
"""
import json
import os
import struct
import sys

import torch
import torch.nn.functional as F

OUT = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "..", "gru-core", "src", "test",
                   "resources", "fixtures")


def save(name, tensors, meta=None, out=OUT):
    """safetensors: u64 LE header length, JSON header, little-endian F32 data."""
    header, blobs, offset = {}, [], 0
    for key, t in tensors.items():
        b = t.detach().to(torch.float32).contiguous().numpy().astype("<f4").tobytes()
        header[key] = {"dtype": "F32", "shape": list(t.shape), "data_offsets": [offset, offset + len(b)]}
        blobs.append(b)
        offset += len(b)
    meta = dict(meta or {})
    meta["torch"] = torch.__version__
    header["__metadata__"] = {k: str(v) for k, v in meta.items()}
    h = json.dumps(header, separators=(",", ":")).encode()
    h += b" " * ((8 - len(h) % 8) % 8)
    os.makedirs(out, exist_ok=True)
    with open(os.path.join(out, name + ".safetensors"), "wb") as f:
        f.write(struct.pack("<Q", len(h)) + h + b"".join(blobs))
    print("wrote", name, len(tensors), "tensors")


def trained_gru():
    """A 2-layer bidirectional GRU trained a few Adam steps, saved as a PyTorch user would save its state_dict."""
    gru = torch.nn.GRU(4, 6, num_layers=2, bidirectional=True, batch_first=True)
    opt = torch.optim.Adam(gru.parameters(), lr=0.05)
    x = torch.randn(5, 9, 4)
    target = torch.randn(5, 9, 12)
    for _ in range(10):
        opt.zero_grad()
        out, _ = gru(x)
        F.mse_loss(out, target).backward()
        opt.step()
    save("pytorch_gru", dict(gru.state_dict()), {"format": "pt"})
    xt = torch.randn(3, 7, 4)
    with torch.no_grad():
        out, hn = gru(xt)
    save("pytorch_gru_io", {"x": xt, "output": out, "h_n": hn})


def grads_of(named, prefix="grad."):
    return {prefix + k: (v.grad if v.grad is not None else torch.zeros_like(v)) for k, v in named.items()}


def gru_case(name, gru, x, h0=None, lengths=None):
    """Runs gru (optionally packed with unsorted lengths), backprops sum(out*wo)+sum(hn*wh)."""
    x = x.clone().requires_grad_(True)
    if h0 is not None:
        h0 = h0.clone().requires_grad_(True)
    if lengths is not None:
        packed = torch.nn.utils.rnn.pack_padded_sequence(x, torch.tensor(lengths), batch_first=gru.batch_first,
                                                         enforce_sorted=False)
        out, hn = gru(packed, h0)
        out, _ = torch.nn.utils.rnn.pad_packed_sequence(out, batch_first=gru.batch_first,
                                                        total_length=x.shape[1 if gru.batch_first else 0])
    else:
        out, hn = gru(x, h0)
    wo, wh = torch.randn_like(out), torch.randn_like(hn)
    ((out * wo).sum() + (hn * wh).sum()).backward()
    t = {"x": x, "output": out, "h_n": hn, "w_output": wo, "w_h_n": wh, "grad.x": x.grad}
    if h0 is not None:
        t["h0"], t["grad.h0"] = h0, h0.grad
    if lengths is not None:
        t["lengths"] = torch.tensor(lengths, dtype=torch.float32)
    params = {"gru." + k: v for k, v in gru.named_parameters()}
    t.update(params)
    t.update(grads_of(params))
    save(name, t, {"input_size": gru.input_size, "hidden_size": gru.hidden_size, "num_layers": gru.num_layers,
                   "bidirectional": gru.bidirectional, "batch_first": gru.batch_first})


def gru_reset_before(x, h0, w_ih, w_hh, b_ih, b_hh):
    """The Cho et al. form (ONNX linear_before_reset=0), written with torch ops; x is [T, B, I]."""
    H = w_hh.shape[1]
    h, outs = h0, []
    for t in range(x.shape[0]):
        gi = x[t] @ w_ih.t() + b_ih
        r = torch.sigmoid(gi[:, :H] + h @ w_hh[:H].t() + b_hh[:H])
        z = torch.sigmoid(gi[:, H:2 * H] + h @ w_hh[H:2 * H].t() + b_hh[H:2 * H])
        n = torch.tanh(gi[:, 2 * H:] + (r * h) @ w_hh[2 * H:].t() + b_hh[2 * H:])
        h = (1 - z) * n + z * h
        outs.append(h)
    return torch.stack(outs), h


class Classifier(torch.nn.Module):
    """The small GRU classifier of the training fixtures: GRU(3->8, batch-first) -> h_n -> Linear(8->2)."""

    def __init__(self):
        super().__init__()
        self.gru = torch.nn.GRU(3, 8, batch_first=True)
        self.fc = torch.nn.Linear(8, 2)

    def forward(self, x):
        _, hn = self.gru(x)
        return self.fc(hn[-1])


def loss_curves(model, init, x, y, optimisers, t):
    """20 cross-entropy steps from init under each optimiser (made from the model); losses and final weights."""
    for name, make in optimisers.items():
        model.load_state_dict(init)
        opt = make(model)
        losses = []
        for _ in range(20):
            opt.zero_grad()
            loss = F.cross_entropy(model(x), y)
            loss.backward()
            opt.step()
            losses.append(loss.item())
        t["losses." + name] = torch.tensor(losses)
        for k, v in model.state_dict().items():
            t["final." + name + "." + k] = v.detach().clone()


def main():
    torch.manual_seed(20261124)

    gru_case("gru_1layer", torch.nn.GRU(5, 6), torch.randn(7, 3, 5))
    gru_case("gru_2layer_bidi_h0", torch.nn.GRU(4, 5, num_layers=2, bidirectional=True, batch_first=True),
             torch.randn(3, 6, 4), h0=torch.randn(4, 3, 5))
    gru_case("gru_varlen_bidi", torch.nn.GRU(4, 5, bidirectional=True), torch.randn(6, 4, 4),
             h0=torch.randn(2, 4, 5), lengths=[6, 3, 5, 1])
    gru_case("gru_varlen_2layer_batch_first",
             torch.nn.GRU(3, 4, num_layers=2, batch_first=True, bidirectional=True),
             torch.randn(5, 7, 3), lengths=[2, 7, 4, 7, 1])
    gru_case("gru_no_bias", torch.nn.GRU(4, 3, bias=False), torch.randn(5, 2, 4))

    # Reset-before variant, one layer, with h0.
    I, H, T, B = 4, 5, 6, 3
    k = 1 / H ** 0.5
    p = {n: (torch.rand(*s) * 2 * k - k).requires_grad_(True) for n, s in
         [("gru.weight_ih_l0", (3 * H, I)), ("gru.weight_hh_l0", (3 * H, H)), ("gru.bias_ih_l0", (3 * H,)),
          ("gru.bias_hh_l0", (3 * H,))]}
    x = torch.randn(T, B, I, requires_grad=True)
    h0 = torch.randn(B, H, requires_grad=True)
    out, hn = gru_reset_before(x, h0, *p.values())
    hn = hn.unsqueeze(0)
    wo, wh = torch.randn_like(out), torch.randn_like(hn)
    ((out * wo).sum() + (hn * wh).sum()).backward()
    t = {"x": x, "h0": h0.unsqueeze(0), "output": out, "h_n": hn, "w_output": wo, "w_h_n": wh, "grad.x": x.grad,
         "grad.h0": h0.grad.unsqueeze(0)}
    t.update(p)
    t.update(grads_of(p))
    save("gru_reset_before", t, {"input_size": I, "hidden_size": H})

    # GRUCell.
    cell = torch.nn.GRUCell(4, 5)
    x = torch.randn(3, 4, requires_grad=True)
    h = torch.randn(3, 5, requires_grad=True)
    h1 = cell(x, h)
    w = torch.randn_like(h1)
    (h1 * w).sum().backward()
    t = {"x": x, "h": h, "h1": h1, "w_h1": w, "grad.x": x.grad, "grad.h": h.grad}
    params = {"cell." + k: v for k, v in cell.named_parameters()}
    t.update(params)
    t.update(grads_of(params))
    save("gru_cell", t)

    # Losses: each value and its gradient.
    t = {}
    logits = torch.randn(6, 4, requires_grad=True)
    target = torch.tensor([0, 3, 1, 2, 3, 1])
    target_ign = torch.tensor([0, 3, -100, 2, -100, 1])
    cw = torch.tensor([0.5, 2.0, 1.0, 1.5])
    t["ce.logits"], t["ce.target"], t["ce.target_ignore"], t["ce.weight"] = logits, target.float(), target_ign.float(), cw
    cases = {
        "plain": lambda: F.cross_entropy(logits, target),
        "weighted": lambda: F.cross_entropy(logits, target, weight=cw),
        "ignore": lambda: F.cross_entropy(logits, target_ign),
        "smooth": lambda: F.cross_entropy(logits, target, label_smoothing=0.1),
        "all": lambda: F.cross_entropy(logits, target_ign, weight=cw, label_smoothing=0.2),
        "sum": lambda: F.cross_entropy(logits, target_ign, weight=cw, label_smoothing=0.2, reduction="sum"),
        "none": lambda: F.cross_entropy(logits, target_ign, weight=cw, label_smoothing=0.2, reduction="none"),
    }
    for name, fn in cases.items():
        logits.grad = None
        v = fn()
        wv = torch.randn_like(v)
        (v * wv).sum().backward()
        t["ce." + name + ".value"], t["ce." + name + ".w"], t["ce." + name + ".grad"] = v, wv, logits.grad.clone()
    bl = torch.randn(5, 3, requires_grad=True)
    by = torch.rand(5, 3).round()
    pw = torch.tensor([1.0, 3.0, 0.5])
    t["bce.logits"], t["bce.target"], t["bce.pos_weight"] = bl, by, pw
    for name, fn in {"mean": lambda: F.binary_cross_entropy_with_logits(bl, by),
                     "pos_weight_sum": lambda: F.binary_cross_entropy_with_logits(bl, by, pos_weight=pw, reduction="sum"),
                     "none": lambda: F.binary_cross_entropy_with_logits(bl * 8, by, reduction="none")}.items():
        bl.grad = None
        v = fn()
        wv = torch.randn_like(v)
        (v * wv).sum().backward()
        t["bce." + name + ".value"], t["bce." + name + ".w"], t["bce." + name + ".grad"] = v, wv, bl.grad.clone()
    a = torch.randn(4, 3, requires_grad=True)
    b = torch.randn(4, 3)
    v = F.mse_loss(a, b)
    v.backward()
    t["mse.input"], t["mse.target"], t["mse.value"], t["mse.grad"] = a, b, v, a.grad
    save("losses", t)

    # Layer norm, GELU, log-softmax forward values.
    x = torch.randn(3, 7)
    ln = torch.nn.LayerNorm(7)
    with torch.no_grad():
        ln.weight.uniform_(0.5, 1.5)
        ln.bias.uniform_(-0.5, 0.5)
    save("ops", {"x": x, "ln.weight": ln.weight, "ln.bias": ln.bias, "layer_norm": ln(x), "gelu": F.gelu(x),
                 "log_softmax": F.log_softmax(x, dim=-1), "softmax_dim0": F.softmax(x, dim=0)})

    # 20 training steps of a small GRU classifier: GRU(3->8, batch-first) -> h_n -> Linear(8->2) -> CE.
    model = Classifier()
    init = {k: v.detach().clone() for k, v in model.state_dict().items()}
    x = torch.randn(8, 5, 3)
    y = (x.sum(dim=(1, 2)) > 0).long()
    t = {k: v for k, v in init.items()}
    t["x"], t["y"] = x, y.float()
    optimisers = {
        "adam": lambda ps: torch.optim.Adam(ps, lr=0.01),
        "sgd_momentum": lambda ps: torch.optim.SGD(ps, lr=0.1, momentum=0.9),
        "adamw": lambda ps: torch.optim.AdamW(ps, lr=0.01, weight_decay=0.1),
        "sgd_nesterov_wd": lambda ps: torch.optim.SGD(ps, lr=0.05, momentum=0.9, nesterov=True, weight_decay=0.01),
    }
    loss_curves(model, init, x, y, {k: (lambda m, make=make: make(m.parameters())) for k, make in optimisers.items()}, t)
    save("train_classifier", t)
    trained_gru()

    # Learning-rate schedules: the lr after each scheduler step (index 0 is before any step).
    def lrs(make, n, metrics=None):
        opt = torch.optim.SGD([torch.zeros(1, requires_grad=True)], lr=0.1)
        sched = make(opt)
        out = [opt.param_groups[0]["lr"]]
        for i in range(n):
            opt.step()
            sched.step(metrics[i]) if metrics is not None else sched.step()
            out.append(opt.param_groups[0]["lr"])
        return torch.tensor(out, dtype=torch.float64)
    S = torch.optim.lr_scheduler
    metrics = [0.5, 0.6, 0.6, 0.59, 0.6, 0.61, 0.7, 0.69, 0.69, 0.69, 0.68, 0.7, 0.7, 0.7]
    save("schedules", {
        "step_lr": lrs(lambda o: S.StepLR(o, step_size=3, gamma=0.5), 12),
        "cosine": lrs(lambda o: S.CosineAnnealingLR(o, T_max=10, eta_min=0.001), 10),
        "linear": lrs(lambda o: S.LinearLR(o, start_factor=0.1, total_iters=5), 8),
        "plateau_metrics": torch.tensor(metrics),
        "plateau": lrs(lambda o: S.ReduceLROnPlateau(o, mode="max", factor=0.5, patience=2, cooldown=1),
                       len(metrics), metrics),
    })


if __name__ == "__main__":
    sys.exit(main())
