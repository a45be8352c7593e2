#!/usr/bin/env python
"""Fit PyMC-Marketing's multidimensional (geo) MMM on a long geo CSV; print one JSON line.

Usage:
  pymc_geo_fit.py HISTORY.csv --channels tv,search,... [--saturation hill|logistic]
                  [--chains 4 --tune 1000 --draws 1000 --seed 1 --cores 2] [--geos N]

Input: the long format MixPlan's geo simulator writes (SimulatedGeoHistory.csv):
one row per (week, geo) with columns week (ISO date), geo, population, revenue and
one spend column per channel. --geos N keeps the first N geos (for quick checks).

Model (pymc-marketing 1.3): pymc_marketing.mmm.MMM with dims=("geo",),
GeometricAdstock(l_max=8), HillSaturation() (or LogisticSaturation()),
yearly_seasonality=2 and one control column "t", the week index divided by
(weeks - 1), standing in for MixPlan's linear trend. Everything else is the
package's default, which for dims=("geo",) means: the target and each channel
divided by its max over all dates and geos (one national scale each); the
intercept, noise sigma, Fourier and control coefficients per geo; adstock alpha
and Hill slope, kappa and beta per (geo, channel), each with its own prior and
no pooling across geos (MixPlan's geo model pools media effects hierarchically);
PyMC's default NUTS (target_accept 0.8, init="jitter+adapt_diag", max tree
depth 10). Chains run --cores at a time.

Output: one JSON line on stdout, everything else goes to stderr:
  sampling_seconds   PyMC's own sampling_time (tune + draws, all chains, after compiling)
  total_fit_seconds  wall time of MMM.fit (build, compile, initialise, sample)
  ess_bulk_min, ess_tail_min, rhat_max over the free parameters (not deterministics)
  divergences        over all chains, draws only
  max_rss_mb         peak resident memory of this process; max_rss_children_mb the
                     largest of the finished child processes (chain workers)
  process_seconds    from interpreter start to the JSON line
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import sys
import time

T_START = time.perf_counter()
L_MAX = 8


def parse_args(argv=None):
    p = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    p.add_argument("data")
    p.add_argument("--channels", required=True)
    p.add_argument("--date", default="week")
    p.add_argument("--geo", default="geo")
    p.add_argument("--target", default="revenue")
    p.add_argument("--saturation", choices=["hill", "logistic"], default="hill")
    p.add_argument("--chains", type=int, default=4)
    p.add_argument("--tune", type=int, default=1000)
    p.add_argument("--draws", type=int, default=1000)
    p.add_argument("--seed", type=int, default=1)
    p.add_argument("--cores", type=int, default=os.cpu_count())
    p.add_argument("--geos", type=int, default=None, help="keep only the first N geos")
    a = p.parse_args(argv)
    a.channels = [c for c in a.channels.split(",") if c]
    return a


def load(a):
    import pandas as pd

    df = pd.read_csv(a.data, parse_dates=[a.date], dtype={a.geo: str})
    if a.geos is not None:
        keep = sorted(df[a.geo].unique())[: a.geos]
        df = df[df[a.geo].isin(keep)]
    dates = sorted(df[a.date].unique())
    index = {d: i for i, d in enumerate(dates)}
    df = df.assign(t=df[a.date].map(index) / max(len(dates) - 1, 1))
    df = df.sort_values([a.date, a.geo]).reset_index(drop=True)
    X = df[[a.date, a.geo, *a.channels, "t"]]
    return df, X, df[a.target].rename(a.target)


def fit(a, X, y):
    from pymc_marketing.mmm import MMM, GeometricAdstock, HillSaturation, LogisticSaturation

    mmm = MMM(
        date_column=a.date,
        target_column=a.target,
        channel_columns=a.channels,
        control_columns=["t"],
        dims=(a.geo,),
        adstock=GeometricAdstock(l_max=L_MAX),
        saturation=HillSaturation() if a.saturation == "hill" else LogisticSaturation(),
        yearly_seasonality=2,
    )
    t0 = time.perf_counter()
    mmm.fit(X, y, chains=a.chains, tune=a.tune, draws=a.draws, cores=a.cores,
            random_seed=a.seed, progressbar=False)
    return mmm, time.perf_counter() - t0


def diagnostics(mmm):
    import arviz as az
    import numpy as np

    idata = mmm.idata
    names = [v.name for v in mmm.model.free_RVs]

    def extreme(ds, fn):
        return float(fn([float(fn(np.asarray(ds[v].values))) for v in names]))

    posterior = idata.posterior
    stats = idata.sample_stats
    return {
        "ess_bulk_min": extreme(az.ess(posterior, var_names=names, method="bulk"), np.min),
        "ess_tail_min": extreme(az.ess(posterior, var_names=names, method="tail"), np.min),
        "rhat_max": extreme(az.rhat(posterior, var_names=names), np.max),
        "divergences": int(np.asarray(stats["diverging"].values).sum()),
        "parameter_count": int(sum(np.prod(posterior[v].shape[2:], dtype=int) for v in names)),
        "parameters": names,
    }


def sampling_time(mmm):
    for node in (mmm.idata.posterior, mmm.idata.sample_stats):
        t = node.attrs.get("sampling_time")
        if t is not None:
            return float(t)
    return float("nan")


def versions():
    import pymc
    import pymc_marketing
    import pytensor

    return {"pymc_marketing": pymc_marketing.__version__, "pymc": pymc.__version__,
            "pytensor": pytensor.__version__, "python": sys.version.split()[0]}


def main():
    # Lead a process group of our own so that a caller's time limit can end the chain workers too.
    try:
        os.setpgid(0, 0)
    except OSError:
        pass
    a = parse_args()
    stdout, sys.stdout = sys.stdout, sys.stderr
    df, X, y = load(a)
    mmm, total_s = fit(a, X, y)
    sampling_s = sampling_time(mmm)
    d = diagnostics(mmm)
    kib = 1024.0  # ru_maxrss is in KiB on Linux
    res = {
        "tool": "pymc-marketing",
        "model": "MMM(dims=('geo',))",
        "versions": versions(),
        "geos": int(df[a.geo].nunique()), "weeks": int(df[a.date].nunique()), "channels": a.channels,
        "saturation": a.saturation,
        "chains": a.chains, "cores": a.cores, "tune": a.tune, "draws": a.draws, "seed": a.seed,
        "sampling_seconds": round(sampling_s, 2),
        "total_fit_seconds": round(total_s, 2),
        **{k: round(v, 4) if isinstance(v, float) else v for k, v in d.items()},
        "ess_bulk_per_s": round(d["ess_bulk_min"] / sampling_s, 4),
        "max_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / kib, 1),
        "max_rss_children_mb": round(resource.getrusage(resource.RUSAGE_CHILDREN).ru_maxrss / kib, 1),
    }
    res["process_seconds"] = round(time.perf_counter() - T_START, 2)
    print(json.dumps(res), file=stdout, flush=True)


if __name__ == "__main__":
    main()
