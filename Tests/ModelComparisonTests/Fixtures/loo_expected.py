"""Expected PSIS-LOO figures for LeaveOneOutTests, computed independently with ArviZ.

Run with the peers' environment (ArviZ 1.3.0, arviz-stats 1.3.3, NumPy, SciPy):
    python loo_expected.py > loo_expected.json
It draws pointwise log-likelihoods of small models (seeded), and stores them with ArviZ's
az.loo (elpd_loo, se, p_loo, pointwise elpd and Pareto k) at a stated r_eff, and az.compare's
stacking and pseudo-BMA+ (Bayesian bootstrap) weights, so the Swift test compares without running Python.
"""
import json
import warnings
warnings.simplefilter("ignore")
import numpy as np
import arviz as az
from scipy import stats

rng = np.random.default_rng(20261204)


def normal_model(n_obs, chains, draws, outlier):
    """Posterior draws of a normal mean and sd given data y (conjugate-ish), pointwise log-lik."""
    y = rng.normal(1.0, 2.0, size=n_obs)
    if outlier:
        y[-1] = 14.0  # an influential observation: a large Pareto k
    n = len(y)
    sd = rng.gamma(n / 2, 2.0 / ((n - 1) * y.var(ddof=1)), size=(chains, draws)) ** -0.5
    mu = rng.normal(y.mean(), sd / np.sqrt(n))
    ll = stats.norm.logpdf(y[None, None, :], mu[..., None], sd[..., None])
    return mu, ll


def student_model(n_obs, chains, draws):
    y = rng.standard_t(3, size=n_obs)
    mu = rng.normal(np.median(y), 0.3, size=(chains, draws))
    ll = stats.t.logpdf(y[None, None, :], 3, mu[..., None], 1.0)
    return mu, ll


def loo_case(name, mu, ll, reff):
    tree = az.from_dict({"posterior": {"mu": mu}, "log_likelihood": {"y": ll}})
    res = az.loo(tree, pointwise=True, reff=reff)
    chains, draws, n = ll.shape
    return {
        "name": name, "reff": reff,
        # [draws][observations], chains one after another
        "log_likelihood": ll.reshape(chains * draws, n).tolist(),
        "elpd": float(res.elpd), "se": float(res.se), "p_loo": float(res.p),
        "elpd_i": [float(v) for v in np.asarray(res.elpd_i).ravel()],
        "pareto_k": [float(v) for v in np.asarray(res.pareto_k).ravel()],
        "good_k": float(res.good_k),
    }, tree


cases = []
mu, ll = normal_model(12, 2, 200, outlier=True)
case, _ = loo_case("normal with an outlier, S·r > 225", mu, ll, 1.0)
cases.append(case)
case, _ = loo_case("same draws, r_eff 0.5 (longer tail)", mu, ll, 0.5)
cases.append(case)
mu, ll = student_model(8, 1, 100)
case, _ = loo_case("student-t, S·r ≤ 225", mu, ll, 0.8)
cases.append(case)

# Stacking: three models of the same 20 observations; weights from az.compare.
y = rng.normal(0.0, 1.0, size=20)
y[:4] += 3.0
trees, pointwise = {}, []
for name, (loc, scale) in {"narrow": (0.5, 0.8), "wide": (0.5, 2.0), "shifted": (2.5, 1.0)}.items():
    m = rng.normal(loc, 0.1, size=(1, 300))
    ll = stats.norm.logpdf(y[None, None, :], m[..., None], scale)
    tree = az.from_dict({"posterior": {"mu": m}, "log_likelihood": {"y": ll}})
    trees[name] = tree
    res = az.loo(tree, pointwise=True, reff=1.0)
    pointwise.append({"name": name, "elpd_i": [float(v) for v in np.asarray(res.elpd_i).ravel()]})
comparison = az.compare(trees, method="stacking", round_to="none")
bootstrap = az.compare(trees, method="BB-pseudo-BMA", round_to="none")
stacking = {"models": pointwise, "weights": {k: float(comparison.loc[k, "weight"]) for k in trees},
            "pseudo_bma_weights": {k: float(bootstrap.loc[k, "weight"]) for k in trees}}

print(json.dumps({"arviz": az.__version__, "cases": cases, "stacking": stacking}))
