#!/usr/bin/python3
"""grukit against PyTorch on the GRU benchmark shapes and on SGEMM, in one run on one machine.

Usage (from the repository root, after `mvn -q -B -DskipTests package`):
    /usr/bin/python3 tools/bench/gru_vs_torch.py [--threads 2] [--shape NAME ...] [--skip-gemm]

grukit runs from the shipped jar (`./grukit bench gru|gemm`), one JVM per shape. PyTorch (Debian python3-torch, CPU) runs
../shared/tools/torch_gru_bench.py at its best setting on a 2-core machine: OPENBLAS_NUM_THREADS=2 with
torch.set_num_threads(1). SGEMM compares torch.mm (OpenBLAS) with grukit's GEMM on 1 and on 2 threads.
Prints one JSON line per comparison (ratio = PyTorch time / grukit time; above 1 means grukit is faster)
and then a markdown table for the README.
"""
import argparse
import json
import os
import platform
import subprocess
import sys

ROOT = os.path.dirname(os.path.dirname(os.path.dirname(os.path.abspath(__file__))))
TORCH_BENCH = os.path.join(ROOT, "..", "shared", "tools", "torch_gru_bench.py")

GEMM_TORCH = r"""
import json, sys, time, torch
torch.set_num_threads(1)
for n in [int(a) for a in sys.argv[1:]]:
    a, b = torch.randn(n, n), torch.randn(n, n)
    for _ in range(5): torch.mm(a, b)
    runs = []
    t_end = time.perf_counter() + 1.0
    while len(runs) < 9 or time.perf_counter() < t_end:
        t0 = time.perf_counter(); torch.mm(a, b); runs.append(time.perf_counter() - t0)
    runs.sort()
    ms = runs[len(runs) // 2] * 1e3
    print(json.dumps({"shape": "sgemm%d" % n, "ms": ms, "gflops": 2 * n ** 3 / ms / 1e6}), flush=True)
"""


def json_lines(cmd, env=None):
    out = subprocess.run(cmd, env=env, check=True, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout
    return [json.loads(line) for line in out.splitlines() if line.startswith("{")]


def grukit(args):
    return json_lines([os.path.join(ROOT, "grukit"), "bench"] + args)


def torch_env(openblas_threads):
    env = dict(os.environ)
    env["OPENBLAS_NUM_THREADS"] = str(openblas_threads)
    env["OMP_NUM_THREADS"] = "1"
    return env


def main():
    p = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    p.add_argument("--threads", type=int, default=2, help="grukit kernel threads (default 2)")
    p.add_argument("--shape", action="append", help="a GRU shape (repeatable; default all)")
    p.add_argument("--skip-gemm", action="store_true")
    a = p.parse_args()
    if not os.path.exists(TORCH_BENCH):
        sys.exit("PyTorch reference script not found: " + TORCH_BENCH)

    # One JVM per shape, as JMH forks: a shape's timing must not depend on which shapes the JIT saw before
    # (after the large shapes, the single-sequence path needs several seconds of recompilation).
    shapes = a.shape or ["sentiment", "sentiment-bi", "speech", "large", "latency"]
    g = {}
    for name in shapes:
        for r in grukit(["gru", "--threads", str(a.threads), "--shape", name]):
            g[r["shape"]] = r
    # torch_gru_bench.py's argument is torch's own thread count; OpenBLAS's comes from the environment.
    t = {r["shape"]: r for r in json_lines(["/usr/bin/python3", TORCH_BENCH, "1"], torch_env(2))}
    rows = []
    for name, gr in g.items():
        tr = t[name]
        row = {"shape": name, "grukit_infer_ms": gr["infer_ms"], "torch_infer_ms": tr["infer_ms"],
               "infer_ratio": round(tr["infer_ms"] / gr["infer_ms"], 2), "grukit_train_ms": gr["train_ms"],
               "torch_train_ms": tr["train_ms"], "train_ratio": round(tr["train_ms"] / gr["train_ms"], 2)}
        rows.append(row)
        print(json.dumps(row), flush=True)

    gemm_rows = []
    if not a.skip_gemm:
        sizes = ["256", "512", "1024"]
        for threads in (1, 2):
            gg = {r["shape"]: r for r in grukit(["gemm", "--threads", str(threads)] + sum((["--size", s] for s in sizes), []))}
            tg = {r["shape"]: r for r in json_lines(["/usr/bin/python3", "-c", GEMM_TORCH] + sizes, torch_env(threads))}
            for name in gg:
                row = {"shape": name, "threads": threads, "grukit_gflops": round(gg[name]["gflops"], 1),
                       "openblas_gflops": round(tg[name]["gflops"], 1),
                       "fraction": round(gg[name]["gflops"] / tg[name]["gflops"], 2)}
                gemm_rows.append(row)
                print(json.dumps(row), flush=True)

    cpu = platform.processor() or platform.machine()
    try:
        with open("/proc/cpuinfo") as f:
            cpu = next(l.split(":", 1)[1].strip() for l in f if l.startswith("model name"))
    except (OSError, StopIteration):
        pass
    java = g[next(iter(g))]["java"] if g else "?"
    kernel = g[next(iter(g))]["kernel"] if g else "?"
    print()
    torch_version = subprocess.run(["/usr/bin/python3", "-c", "import torch; print(torch.__version__)"],
                                   stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True).stdout.strip()
    print("Machine: %s, %d cores; Java %s, kernel %s; grukit %d threads; PyTorch %s (OpenBLAS) with"
          " OPENBLAS_NUM_THREADS=2, torch.set_num_threads(1)." % (cpu, os.cpu_count(), java, kernel, a.threads,
                                                                 torch_version))
    print()
    print("| shape | grukit infer ms | PyTorch infer ms | ratio | grukit train ms | PyTorch train ms | ratio |")
    print("| --- | ---: | ---: | ---: | ---: | ---: | ---: |")
    for r in rows:
        print("| %s | %.2f | %.2f | **%.2f** | %.2f | %.2f | **%.2f** |" % (
            r["shape"], r["grukit_infer_ms"], r["torch_infer_ms"], r["infer_ratio"], r["grukit_train_ms"],
            r["torch_train_ms"], r["train_ratio"]))
    if gemm_rows:
        print()
        print("| SGEMM | threads | grukit GFLOP/s | OpenBLAS GFLOP/s | grukit / OpenBLAS |")
        print("| --- | ---: | ---: | ---: | ---: |")
        for r in gemm_rows:
            print("| %s | %d | %.1f | %.1f | **%.2f** |" % (r["shape"], r["threads"], r["grukit_gflops"],
                                                             r["openblas_gflops"], r["fraction"]))


if __name__ == "__main__":
    main()
