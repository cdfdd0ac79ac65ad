"""How many segments? Scores over a range of k, the elbow's knee, and a recommendation in words."""

from __future__ import annotations

import functools
import math
from dataclasses import dataclass, field, replace

import numpy as np

from custseg_gui.core.errors import UserError
from custseg_gui.core.prep import PreparedData
from custseg_gui.core.progress import NO_PROGRESS, Progress
from custseg_gui.core.settings import KSearchSettings

# Above this many customers, silhouette is estimated on a fixed random sample (the exact
# computation grows with the square of the rows). 5,000 customers estimate it to within about
# 0.006 (95% interval), which every score reports.
SILHOUETTE_THRESHOLD = 10_000
SILHOUETTE_SAMPLE = 5_000
# Above this many customers, the k search fits K-Means on a fixed random sample of this size
# (10 starts per k) and scores each k on all customers; the final segmentation then refines
# the sample's best centres on every customer. Below it, everything uses every customer.
SEARCH_SAMPLE = 10_000
# Above this many customers, Calinski-Harabasz and Davies-Bouldin are computed on a fixed
# sample of this size.
INDEX_SAMPLE = 200_000


@dataclass(frozen=True)
class KMeansFit:
    """One K-Means solution: labels 0..k-1 per used row, centres in scaled units."""

    k: int
    labels: np.ndarray
    centres: np.ndarray
    inertia: float
    refined: bool = True  # False: centres from a sample, not yet iterated on every row
    silhouettes: np.ndarray | None = None  # per silhouette-sample row, once scored


@dataclass(frozen=True)
class KScore:
    k: int
    inertia: float
    silhouette: float
    calinski_harabasz: float
    davies_bouldin: float
    # 95% interval of the silhouette estimate (the exact value when every customer is scored)
    silhouette_low: float = float("nan")
    silhouette_high: float = float("nan")


@dataclass(frozen=True)
class KSearchResult:
    settings: KSearchSettings
    scores: tuple[KScore, ...]
    knee: int | None
    recommended_k: int
    recommendation: str
    silhouette_sample_size: int | None  # None when every used row was scored
    notes: tuple[str, ...] = ()
    search_sample_size: int | None = None  # rows K-Means was fitted on, None = all
    fits: dict[int, KMeansFit] = field(default_factory=dict, repr=False, compare=False)

    def score(self, k: int) -> KScore | None:
        return next((score for score in self.scores if score.k == k), None)


# A K-Means run is iterated in steps of about this much arithmetic (row x centre x column
# distance terms), a few tenths of a second: a cancel request is noticed between steps, and
# small data converges in a single step without the cost of restarting.
STEP_WORK = 2e8
MAX_ITERATIONS = 300



def import_tools() -> None:
    """Import the libraries the analysis uses (they load on first use, to start quickly).

    The window calls this at the end of opening a file, in the background, so the first
    "Find segments" neither waits for them nor creates their many objects while it runs.
    """
    from kneed import KneeLocator  # noqa: F401
    from sklearn.cluster import KMeans  # noqa: F401
    from sklearn.decomposition import PCA  # noqa: F401
    from sklearn.metrics import adjusted_rand_score, pairwise_distances  # noqa: F401

