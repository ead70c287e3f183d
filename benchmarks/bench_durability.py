"""Benchmark and accuracy check for cloudgeo.durability.

1. Speed: vectorised ``expected_losses`` over an array of object counts, against the baseline of
   calling it once per count in a Python loop (same run, same inputs).
2. Accuracy: probability of data loss within one year from the all-healthy state of the Markov
   chain, as cloudgeo computes it (the absorbing-state entry of ``scipy.linalg.expm``) and by the
   naive baseline ``1 - sum(transient row of expm(Q_T))``, both against mpmath at 50 digits.

Run: .venv/bin/python benchmarks/bench_durability.py
"""

from __future__ import annotations

import time

import mpmath as mp  # type: ignore[import-untyped]
import numpy as np
from scipy.linalg import expm

from cloudgeo import durability as dur

mp.mp.dps = 50


def bench_vectorised(n: int = 20_000) -> None:
    counts = np.logspace(0, 15, n)
    t0 = time.perf_counter()
    loop = [
        dur.expected_losses(objects=float(c), durability=0.99999999999).probability_any_loss for c in counts
    ]
    t_loop = time.perf_counter() - t0
    t0 = time.perf_counter()
    vec = dur.expected_losses(objects=counts, durability=0.99999999999).probability_any_loss
    t_vec = time.perf_counter() - t0
    assert np.array_equal(np.asarray(loop), vec)
    print(
        f"expected_losses, {n} object counts: loop {t_loop * 1e3:.1f} ms, vectorised {t_vec * 1e3:.2f} ms, "
        f"speed-up {t_loop / t_vec:.0f}x (identical results)"
    )


def generator(s: int, m: int, lam: float, mu: float, serial: bool) -> np.ndarray:
    q = np.zeros((m + 2, m + 2))
    for i in range(m + 1):
        b = (s - i) * lam
        d = 0.0 if i == 0 else (mu if serial else i * mu)
        q[i, i + 1] = b
        if i:
            q[i, i - 1] = d
        q[i, i] = -(b + d)
    return q


def bench_accuracy() -> None:
    cases = [(17, 3, 0.00405, 6.5), (10, 4, 0.01, 1.0), (4, 2, 0.02, 1 / 24), (6, 3, 0.001, 1 / 1440)]
    print("P(loss within 1 yr from healthy): relative error against mpmath (50 digits)")
    print(f"{'case':<28}{'exact':>14}{'cloudgeo':>12}{'1-survival':>13}")
    for d, p, lam, r in cases:
        for serial in (False, True):
            s, mu = d + p, 365.0 / r
            q = generator(s, p, lam, mu, serial)
            exact = mp.expm(mp.matrix(q.tolist()))[0, p + 1]
            model = "markov-serial" if serial else "markov-parallel"
            ours = dur.erasure_coding_loss(
                data_shards=d, parity_shards=p, shard_failure_rate_per_year=lam, replace_days=r, model=model
            ).loss_probability_first_year_from_healthy
            base = 1.0 - expm(q[: p + 1, : p + 1])[0].sum()
            e1 = float(abs((ours - exact) / exact))
            e2 = float(abs((base - exact) / exact))
            label = f"{d}+{p} {lam:g}/yr {r:.4g} d {'ser' if serial else 'par'}"
            print(f"{label:<28}{float(exact):>14.4e}{e1:>12.1e}{e2:>13.1e}")


if __name__ == "__main__":
    bench_vectorised()
    bench_accuracy()
