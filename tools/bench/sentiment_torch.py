#!/usr/bin/python3
"""The PyTorch reference for grukit's sentiment speed: the same architecture and training settings as
`grukit sentiment train`'s defaults, trained for one epoch on SST-2, reporting training sentences per second.

Embedding(V, 300, padding_idx=0) -> dropout 0.5 -> BiGRU(300 -> 256 per direction, packed by length) ->
attention pooling (tanh(W h + b) . u, masked softmax, Yang et al. 2016) -> dropout 0.5 -> Linear(512, 2);
Adam(lr 1e-3), cosine decay, gradient clipping at 5, batch 64 of length-bucketed sentences. Words: SST-2's
own tokens, lower-cased, split on white space (what grukit's simple tokeniser gives on this already tokenised
text, give or take a few hyphens).

Usage: /usr/bin/python3 tools/bench/sentiment_torch.py [SST2_DIR] [--threads N] [--epochs E] [--max-batches B]
"""
import argparse
import json
import math
import os
import random
import time

# OpenBLAS's own threads fight torch's OpenMP threads on this 2-core machine (3.5x slower training when both run
# 2 threads); one BLAS thread under torch's threads is PyTorch's fastest setting here.
os.environ.setdefault("OPENBLAS_NUM_THREADS", "1")
import torch
import torch.nn as nn

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
ap = argparse.ArgumentParser()
ap.add_argument("sst2", nargs="?", default=os.path.join(ROOT, "..", "shared", "data", "sentiment", "sst2"))
ap.add_argument("--threads", type=int, default=2)
ap.add_argument("--epochs", type=int, default=1)
ap.add_argument("--max-batches", type=int, default=0, help="stop after this many batches (speed only; 0: whole epochs)")
args = ap.parse_args()
torch.set_num_threads(args.threads)
torch.manual_seed(1)
random.seed(1)


def read(name):
    rows = []
    with open(os.path.join(args.sst2, name), encoding="utf-8") as f:
        next(f)
        for line in f:
            text, label = line.rstrip("\n").split("\t")
            rows.append((text.lower().split(), int(label)))
    return rows


train, dev = read("train.tsv"), read("dev.tsv")
counts = {}
for words, _ in train:
    for w in words:
        counts[w] = counts.get(w, 0) + 1
itos = ["<pad>", "<unk>", "<bos>", "<eos>"] + sorted(counts, key=lambda w: (-counts[w], w))
stoi = {w: i for i, w in enumerate(itos)}


def encode(words):
    return [stoi.get(w, 1) for w in words] or [1]


class Model(nn.Module):
    def __init__(self, vocab):
        super().__init__()
        self.embedding = nn.Embedding(vocab, 300, padding_idx=0)
        self.gru = nn.GRU(300, 256, batch_first=True, bidirectional=True)
        self.proj = nn.Linear(512, 128)
        self.context = nn.Parameter(torch.empty(128).uniform_(-1 / math.sqrt(128), 1 / math.sqrt(128)))
        self.head = nn.Linear(512, 2)
        self.drop = nn.Dropout(0.5)

    def forward(self, ids, lengths):
        x = self.drop(self.embedding(ids))
        packed = nn.utils.rnn.pack_padded_sequence(x, lengths, batch_first=True, enforce_sorted=False)
        h, _ = self.gru(packed)
        h, _ = nn.utils.rnn.pad_packed_sequence(h, batch_first=True, total_length=ids.shape[1])
        scores = torch.tanh(self.proj(h)) @ self.context
        mask = torch.arange(ids.shape[1])[None, :] >= lengths[:, None]
        weights = torch.softmax(scores.masked_fill(mask, float("-inf")), dim=1)
        pooled = (weights.unsqueeze(-1) * h).sum(1)
        return self.head(self.drop(pooled))


def batches(data, size, shuffle):
    idx = list(range(len(data)))
    if shuffle:
        random.shuffle(idx)
    pool = size * 50
    out = []
    for p in range(0, len(idx), pool):
        chunk = sorted(idx[p:p + pool], key=lambda i: len(data[i][0]))
        out += [chunk[b:b + size] for b in range(0, len(chunk), size)]
    if shuffle:
        random.shuffle(out)
    return out


def tensors(data, batch):
    seqs = [encode(data[i][0]) for i in batch]
    lengths = torch.tensor([len(s) for s in seqs])
    ids = torch.zeros(len(seqs), int(lengths.max()), dtype=torch.long)
    for r, s in enumerate(seqs):
        ids[r, :len(s)] = torch.tensor(s)
    return ids, lengths, torch.tensor([data[i][1] for i in batch])


model = Model(len(itos))
opt = torch.optim.Adam(model.parameters(), lr=1e-3)
steps = args.epochs * len(batches(train, 64, False))
sched = torch.optim.lr_scheduler.CosineAnnealingLR(opt, steps, eta_min=5e-5)
loss_fn = nn.CrossEntropyLoss()
t0 = time.perf_counter()
seen = 0
done = False
for epoch in range(args.epochs):
    model.train()
    for batch in batches(train, 64, True):
        if args.max_batches and seen >= args.max_batches * 64:
            done = True
            break
        ids, lengths, y = tensors(train, batch)
        opt.zero_grad()
        loss = loss_fn(model(ids, lengths), y)
        loss.backward()
        nn.utils.clip_grad_norm_(model.parameters(), 5.0)
        opt.step()
        sched.step()
        seen += len(batch)
    if done:
        break
train_s = time.perf_counter() - t0
model.eval()
correct = 0
with torch.no_grad():
    for batch in batches(dev, 256, False):
        ids, lengths, y = tensors(dev, batch)
        correct += int((model(ids, lengths).argmax(-1) == y).sum())
print(json.dumps({"framework": "pytorch " + torch.__version__, "threads": args.threads, "epochs": args.epochs, "train": len(train),
                  "vocab": len(itos), "train_seconds": round(train_s, 1), "train_sentences_per_s": round(seen / train_s),
                  "dev_accuracy": round(correct / len(dev), 4)}))
