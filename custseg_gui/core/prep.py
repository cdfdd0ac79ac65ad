"""PrepSettings -> PreparedData: the matrix K-Means sees, and which customers were left out and why."""

from __future__ import annotations

from dataclasses import dataclass, field, replace

import numpy as np
import pandas as pd

from custseg_gui.core.columns import ColumnInfo, Role
from custseg_gui.core.errors import UserError
from custseg_gui.core.settings import MISSING_POLICIES, SCALINGS, PrepSettings
from custseg_gui.core.sources import LoadedTable

@dataclass(frozen=True)
class PreparedData:
    """The numbers K-Means clusters, one row per customer used."""

    settings: PrepSettings
    matrix: np.ndarray  # rows used x matrix columns, scaled
    matrix_columns: tuple[str, ...]  # feature names; a chosen category becomes "Gender = Male"
    center: np.ndarray  # original = matrix * scale + center
    scale: np.ndarray
    rows_used: np.ndarray  # positions in the loaded table
    left_out: pd.Series  # reason per left-out row position
    n_rows: int  # rows in the loaded table
    filled: dict[str, int] = field(default_factory=dict)  # feature -> missing values filled in
    # What was fitted, so the same preparation applies to other customers (core/model.py):
    fill_values: dict[str, object] = field(default_factory=dict)  # feature -> value filled in
    cap_bounds: dict[str, tuple[float, float]] = field(default_factory=dict)  # data's units
    levels: dict[str, tuple[str, ...]] = field(default_factory=dict)  # category -> its levels

    @property
    def original_units(self) -> np.ndarray:
        """The matrix with the scaling (and any log scale) undone."""
        return self.to_original(self.matrix)

    def to_original(self, values: np.ndarray) -> np.ndarray:
        """Rows in matrix units -> the data's own units (log scales undone too)."""
        original = values * self.scale + self.center
        for position, name in enumerate(self.matrix_columns):
            if name in self.settings.log:
                original[..., position] = np.exp(original[..., position]) - 1.0
        return original


def _check_features(settings: PrepSettings, columns: tuple[ColumnInfo, ...]) -> dict[str, ColumnInfo]:
    by_name = {info.name: info for info in columns}
    if not settings.features:
        raise UserError("No columns are chosen to group customers by. Tick at least one column "
                        "of numbers, such as age, income or spending.")
    for name in settings.features:
        if name not in by_name:
            known = ", ".join(info.name for info in columns if info.usable)
            raise UserError(f"The file has no column named '{name}'. Usable columns are: {known}.")
        if not by_name[name].usable:
            raise UserError(f"The column '{name}' cannot be used to group customers. "
                            f"{by_name[name].reason}")
    if settings.missing not in MISSING_POLICIES:
        raise UserError(f"Unknown way to handle missing values '{settings.missing}'. Choose one "
                        f"of: {', '.join(MISSING_POLICIES)}.")
    if settings.scaling not in SCALINGS:
        raise UserError(f"Unknown scaling '{settings.scaling}'. Choose one of: "
                        f"{', '.join(SCALINGS)}.")
    return by_name


def left_out_summary(left_out: pd.Series) -> str:
    """How many rows were left out of the segments and why, in one sentence ('' if none)."""
    if not len(left_out):
        return ""
    totals = int(left_out.astype(str).str.startswith("Total row").sum())
    missing = len(left_out) - totals
    total_words = f"{totals:,} total row{'s' if totals > 1 else ''} (not customers)"
    customers = f"{missing:,} customer{'s' if missing > 1 else ''}"
    if not totals:
        return (f"{customers} {'were' if missing > 1 else 'was'} left out because of missing "
                "values.")
    if not missing:
        return f"{total_words} {'were' if totals > 1 else 'was'} left out."
    return (f"{len(left_out):,} rows were left out: {customers} because of missing values and "
            f"{total_words}.")


