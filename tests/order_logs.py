"""Small order logs made by hand, with every answer worked out in advance.

`SHOP_LOG` is what a shop's till exports: one line per item sold. As of 2024-03-11 (the day
after its latest date, 2024-03-10, which is on a line without a customer):

| customer | orders (lines)                                   | purchases | returns | net spend |
| -------- | ------------------------------------------------ | --------- | ------- | --------- |
| C1       | 1001 on 01-10 (2x10 + 1x5.50 = 25.50),            | 2         | 1       | 27.50     |
|          | 1002 on 03-01 (3x4 = 12), C1003 on 03-05 (-1x10)  |           |         |           |
| C2       | 1004 on 03-09 (1x100)                             | 1         | 0       | 100       |
| 00017    | 1005 on 02-01, 1006 on 02-15 (2x8), 1007 on 03-08 | 3         | 0       | 32        |
| C4       | C1008 on 02-20 (-1x20): only a return             | 0         | 1       | (left out)|
| C5       | 1009 on 03-02 (1x5 and -1x5: totals 0, a return), | 1         | 1       | 50        |
|          | 1010 on 01-05 (1x50)                              |           |         |           |

so recency (days) C1 10 (its return on 03-05 is no purchase), C2 2, 00017 3, C5 66; tenure C1
61, C2 2, 00017 39, C5 66; R scores 2, 4, 3, 1; F scores 3, 1, 4, 1 (C2 and C5 tie); M scores
1, 4, 2, 3; RFM segments At risk, Promising, Loyal customers, Hibernating.
13 lines: 1 without a customer, 1 of C4 who only returned goods, 11 used.
"""

from __future__ import annotations

from pathlib import Path

SHOP_HEADER = "Invoice,Customer,Date,Quantity,Price,Product"
SHOP_LINES = [
    "1001,C1,2024-01-10 09:00,2,10.00,Mug",
    "1001,C1,2024-01-10 09:00,1,5.50,Tea",
    "1002,C1,2024-03-01 14:30,3,4.00,Spoon",
    "C1003,C1,2024-03-05 11:00,-1,10.00,Mug",
    "1004,C2,2024-03-09 10:00,1,100.00,Kettle",
    "1005,00017,2024-02-01 08:15,1,8.00,Cake",
    "1006,00017,2024-02-15 08:20,2,8.00,Cake",
    "1007,00017,2024-03-08 08:05,1,8.00,Cake",
    "C1008,C4,2024-02-20 16:00,-1,20.00,Vase",
    "1009,C5,2024-03-02 12:00,1,5.00,Card",
    "1009,C5,2024-03-02 12:00,-1,5.00,Card",
    "1010,C5,2024-01-05 13:00,1,50.00,Lamp",
    "1011,,2024-03-10 17:45,1,3.00,Bag",
]
SHOP_LOG = "\n".join([SHOP_HEADER, *SHOP_LINES]) + "\n"

# The known answers, per customer ID as written, in order of first appearance.
SHOP_CUSTOMERS = ["C1", "C2", "00017", "C5"]
SHOP_AS_OF = "2024-03-11"
SHOP_EXPECTED = {
    "Recency (days)": [10, 2, 3, 66],
    "Frequency (orders)": [2, 1, 3, 1],
    "Monetary (net spend)": [27.5, 100.0, 32.0, 50.0],
    "First purchase": ["2024-01-10", "2024-03-09", "2024-02-01", "2024-01-05"],
    "Last purchase": ["2024-03-01", "2024-03-09", "2024-03-08", "2024-01-05"],
    "Tenure (days)": [61, 2, 39, 66],
    "Average order value": [13.75, 100.0, 32 / 3, 50.0],
    "Returns (orders)": [1, 0, 0, 1],
    "R score": [2, 4, 3, 1],
    "F score": [3, 1, 4, 1],
    "M score": [1, 4, 2, 3],
    "RFM segment": ["At risk", "Promising", "Loyal customers", "Hibernating"],
}


def write_log(folder: Path, text: str = SHOP_LOG, name: str = "orders.csv",
              encoding: str = "utf-8") -> Path:
    """Write an order log as it is given (the text exactly) and return its path."""
    path = Path(folder) / name
    path.write_bytes(text.encode(encoding))
    return path


def shop_log_with(replacements: dict[int, str] | None = None, extra: list[str] = (),
                  header: str = SHOP_HEADER) -> str:
    """SHOP_LOG with some lines replaced (position in SHOP_LINES -> line) and lines added."""
    lines = list(SHOP_LINES)
    for position, line in (replacements or {}).items():
        lines[position] = line
    return "\n".join([header, *lines, *extra]) + "\n"


def many_customers_log(customers: int = 60, seed: int = 7) -> str:
    """A log of `customers` customers over 2024, for analyses that need enough customers to find
    segments (no hand-worked answers). As in real shops, most customers order once or twice and
    a few very often, so frequency and net spend are skewed (skewness above 2)."""
    import numpy as np

    rng = np.random.default_rng(seed)
    lines, invoice = [SHOP_HEADER], 5000
    for number in range(1, customers + 1):
        orders = 1 + min(40, int(rng.pareto(1.3) * 2))
        start = int(rng.integers(0, 300))
        for _ in range(orders):
            invoice += 1
            day = min(365, start + int(rng.integers(0, 60)))
            date = (np.datetime64("2024-01-01") + np.timedelta64(day, "D")).astype(str)
            for _item in range(int(rng.integers(1, 4))):
                price = round(float(rng.lognormal(2, 1)), 2)
                lines.append(f"{invoice},K{number:03d},{date} 10:00,{int(rng.integers(1, 5))},"
                             f"{price},Item")
    return "\n".join(lines) + "\n"