def iterations_per_step(rows: int, k: int, columns: int) -> int:
    return int(min(MAX_ITERATIONS, max(3, STEP_WORK // max(rows * k * columns, 1))))


# On a search sample a start only needs to find its basin: the final fit on every row runs
# to scikit-learn's usual tolerance.
SAMPLE_TOL, SAMPLE_MAX_ITERATIONS = 1e-3, 100
SINGLE_THREAD_ROWS = 50_000
# Starts per k when the search fits a sample: the final segmentation still takes the best of
# `n_init` (10) starts and refines it on every customer.
SAMPLE_N_INIT = 4


def _kmeans_run(matrix: np.ndarray, k: int, seed: int, progress: Progress,
                centres: np.ndarray | None = None, tol: float = 1e-4,
                max_iterations: int = MAX_ITERATIONS):
    """One K-Means run from a k-means++ start (or given centres), iterated in short steps
    until it converges.

    Lloyd's algorithm continued from its own centres is the same computation as one long run,
    so stepping changes nothing but how soon a cancel is noticed.
    """
    from sklearn.cluster import KMeans, kmeans_plusplus

    if centres is None:
        centres, _ = kmeans_plusplus(matrix, k, random_state=seed)
    step = iterations_per_step(len(matrix), k, matrix.shape[1])
    done = 0
    while True:
        progress.check()
        model = KMeans(n_clusters=k, init=centres, n_init=1, max_iter=min(step, max_iterations),
                       tol=tol, algorithm="lloyd").fit(matrix)
        done += model.n_iter_
        if model.n_iter_ < min(step, max_iterations) or done >= max_iterations:
            return model
        centres = model.cluster_centers_


def refine(matrix: np.ndarray, centres: np.ndarray, progress: Progress = NO_PROGRESS) -> KMeansFit:
    """Lloyd's algorithm on every row, from centres found on a sample, to convergence."""
    model = _kmeans_run(matrix, len(centres), 0, progress, centres=centres)
    return KMeansFit(k=len(centres), labels=model.labels_.astype(np.int32),
                     centres=model.cluster_centers_, inertia=float(model.inertia_))


@functools.cache
def thread_pools():
    """The thread pools of the libraries K-Means uses (OpenMP, BLAS), found once: threadpoolctl
    finds them by reading the process's memory map, 15 ms each time, and a k search limits
    them for every fit."""
    import sklearn.cluster  # noqa: F401  (its OpenMP runtime must be loaded to be found)
    from threadpoolctl import ThreadpoolController

    return ThreadpoolController()


def fit_kmeans(matrix: np.ndarray, k: int, seed: int, n_init: int = 10,
               progress: Progress = NO_PROGRESS, sample: bool = False) -> KMeansFit:
    """Best of `n_init` K-Means runs (k-means++ starts), deterministic for a seed; `sample`
    marks a search sample, fitted to a looser tolerance."""
    best = None
    seeds = np.random.SeedSequence(seed).generate_state(n_init)
    # On small data, starting threads costs more than they save (a 10,000-row fit takes twice
    # as long on two threads as on one).
    threads = 1 if len(matrix) <= SINGLE_THREAD_ROWS else None
    with thread_pools().limit(limits=threads):
        for run, run_seed in enumerate(seeds):
            progress.report(run / n_init)
            model = _kmeans_run(matrix, k, int(run_seed), progress,
                                **({"tol": SAMPLE_TOL, "max_iterations": SAMPLE_MAX_ITERATIONS}
                                   if sample else {}))
            if best is None or model.inertia_ < best.inertia_ - 1e-12:
                best = model
    progress.report(1.0)
    return KMeansFit(k=k, labels=best.labels_.astype(np.int32), centres=best.cluster_centers_,
                     inertia=float(best.inertia_))


def count_distinct_rows(matrix: np.ndarray, enough: int) -> int:
    """Distinct customers (rows), counted exactly up to `enough`; cheap on large data."""
    head = matrix[: max(enough * 50, 5_000)]
    distinct = len(np.unique(head, axis=0))
    if distinct >= enough or len(head) == len(matrix):
        return distinct
    return len(np.unique(matrix, axis=0))


# How clearly customers fall into groups, by the mean silhouette (Kaufman and Rousseeuw's
# bands, with their weak 0.26-0.50 band split at 0.35): (lowest value, word, sentence).
SILHOUETTE_BANDS = (
    (0.70, "strong", "customers fall into groups very clearly"),
    (0.50, "good", "customers fall clearly into groups"),
    (0.35, "fair", "the groups are real but overlap at their edges"),
    (0.25, "weak", "the groups overlap a lot, so treat them as a rough split"),
    (-1.0, "none", "the data shows no clear groups, so treat them as a convenient split"),
)
# From this band down, a split is announced as weak and what would help is said.
WEAK_SPLIT = 0.35


def silhouette_band(value: float) -> tuple[str, str]:
    """The word ("fair") and the sentence for how clearly customers fall into groups."""
    if not math.isfinite(value):
        return "not scored", "the segments could not be scored"
    for threshold, word, sentence in SILHOUETTE_BANDS:
        if value > threshold:
            return word, sentence
    return SILHOUETTE_BANDS[-1][1:]


def silhouette_reading(value: float) -> str:
    """How clearly customers fall into groups, in plain words."""
    return silhouette_band(value)[1]


def is_weak_split(value: float) -> bool:
    return not math.isfinite(value) or value <= WEAK_SPLIT


def clarity(value: float) -> str:
    """`how clearly customers fall into groups: 0.43, fair`: the plain words, then the figure."""
    if not math.isfinite(value):
        return "how clearly customers fall into groups: not scored"
    return f"how clearly customers fall into groups: {value:.2f}, {silhouette_band(value)[0]}"


def silhouette_sample(n_rows: int, seed: int) -> np.ndarray | None:
    """The fixed rows on which silhouette is estimated, or None to use every row."""
    if n_rows <= SILHOUETTE_THRESHOLD:
        return None
    return np.sort(np.random.default_rng(seed).choice(n_rows, SILHOUETTE_SAMPLE, replace=False))


def _knee(ks: list[int], inertias: list[float]) -> int | None:
    if len(ks) < 3:
        return None
    from kneed import KneeLocator

    knee = KneeLocator(ks, inertias, curve="convex", direction="decreasing").knee
    return int(knee) if knee is not None else None


def recommend(scores: tuple[KScore, ...], knee: int | None) -> tuple[int, str]:
    """Highest mean silhouette wins: it rewards segments that are both tight and apart.

    The elbow is shown beside it but is not the rule, because on real data its bend is often
    vague and it never says whether the segments are real. The sentence leads with plain words;
    each technical name follows in brackets.
    """
    scored = [score for score in scores if math.isfinite(score.silhouette)]
    if not scored:
        best = scores[0]
        return best.k, (f"{best.k} segments: the segments could not be scored, so the smallest "
                        "number tried is suggested.")
    best = max(scored, key=lambda score: score.silhouette)
    tried = f"{scores[0].k} to {scores[-1].k}" if len(scores) > 1 else f"{scores[0].k}"
    word, reading = silhouette_band(best.silhouette)
    if is_weak_split(best.silhouette):
        sentence = f"{best.k} segments split the customers best, but weakly: {reading}."
    else:
        sentence = f"{best.k} segments fit best: {reading}."
    sentence += (f" How clearly customers fall into groups: {best.silhouette:.2f}, {word} "
                 f"(silhouette, the highest for {tried} segments).")
    if knee == best.k:
        sentence += " Adding segments stops paying off there too (the bend of the elbow chart)."
    elif knee is not None:
        sentence += (f" Adding segments stops paying off at {knee} (the bend of the elbow "
                     f"chart); choose {knee} if you prefer "
                     f"{'fewer, broader' if knee < best.k else 'more, finer'} segments.")
    if is_weak_split(best.silhouette):
        sentence += (" To find clearer groups, try other columns, or the fixes on the Data "
                     "health tab (log scale, caps).")
    return best.k, sentence


def silhouettes(points: np.ndarray, labels_by_k: dict[int, np.ndarray],
                progress: Progress = NO_PROGRESS, chunk: int = 1000) -> dict[int, np.ndarray]:
    """Silhouette of every point, for several labelings of the same points at once.

    The distances are computed once, a block of rows at a time (so memory stays small and a
    cancel request is noticed between blocks), and serve every k. Matches scikit-learn's
    silhouette_samples: a point alone in its segment scores 0.
    """
    from sklearn.metrics import pairwise_distances

    n = len(points)
    ks = list(labels_by_k)
    # A segment may have no member among the points (a small segment missed by the sample):
    # number the segments present 0..m-1 so an empty one cannot poison the nearest-other mean.
    labels_by_k = {k: np.unique(labels, return_inverse=True)[1].ravel()
                   for k, labels in labels_by_k.items()}
    onehots = {k: np.eye(int(labels_by_k[k].max()) + 1)[labels_by_k[k]] for k in ks}
    counts = {k: onehots[k].sum(axis=0) for k in ks}
    result = {k: np.zeros(n) for k in ks}
    for start in range(0, n, chunk):
        progress.report(start / n)
        rows = slice(start, min(start + chunk, n))
        distances = pairwise_distances(points[rows], points)
        for k in ks:
            sums = distances @ onehots[k]  # distance of each row to every segment, summed
            own = labels_by_k[k][rows]
            own_count = counts[k][own]
            with np.errstate(invalid="ignore", divide="ignore"):
                a = sums[np.arange(len(own)), own] / (own_count - 1)
                means = sums / counts[k]
            means[np.arange(len(own)), own] = np.inf
            b = means.min(axis=1)
            with np.errstate(invalid="ignore", divide="ignore"):
                values = (b - a) / np.maximum(a, b)
            result[k][rows] = np.where(own_count > 1, np.nan_to_num(values), 0.0)
    progress.report(1.0)
    return result


def score_fits(matrix: np.ndarray, fits: dict[int, KMeansFit], sample: np.ndarray | None,
               progress: Progress = NO_PROGRESS) -> tuple[list[KScore], dict[int, np.ndarray]]:
    """Inertia, silhouette (on the sample rows), Calinski-Harabasz and Davies-Bouldin per k."""
    from sklearn.metrics import calinski_harabasz_score, davies_bouldin_score

    index_rows = (np.sort(np.random.default_rng(0).choice(len(matrix), INDEX_SAMPLE,
                                                          replace=False))
                  if len(matrix) > INDEX_SAMPLE else None)
    rows = slice(None) if sample is None else sample
    points = matrix[rows]
    scorable = {k: fit.labels[rows] for k, fit in fits.items()
                if 1 < len(np.unique(fit.labels[rows])) < len(points)}
    values = silhouettes(points, scorable, progress)
    scores = []
    for k, fit in fits.items():
        nan = float("nan")
        if len(np.unique(fit.labels)) < 2:
            scores.append(KScore(k, fit.inertia, nan, nan, nan))
            continue
        mean, low, high = nan, nan, nan
        if k in values:
            mean = float(values[k].mean())
            low = high = mean
            if sample is not None:
                # The sample mean's 95% interval: what the exact value is likely to be.
                half = float(1.96 * values[k].std(ddof=1) / np.sqrt(len(values[k])))
                low, high = mean - half, mean + half
        if len(matrix) <= SILHOUETTE_THRESHOLD:
            calinski = float(calinski_harabasz_score(matrix, fit.labels))
            davies = float(davies_bouldin_score(matrix, fit.labels))
        elif len(matrix) <= INDEX_SAMPLE:
            calinski, davies = cluster_indices(matrix, fit.labels)
        else:
            # On a fixed sample: these indices are averages, and 200,000 customers pin them
            # down to a fraction of a percent.
            rows = index_rows if index_rows is not None else slice(None)
            calinski, davies = cluster_indices(matrix[rows], fit.labels[rows])
        scores.append(KScore(
            k=k, inertia=fit.inertia, silhouette=mean, calinski_harabasz=calinski,
            davies_bouldin=davies, silhouette_low=low, silhouette_high=high))
    return scores, values


def cluster_indices(matrix: np.ndarray, labels: np.ndarray) -> tuple[float, float]:
    """Calinski-Harabasz and Davies-Bouldin as scikit-learn defines them, in a few vectorised
    passes (scikit-learn's own functions take seconds per k on a million rows)."""
    k = int(labels.max()) + 1
    counts = np.bincount(labels, minlength=k).astype(float)
    present = counts > 0
    sums = np.stack([np.bincount(labels, weights=matrix[:, j], minlength=k)
                     for j in range(matrix.shape[1])], axis=1)
    means = sums[present] / counts[present, None]
    counts = counts[present]
    overall = matrix.mean(axis=0)
    between = float((counts * ((means - overall) ** 2).sum(axis=1)).sum())
    index = np.cumsum(present) - 1  # label -> row of `means`
    own = means[index[labels]]
    distances = np.sqrt(((matrix - own) ** 2).sum(axis=1))
    within = float((distances ** 2).sum())
    groups = len(counts)
    if groups < 2 or within == 0:
        return float("nan"), float("nan")
    calinski = between * (len(matrix) - groups) / (within * (groups - 1))
    spread = np.bincount(index[labels], weights=distances, minlength=groups) / counts
    centre_distance = np.sqrt(((means[:, None, :] - means[None, :, :]) ** 2).sum(axis=2))
    with np.errstate(divide="ignore", invalid="ignore"):
        ratio = (spread[:, None] + spread[None, :]) / centre_distance
    ratio[~np.isfinite(ratio)] = 0.0
    np.fill_diagonal(ratio, 0.0)
    return float(calinski), float(ratio.max(axis=1).mean())


def check_k_range(prepared: PreparedData, k_min: int, k_max: int) -> tuple[int, tuple[str, ...]]:
    """The largest k that can be tried, and a note when the range had to shrink."""
    if k_min < 2:
        raise UserError("Try at least 2 segments: one segment is the whole customer base.")
    if k_min > k_max:
        raise UserError(f"The smallest number of segments to try ({k_min}) is larger than the "
                        f"largest ({k_max}). Swap them.")
    used = len(prepared.rows_used)
    distinct = count_distinct_rows(prepared.matrix, k_max + 1)
    if distinct <= k_min:
        what = ("customer" if distinct == 1 else "customers") if used == distinct \
            else ("different customer profile" if distinct == 1 else "different customer profiles")
        raise UserError(f"Only {distinct} {what} are left to group, too few for {k_min} "
                        f"segments. Use more rows or columns, or fewer segments.")
    if distinct <= k_max:
        return distinct - 1, (f"Only {distinct} different customer profiles are in the data, so "
                              f"at most {distinct - 1} segments were tried.",)
    return k_max, ()


def assign(matrix: np.ndarray, centres: np.ndarray, row_norms: np.ndarray | None = None,
           chunk: int = 200_000, progress: Progress = NO_PROGRESS):
    """Nearest centre of every row, and the total squared distance (inertia), in blocks.

    |x - c|^2 = |x|^2 + (|c|^2 - 2 x.c): the rows' own squared norms (`row_norms`, computed
    once for every k of a search) are common to all centres, so only the bracket is compared.
    """
    if row_norms is None:
        row_norms = np.einsum("ij,ij->i", matrix, matrix)
    labels = np.empty(len(matrix), dtype=np.int32)
    inertia = float(row_norms.sum())
    centre_norms = (centres ** 2).sum(axis=1)
    for start in range(0, len(matrix), chunk):
        progress.check()  # a cancel (or a closing window) waits one block at most
        partial = matrix[start:start + chunk] @ (-2 * centres.T)
        partial += centre_norms
        nearest = partial.argmin(axis=1)
        labels[start:start + chunk] = nearest
        inertia += float(np.take_along_axis(partial, nearest[:, None], axis=1).sum())
    return labels, max(inertia, 0.0)


def nearest(matrix: np.ndarray, centres: np.ndarray, progress: Progress = NO_PROGRESS,
            chunk: int = 200_000) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Each row's nearest and second nearest centre (0-based) and its squared distance to the
    nearest, by the squared differences summed column by column: the arithmetic of a saved
    segmentation and of its SQL, so all three agree to the last digit."""
    rows = len(matrix)
    first = np.empty(rows, dtype=np.int32)
    second = np.zeros(rows, dtype=np.int32)
    squared_first = np.empty(rows)
    for start in range(0, rows, chunk):
        progress.check()
        block = matrix[start:start + chunk]
        squared = np.zeros((len(block), len(centres)))
        for column in range(matrix.shape[1]):
            squared += (block[:, column][:, None] - centres[None, :, column]) ** 2
        order = np.argsort(squared, axis=1, kind="stable")
        first[start:start + chunk] = order[:, 0]
        if len(centres) > 1:
            second[start:start + chunk] = order[:, 1]
        squared_first[start:start + chunk] = squared[np.arange(len(block)), order[:, 0]]
    return first, second, squared_first


def search_sample(n_rows: int, seed: int) -> np.ndarray | None:
    """The fixed rows the k search fits on, or None to fit on every row."""
    if n_rows <= SEARCH_SAMPLE:
        return None
    return np.sort(np.random.default_rng(seed + 1).choice(n_rows, SEARCH_SAMPLE, replace=False))


def search_k(prepared: PreparedData, settings: KSearchSettings = KSearchSettings(),
             progress: Progress = NO_PROGRESS) -> KSearchResult:
    """Fit K-Means for every k in the range and score each."""
    k_max, notes = check_k_range(prepared, settings.k_min, settings.k_max)
    matrix = prepared.matrix
    sample = silhouette_sample(len(matrix), settings.seed)
    fit_rows = search_sample(len(matrix), settings.seed)
    fit_matrix = matrix if fit_rows is None else matrix[fit_rows]
    ks = list(range(settings.k_min, k_max + 1))
    row_norms = np.einsum("ij,ij->i", matrix, matrix) if fit_rows is not None else None
    fits = {}
    for position, k in enumerate(ks):
        progress.report(0.8 * position / len(ks), f"Trying {k} segments...")
        fit = fit_kmeans(fit_matrix, k, settings.seed,
                         settings.n_init if fit_rows is None else min(settings.n_init,
                                                                       SAMPLE_N_INIT),
                         progress.part(0.8 * position / len(ks), 0.8 * (position + 1) / len(ks)),
                         sample=fit_rows is not None)
        if fit_rows is not None:
            # Score the sample's centres on every customer.
            labels, inertia = assign(matrix, fit.centres, row_norms, progress=progress)
            fit = KMeansFit(k=k, labels=labels, centres=fit.centres, inertia=inertia,
                            refined=False)
        fits[k] = fit
    progress.report(0.8, "Scoring each number of segments...")
    scores, values = score_fits(matrix, fits, sample, progress.part(0.8, 0.98))
    scores = tuple(scores)
    # Keep each k's per-customer silhouettes: the final segmentation at a searched k reuses them.
    fits = {k: replace(fit, silhouettes=values.get(k)) for k, fit in fits.items()}
    knee = _knee(ks, [score.inertia for score in scores])
    recommended, sentence = recommend(scores, knee)
    progress.report(1.0, "Done")
    return KSearchResult(settings=settings, scores=scores, knee=knee, recommended_k=recommended,
                         recommendation=sentence,
                         silhouette_sample_size=None if sample is None else len(sample),
                         notes=notes, fits=fits,
                         search_sample_size=None if fit_rows is None else len(fit_rows))
