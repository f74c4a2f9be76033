"""Quality criteria of a PLS model, from the indicator correlations ``S`` and weights ``W``.

Definitions as in Hair et al. (2022, *A Primer on PLS-SEM*, 3rd ed.) and seminr 2.3.4:

- loadings: correlations of each item with its construct's scores (``S W``); for PLSc
  constructs ``w·√ρA / (w'w)``;
- Cronbach's α from the item correlations (standardised α);
- ρC = (Σλ)² / ((Σλ)² + Σ(1 − λ²)); AVE = mean λ² (also for mode B blocks);
- ρA (Dijkstra & Henseler 2015) for mode A blocks; 1 for mode B and single items;
- HTMT (Henseler, Ringle & Sarstedt 2015): mean |r| between two blocks' items over the
  geometric mean of the blocks' mean |r| within (1 for a single item);
- outer VIF: diagonal of the inverse item correlation matrix of each block; inner VIF:
  of each endogenous construct's predecessors.
"""

from __future__ import annotations

import numpy as np

from .algorithm import rho_a

__all__ = ["loadings", "reliability", "htmt", "outer_vif", "inner_vif", "rsquare"]


def loadings(S, W, blocks, rho) -> np.ndarray:
    """Loadings (p,): item–score correlations, or PLSc loadings where ``rho`` ≠ 1.
    With a leading sample axis on every argument, (m, p)."""
    L = (S @ W * (W != 0)).sum(axis=-1)
    w = W.sum(axis=-1)
    for j, idx in enumerate(blocks):
        r = rho[..., j]
        if np.any(r != 1.0):
            wj = w[..., idx]
            L[..., idx] = wj * (np.sqrt(r) / (wj ** 2).sum(axis=-1))[..., None]
    return L


def reliability(S, W, blocks, modes, lam, interaction=None) -> np.ndarray:
    """Rows per construct: α, ρC, AVE, ρA (1 for ``interaction`` terms)."""
    out = np.ones((len(blocks), 4))
    for j, idx in enumerate(blocks):
        q = len(idx)
        if q == 1:
            continue
        Sj = S[np.ix_(idx, idx)]
        out[j, 0] = q / (q - 1) * (1 - q / Sj.sum())
        lj = lam[idx]
        out[j, 1] = lj.sum() ** 2 / (lj.sum() ** 2 + (1 - lj ** 2).sum())
        out[j, 2] = np.mean(lj ** 2)
        # ρA as seminr: for correlation- and unit-weighted blocks, 1 for mode B
        keep_one = modes[j] == "B" or (interaction is not None and interaction[j])
        out[j, 3] = 1.0 if keep_one else rho_a(S, W, idx)
    return out


def htmt(S, blocks, htmt2=False) -> np.ndarray:
    """HTMT matrix (k × k, symmetric, NaN on the diagonal); (m, k, k) for a stack of
    correlation matrices. ``htmt2`` uses geometric instead of arithmetic means
    (Roemer, Schuberth & Henseler 2021); it needs nonzero correlations."""
    p, k = S.shape[-1], len(blocks)
    M = np.zeros((p, k))
    for j, idx in enumerate(blocks):
        M[idx, j] = 1.0
    size = M.sum(axis=0)
    A = np.abs(S)
    if htmt2:
        with np.errstate(divide="ignore"):
            A = np.log(A)
    sums = M.T @ np.where(np.eye(p, dtype=bool), 0.0, A) @ M  # diagonal left out
    pairs = np.outer(size, size) - np.diag(size)  # within a block: the q(q − 1) off-diagonals
    single = size == 1  # a single item: monotrait correlation 1
    mean = sums / np.where(pairs == 0, 1, pairs)
    if htmt2:
        mean = np.exp(mean)
    mono = np.where(single, 1.0, np.diagonal(mean, axis1=-2, axis2=-1))
    H = mean / np.sqrt(mono[..., :, None] * mono[..., None, :])
    H[..., np.arange(k), np.arange(k)] = np.nan
    return H


def outer_vif(S, blocks) -> np.ndarray:
    """VIF of each item within its block (1 for a single item)."""
    v = np.ones(S.shape[0])
    for idx in blocks:
        if len(idx) > 1:
            v[idx] = np.diag(np.linalg.inv(S[np.ix_(idx, idx)]))
    return v


def inner_vif(C, idx) -> np.ndarray:
    """VIFs of the predecessors ``idx`` of one endogenous construct."""
    if len(idx) == 1:
        return np.ones(1)
    return np.diag(np.linalg.inv(C[np.ix_(idx, idx)]))


def rsquare(C, B) -> np.ndarray:
    """R² of every construct (0 for exogenous ones): ``Σ_i b_ij r_ij``."""
    return np.einsum("ij,ij->j", B, C)
