"""Generate the built-in sample customers: run `python resources/make_sample_data.py`.

300 shoppers of an imaginary mall in five clear segments, shaped like the classic mall-customer
data: average income and spending; high income, high spending (younger); high income, low
spending; low income, low spending (older); low income, high spending (young). Seeded, so the
committed file can be checked against a fresh run.
"""

from __future__ import annotations

from pathlib import Path

import numpy as np
import pandas as pd

# (customers, mean age, age spread, mean income k$, income spread, mean score, score spread)
SEGMENTS = (
    (120, 44, 7, 55, 6, 50, 6),
    (57, 32, 4, 87, 8, 82, 7),
    (51, 42, 7, 88, 8, 17, 7),
    (36, 55, 7, 26, 6, 20, 7),
    (36, 24, 4, 26, 6, 79, 7),
)
SEED = 20240611
FILE_NAME = "sample_customers.csv"


def generate(seed: int = SEED) -> pd.DataFrame:
    """The sample customers, shuffled, with IDs 0001.. as text."""
    rng = np.random.default_rng(seed)
    parts = []
    for size, age, age_sd, income, income_sd, score, score_sd in SEGMENTS:
        parts.append(pd.DataFrame({
            "Gender": rng.choice(["Female", "Male"], size=size, p=[0.56, 0.44]),
            "Age": np.clip(rng.normal(age, age_sd, size), 18, 70).round().astype(int),
            "Annual Income (k$)": np.clip(rng.normal(income, income_sd, size), 15, 140)
            .round().astype(int),
            "Spending Score (1-100)": np.clip(rng.normal(score, score_sd, size), 1, 99)
            .round().astype(int),
        }))
    customers = pd.concat(parts, ignore_index=True)
    customers = customers.iloc[rng.permutation(len(customers))].reset_index(drop=True)
    customers.insert(0, "CustomerID", [f"{number:04d}" for number in range(1, len(customers) + 1)])
    return customers


def write(path: Path) -> None:
    generate().to_csv(path, index=False, lineterminator="\n")


if __name__ == "__main__":
    target = Path(__file__).with_name(FILE_NAME)
    write(target)
    print(f"wrote {target}")
