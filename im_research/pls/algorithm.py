"""The PLS path-modelling algorithm (Wold, Lohmöller) with SmartPLS/seminr conventions.

Everything after data preparation works on the indicator correlation matrix ``S``:
scores of standardised indicators ``X`` with weights ``W`` have covariance ``W'SW`` and
covariance ``SW`` with the indicators, so one iteration costs a few small matrix products
whatever the sample size (which makes the bootstrap cheap).

Conventions (those of SmartPLS 2/3 and seminr 2.3.4, checked against both):

- indicators standardised with the n − 1 standard deviation;
- initial outer weights all 1;
- each iteration: standardise the scores, inner weights (path, centroid or factorial),
  inner proxies, standardise them, outer update (mode A: covariances; mode B: regression
  on the block's items), rescale each composite to unit variance;
- stop when the sum of absolute weight changes falls below ``tol`` (SmartPLS's 1e-7),
  counting iterations from 0 as seminr does;
- unit weights (seminr's ``unit_weights``) stay 1 and are only rescaled;
- PLSc (Dijkstra & Henseler 2015): ρA of every mode A block with two or more items
  (or of those flagged as common factors) disattenuates the construct correlations;
  paths by OLS on the corrected matrix; loadings ``w·√ρA / (w'w)``.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from ..errors import ConvergenceError

__all__ = ["Estimate", "estimate", "estimate_batch", "rho_a", "path_coefficients"]

SCHEMES = ("path", "centroid", "factorial")


@dataclass
class Estimate:
    """Weights ``W`` (p × k, block-diagonal, unit-variance composites), construct
    correlations ``C``, paths ``B`` (``B[i, j]``: i → j), the construct moments
    ``C_used`` the paths were estimated from (``C``, its PLSc correction, or with
    interaction terms rescaled), ``rho_a``
    (1 where not corrected) and ``iterations``. In :func:`estimate_batch` every field has
    a leading axis over samples, and ``ok`` marks the samples that converged."""

    W: np.ndarray
    C: np.ndarray
    B: np.ndarray
    C_used: np.ndarray
    rho_a: np.ndarray
    iterations: np.ndarray
    ok: np.ndarray | None = None


def _quad(W, S):
    """diag(W'SW) per sample: (m, p, k), (m, p, p) → (m, k)."""
    return (W * (S @ W)).sum(axis=1)


def _regressions(C, out, pred):
    """Put into ``out[:, idx, j]`` the OLS coefficients of j on its predecessors idx."""
    for j, idx, rows, cols in pred:
        out[:, idx, j] = np.linalg.solve(C[:, rows, cols], C[:, idx, j][..., None])[..., 0]
    return out


def _inner_weights(C, P, scheme, pred):
    if scheme == "factorial":
        return C * (P + P.T)
    if scheme == "centroid":
        return np.sign(C) * (P + P.T)
    return _regressions(C, C * P.T, pred)  # successors: correlation; predecessors: OLS


def _predecessors(P):
    out = []
    for j in range(P.shape[0]):
        idx = np.flatnonzero(P[:, j])
        if idx.size:
            rows, cols = np.ix_(idx, idx)
            out.append((j, idx, rows, cols))
    return out


def path_coefficients(C, P) -> np.ndarray:
    """OLS path coefficients ``B`` (i → j) of each construct on its predecessors in the
    path matrix ``P``, from construct correlations ``C`` (k × k, or m × k × k)."""
    C = np.asarray(C)
    batch = C[None] if C.ndim == 2 else C
    B = _regressions(batch, np.zeros_like(batch), _predecessors(P))
    return B[0] if C.ndim == 2 else B


def rho_a(S, W, idx):
    """Dijkstra–Henseler ρA of one block: ``(w'w)² · w'(S − diag S)w / w'(ww' − diag ww')w``
    (``S`` p × p and ``W`` p × k, or with a leading sample axis)."""
    S, W = np.asarray(S), np.asarray(W)
    one = S.ndim == 2
    if one:
        S, W = S[None], W[None]
    w = W.sum(axis=2)[:, idx]
    Sj = S[:, idx][:, :, idx]
    off = Sj * (1 - np.eye(len(idx)))
    num = np.einsum("mi,mij,mj->m", w, off, w)
    ww = np.einsum("mi,mi->m", w, w)
    den = ww ** 2 - np.einsum("mi,mi->m", w ** 2, w ** 2)
    out = ww ** 2 * num / den
    return float(out[0]) if one else out


def estimate_batch(S, blocks, modes, P, *, scheme="path", tol=1e-7, max_iter=300,
                   consistent=False, interaction=None, item_sd=None) -> Estimate:
    """Run the PLS algorithm on a stack of indicator correlation matrices at once.

    Parameters
    ----------
    S : ndarray (m, p, p)
        Correlation matrices of the indicators, block after block.
    blocks : list of index arrays
        The rows of ``S`` belonging to each construct.
    modes : list of {"A", "B", "unit"}
        Correlation weights, regression weights, or unit weights (fixed at 1 and
        only rescaled, seminr's ``unit_weights``).
    P : ndarray (k, k)
        ``P[i, j] = 1`` for a path i → j.
    scheme : {"path", "centroid", "factorial"}
    tol, max_iter : float, int
        A sample stops when ``sum(|W_new − W_old|) < tol``, after at most ``max_iter + 1``
        updates; each sample keeps its own count, as if estimated alone.
    consistent : bool or sequence of bool
        Apply the PLSc correction: ``True`` to every mode A block with two or more
        items; a sequence (one flag per block) only to the flagged ones of those, so
        that mode A composites stay uncorrected (common factors only, Dijkstra &
        Henseler 2015).
    interaction : sequence of bool, optional
        Blocks that are interaction terms: their ρA stays 1 under PLSc and, without
        PLSc, their scores are rescaled as seminr's (Henseler & Chin 2010) to the
        loading-weighted mean SD of their product items ``item_sd`` ((m, p) or (p,)),
        so a path from an interaction term is the change in the focal slope per SD of
        the moderator. Its other fields (``C``, loadings) stay standardised.

    Returns
    -------
    Estimate
        With a leading axis of length m; ``ok`` is False for samples that did not
        converge or met a singular matrix (their other fields are NaN).
    """
    m, p, k = S.shape[0], S.shape[1], len(blocks)
    if item_sd is not None:
        item_sd = np.broadcast_to(np.asarray(item_sd, dtype=float), (m, p))
    # a (nearly) collinear mode B block gives meaningless regression weights
    bad = np.zeros(m, dtype=bool)
    for idx, mode in zip(blocks, modes):
        if mode == "B" and len(idx) > 1:
            bad |= np.linalg.cond(S[:, idx][:, :, idx]) > 1e12
    if m == 1 and bad[0]:
        raise np.linalg.LinAlgError("a mode B block is singular")
    out = Estimate(np.full((m, p, k), np.nan), *np.full((3, m, k, k), np.nan),
                   np.ones((m, k)), np.zeros(m, dtype=int), np.zeros(m, dtype=bool))
    fields = ("W", "C", "B", "C_used", "rho_a", "iterations", "ok")
    keep = np.flatnonzero(~bad)
    try:
        groups = [(keep, _estimate_batch(S[keep], blocks, modes, P, scheme, tol, max_iter,
                                         consistent, interaction,
                                         None if item_sd is None else item_sd[keep]))]
    except np.linalg.LinAlgError:
        if m == 1:
            raise
        groups = []  # some sample met a singular matrix: estimate each alone
        for i in keep:
            try:
                groups.append(([i], _estimate_batch(
                    S[i:i + 1], blocks, modes, P, scheme, tol, max_iter, consistent,
                    interaction, None if item_sd is None else item_sd[i:i + 1])))
            except np.linalg.LinAlgError:
                pass
    for rows, e in groups:
        for f in fields:
            getattr(out, f)[rows] = getattr(e, f)
    return out


def _estimate_batch(S, blocks, modes, P, scheme, tol, max_iter, consistent,
                    interaction=None, item_sd=None) -> Estimate:
    m, p, k = S.shape[0], S.shape[1], len(blocks)
    mask = np.zeros((p, k))
    for j, idx in enumerate(blocks):
        mask[idx, j] = 1.0
    pred = _predecessors(P)
    inv_b = {j: np.linalg.inv(S[:, idx][:, :, idx])
             for j, (idx, mode) in enumerate(zip(blocks, modes)) if mode == "B"}
    W = np.broadcast_to(mask, (m, p, k)).copy()
    iterations = np.zeros(m, dtype=int)
    active = np.arange(m)
    for _ in range(max_iter + 1):
        Sa, Wa = S[active], W[active]
        Ws = Wa / np.sqrt(_quad(Wa, Sa))[:, None, :]
        C = Ws.transpose(0, 2, 1) @ Sa @ Ws
        E = _inner_weights(C, P, scheme, pred)
        SZ = Sa @ Ws @ E  # cov(indicators, inner proxies)
        SZ /= np.sqrt(_quad(E, C))[:, None, :]
        W_new = np.zeros_like(Wa)
        for j, idx in enumerate(blocks):
            cov = SZ[:, idx, j]
            if modes[j] == "A":
                W_new[:, idx, j] = cov
            elif modes[j] == "B":
                W_new[:, idx, j] = np.einsum("mij,mj->mi", inv_b[j][active], cov)
            else:
                W_new[:, idx, j] = 1.0  # unit weights: fixed, only rescaled below
        W_new /= np.sqrt(_quad(W_new, Sa))[:, None, :]
        change = np.abs(W_new - Wa).sum(axis=(1, 2))
        W[active] = W_new
        active = active[~(change < tol)]  # NaN: not settled
        if not active.size:
            break
        iterations[active] += 1
    ok = np.ones(m, dtype=bool)
    ok[active] = False  # not settled after max_iter
    W[active] = np.nan
    C = W.transpose(0, 2, 1) @ S @ W
    rho = np.ones((m, k))
    C_used = C
    if consistent is not False:
        factor = [mode == "A" for mode in modes] if consistent is True else consistent
        for j, idx in enumerate(blocks):
            if (factor[j] and modes[j] == "A" and len(idx) > 1
                    and not (interaction is not None and interaction[j])):
                rho[:, j] = rho_a(S, W, idx)
        C_used = C / np.sqrt(rho[:, :, None] * rho[:, None, :])
        C_used[:, np.arange(k), np.arange(k)] = 1.0
    elif interaction is not None and any(interaction):
        # seminr's variance adjustment: scale = Σ|λ|·sd / Σ|λ| over the term's items
        sd = np.broadcast_to(item_sd, (m, p))
        scale = np.ones((m, k))
        lam = np.abs((S @ W) * (W != 0)).sum(axis=2)
        for j, idx in enumerate(blocks):
            if interaction[j]:
                scale[:, j] = (lam[:, idx] * sd[:, idx]).sum(axis=1) / lam[:, idx].sum(axis=1)
        C_used = C * scale[:, :, None] * scale[:, None, :]
    B = path_coefficients(C_used, P)
    return Estimate(W, C, B, C_used, rho, iterations, ok)


def estimate(S, blocks, modes, P, *, scheme="path", tol=1e-7, max_iter=300,
             consistent=False, interaction=None, item_sd=None) -> Estimate:
    """Run the PLS algorithm on one indicator correlation matrix ``S`` (p × p).

    Arguments as :func:`estimate_batch`.

    Returns
    -------
    Estimate

    Raises
    ------
    ConvergenceError
        When the weights have not settled after ``max_iter`` iterations.
    numpy.linalg.LinAlgError
        When a mode B block or a set of predecessors is perfectly collinear.
    """
    e = estimate_batch(np.asarray(S)[None], blocks, modes, P, scheme=scheme, tol=tol,
                       max_iter=max_iter, consistent=consistent, interaction=interaction,
                       item_sd=item_sd)
    if not e.ok[0]:
        raise ConvergenceError(
            f"the PLS weights did not settle in {max_iter} iterations (tol {tol:g}); "
            "raise max_iter or check the model")
    return Estimate(e.W[0], e.C[0], e.B[0], e.C_used[0], e.rho_a[0], int(e.iterations[0]))