def _missing_reasons(missing: np.ndarray, names: tuple[str, ...]) -> np.ndarray:
    """'Missing value in X' for each row of a boolean missing matrix (one text per pattern)."""
    if len(missing) == 0:
        return np.array([], dtype=object)
    patterns, inverse = np.unique(missing, axis=0, return_inverse=True)
    texts = []
    for pattern in patterns:
        columns = [name for name, gap in zip(names, pattern) if gap]
        texts.append(("Missing value in " if len(columns) == 1 else "Missing values in ")
                     + ", ".join(columns))
    return np.array(texts, dtype=object)[inverse.ravel()]


def with_categories(columns: tuple[ColumnInfo, ...],
                    categories: tuple[str, ...]) -> tuple[ColumnInfo, ...]:
    """Column roles with the user's "treat as categories" choices applied."""
    if not categories:
        return columns
    return tuple(replace(info, role=Role.CATEGORICAL, reason=None)
                 if info.name in categories and info.role is Role.NUMERIC else info
                 for info in columns)


def _check_fixes(settings: PrepSettings, by_name: dict[str, ColumnInfo]) -> None:
    for name in (*settings.log, *(cap.column for cap in settings.cap), *settings.categories):
        if name not in by_name:
            raise UserError(f"A fix names the column '{name}', which the file does not have. "
                            "Check the spelling of the column name.")
    for name in (*settings.log, *(cap.column for cap in settings.cap)):
        if by_name[name].role is not Role.NUMERIC:
            raise UserError(f"'{name}' is not a column of numbers, so it cannot be put on a "
                            "log scale or capped.")
    for cap in settings.cap:
        if not 0 <= cap.low < cap.high <= 100:
            raise UserError(f"The caps for '{cap.column}' must be percentiles from 0 to 100, "
                            f"the lower below the upper (got {cap.low:g} and {cap.high:g}).")


def _fill_value(values: pd.Series, role: Role, policy: str):
    if role is Role.CATEGORICAL:
        return values.mode().iloc[0]
    return values.median() if policy == "median" else values.mean()


