#!/usr/bin/python3
"""Writes the forecasting fixtures: error metrics, the linear autoregression baseline (recursive, also of Box-Cox transforms, and direct) and the pinball loss.

Run with Debian's Python: /usr/bin/python3 tools/reference/make_forecast_fixtures.py
Metrics follow their textbook definitions (Hyndman and Koehler 2006 for MASE; sMAPE as in M4), written with numpy.
The autoregression is fitted with numpy.linalg.lstsq on the first 101 airline passenger counts (the training part of
the default 70/10/20 split), as they are, their log and their Box-Cox transform with lambda 0.5; the pinball loss is computed with torch. CI never runs this.
"""
import csv
import json
import os

import numpy as np
import torch

HERE = os.path.dirname(os.path.abspath(__file__))
OUT = os.path.join(HERE, "..", "..", "nlp-tasks", "src", "test", "resources", "fixtures", "forecast.json")
SHARED = os.path.join(HERE, "..", "..", "..", "shared", "data", "timeseries", "airline-passengers.csv")


def metrics(a, f, train, m):
    a, f = np.asarray(a, float), np.asarray(f, float)
    e = np.abs(f - a)
    nz = a != 0
    d = np.abs(a) + np.abs(f)
    smape = np.where(d > 0, 2 * e / np.where(d > 0, d, 1), 0.0)
    train = np.asarray(train, float)
    scale = np.mean(np.abs(train[m:] - train[:-m]))
    return {"mae": e.mean(), "mse": (e ** 2).mean(), "rmse": np.sqrt((e ** 2).mean()), "mape": 100 * np.mean(e[nz] / np.abs(a[nz])),
            "smape": 100 * smape.mean(), "scale": scale, "mase": e.mean() / scale}


def box_cox(y, lam):
    if lam == 1:
        return y  # grukit's lambda 1 is "no transform" rather than the textbook's y - 1, which only moves the intercept
    return np.log(y) if lam == 0 else (np.power(y, lam) - 1) / lam


def inv_box_cox(w, lam):
    if lam == 1:
        return w
    return np.exp(w) if lam == 0 else np.power(lam * w + 1, 1 / lam)


def ar_fixture(y, p, end, lam):
    """AR(p) with an intercept fitted by least squares to the Box-Cox transform of y[:end], 12 recursive forecasts back-transformed."""
    z = box_cox(y[:end], lam)
    X = np.column_stack([np.ones(end - p)] + [z[p - i:end - i] for i in range(1, p + 1)])
    w = np.linalg.lstsq(X, z[p:end], rcond=None)[0]
    hist = list(z)
    fc = []
    for _ in range(12):
        v = w[0] + sum(w[i] * hist[-i] for i in range(1, p + 1))
        fc.append(v)
        hist.append(v)
    return {"order": p, "end": end, "lambda": lam, "intercept": w[0], "coefficients": w[1:].tolist(),
            "forecast": inv_box_cox(np.array(fc), lam).tolist()}


def direct_ar_fixture(y, p, end, horizon):
    """Direct AR(p): one least-squares fit per step h of y[o + h] on (1, y[o-1], ..., y[o-p]), origins o in [p, end - horizon]."""
    origins = range(p, end - horizon + 1)
    X = np.array([[1.0] + [y[o - i] for i in range(1, p + 1)] for o in origins])
    Y = np.array([[y[o + h] for h in range(horizon)] for o in origins])
    W = np.linalg.lstsq(X, Y, rcond=None)[0]  # [p + 1, horizon]
    x = np.array([1.0] + [y[end - i] for i in range(1, p + 1)])
    return {"order": p, "end": end, "horizon": horizon, "intercepts": W[0].tolist(), "coefficients": W[1:].T.tolist(),
            "forecast": (x @ W).tolist()}


def main():
    rng = np.random.default_rng(3)
    train = rng.normal(10, 3, 40).round(3)
    actual = np.concatenate([rng.normal(10, 3, 11).round(3), [0.0]])  # a zero actual: left out of MAPE
    forecast = (actual + rng.normal(0, 1, 12)).round(3)
    forecast[-1] = 0.0  # both zero: sMAPE counts 0
    out = {"train": train.tolist(), "actual": actual.tolist(), "forecast": forecast.tolist(), "season": 4,
           "metrics": metrics(actual, forecast, train, 4)}

    with open(SHARED, newline="") as fh:
        y = np.array([float(r["Passengers"]) for r in csv.DictReader(fh)])
    out["airline_ar"] = ar_fixture(y, 12, 101, 1.0)
    out["airline_ar_log"] = ar_fixture(y, 12, 101, 0.0)
    out["airline_ar_sqrt"] = ar_fixture(y, 12, 101, 0.5)
    out["airline_direct_ar"] = direct_ar_fixture(y, 6, 101, 12)

    g = torch.Generator().manual_seed(5)
    pred = torch.randn(3, 4, 3, generator=g, dtype=torch.float64)
    target = torch.randn(3, 4, generator=g, dtype=torch.float64)
    qs = torch.tensor([0.1, 0.5, 0.9], dtype=torch.float64)
    e = target.unsqueeze(-1) - pred
    loss = torch.maximum(qs * e, (qs - 1) * e).mean()
    out["pinball"] = {"pred": pred.flatten().tolist(), "target": target.flatten().tolist(), "quantiles": qs.tolist(), "loss": loss.item()}

    with open(OUT, "w") as fh:
        json.dump(out, fh, indent=1)
    print("wrote", OUT)


if __name__ == "__main__":
    main()