def prepare(table: LoadedTable, columns: tuple[ColumnInfo, ...],
            settings: PrepSettings) -> PreparedData:
    """Select, clean and scale the chosen features."""
    columns = with_categories(columns, settings.categories)
    by_name = _check_features(settings, columns)
    _check_fixes(settings, by_name)
    frame = table.frame.loc[:, list(settings.features)].copy()
    for name in settings.features:
        if by_name[name].role is Role.CATEGORICAL:
            # Categories as written: a code column reads "1", not "1.0".
            frame[name] = table.raw[name].astype(str).str.strip().where(
                table.frame[name].notna(), None)

    for name in settings.features:
        if by_name[name].role is Role.NUMERIC and np.isinf(frame[name].to_numpy(float)).any():
            count = int(np.isinf(frame[name].to_numpy()).sum())
            raise UserError(f"The column '{name}' holds {count} infinite value(s). Replace them "
                            "with real numbers or leave them empty, then open the file again.")

    # Rows the loader found are not customers (totals) are left out first, with their reason.
    customers = table.customer_rows()
    missing = frame.isna() & customers[:, None]
    filled: dict[str, int] = {}
    fill_values: dict[str, object] = {}
    if settings.missing == "drop":
        has_missing = missing.any(axis=1).to_numpy()
        left_out = pd.Series(_missing_reasons(missing.to_numpy()[has_missing], settings.features),
                             index=np.flatnonzero(has_missing), dtype=object)
        rows_used = np.flatnonzero(~has_missing & customers)
    else:
        for name in settings.features:
            count = int(missing[name].sum())
            if count == int(customers.sum()):
                raise UserError(f"The column '{name}' has no values at all. Untick it.")
            # The fill value is kept even where nothing is missing: new customers may have gaps.
            fill_values[name] = _plain(_fill_value(frame.loc[customers, name].dropna(),
                                                   by_name[name].role, settings.missing))
            if count:
                frame[name] = frame[name].fillna(fill_values[name])
                filled[name] = count
        left_out = pd.Series([], index=np.array([], dtype=int), dtype=object)
        rows_used = np.flatnonzero(customers)
    frame = frame.iloc[rows_used]
    if len(table.left_out):
        left_out = pd.concat([table.left_out.astype(object), left_out]).sort_index()
    if len(rows_used) == 0:
        raise UserError("Every customer has a missing value in a chosen column, so none are left "
                        "to group. Untick the columns with many gaps, or fill missing values "
                        "with the median.")

    cap_bounds: dict[str, tuple[float, float]] = {}
    for cap in settings.cap:
        if cap.column in frame:
            lower, upper = np.nanpercentile(frame[cap.column].to_numpy(float), [cap.low, cap.high])
            cap_bounds[cap.column] = (float(lower), float(upper))
            frame[cap.column] = frame[cap.column].clip(lower, upper)
    for name in settings.log:
        if name in frame:
            if (frame[name] < 0).any():
                raise UserError(f"'{name}' has negative values, so it cannot be put on a log "
                                "scale. Use capping instead, or untick the log scale.")
            # log(1 + x) written as such (not log1p): the SQL of a segmentation computes
            # LN(1 + x), and the two must agree to the last digit.
            frame[name] = log_scale(frame[name].astype(float))

    blocks, names, is_category = [], [], []
    levels: dict[str, tuple[str, ...]] = {}
    for name in settings.features:
        values = frame[name]
        if by_name[name].role is Role.CATEGORICAL:
            categories = sorted(values.astype(str).unique())
            levels[name] = tuple(categories)
            for category in categories:
                blocks.append((values.astype(str) == category).to_numpy(dtype=float))
                names.append(f"{name} = {category}")
                is_category.append(True)
        else:
            blocks.append(values.to_numpy(dtype=float))
            names.append(name)
            is_category.append(False)
    raw_matrix = np.column_stack(blocks)

    spread = raw_matrix.std(axis=0)
    for position, name in enumerate(settings.features):
        column_positions = [i for i, matrix_name in enumerate(names)
                            if matrix_name == name or matrix_name.startswith(f"{name} = ")]
        if all(spread[i] == 0 for i in column_positions):
            raise UserError(f"Every customer used has the same value in '{name}', so it cannot "
                            "tell them apart. Untick it.")

    center, scale = _scaling(raw_matrix, settings.scaling, np.array(is_category))
    matrix = (raw_matrix - center) / scale
    return PreparedData(settings=settings, matrix=matrix, matrix_columns=tuple(names),
                        center=center, scale=scale, rows_used=rows_used, left_out=left_out,
                        n_rows=table.n_rows, filled=filled, fill_values=fill_values,
                        cap_bounds=cap_bounds, levels=levels)


def log_scale(values):
    """The log scale of a fix: log(1 + x)."""
    return np.log(1.0 + values)


def _plain(value):
    """A numpy scalar as a plain Python value (for a saved segmentation)."""
    return value.item() if isinstance(value, np.generic) else value


def _scaling(matrix: np.ndarray, method: str, is_category: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Centre and scale per column. One-hot columns stay 0/1 so a category weighs like one unit."""
    columns = matrix.shape[1]
    center, scale = np.zeros(columns), np.ones(columns)
    if method == "standard":
        center, scale = matrix.mean(axis=0), matrix.std(axis=0)
    elif method == "minmax":
        center, scale = matrix.min(axis=0), matrix.max(axis=0) - matrix.min(axis=0)
    elif method == "robust":
        q1, median, q3 = np.percentile(matrix, [25, 50, 75], axis=0)
        center, scale = median, q3 - q1
        # A column whose middle half is one value (many zeros, say) has no quartile spread;
        # fall back to its standard deviation rather than dividing by zero.
        scale = np.where(scale > 0, scale, matrix.std(axis=0))
    center = np.where(is_category, 0.0, center)
    scale = np.where(is_category | (scale == 0), 1.0, scale)
    return center, scale
