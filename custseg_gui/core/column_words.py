"""Column names read as words: what a column is about (age, income, recency...), its unit,
and its name as a person would say it (`Annual Income (k$)` -> "income", `MntWines` -> "wine
spend"). The vocabulary segment names and descriptions (naming.py) are made of."""

from __future__ import annotations

import re

_FILLER_WORDS = {"annual", "yearly", "monthly", "weekly", "daily", "total", "avg", "average",
                 "mean", "score", "amount", "num", "number", "of", "the", "in", "per", "mnt"}
# Abbreviations of exports, spelt out.
_ABBREVIATIONS = {"cmp": "campaign", "qty": "quantity", "amt": "amount", "trx": "transactions",
                  "prc": "percent", "freq": "frequency", "cust": "customer", "txn": "transactions",
                  "kidhome": "children at home", "teenhome": "teenagers at home",
                  "dt": "date", "pct": "percent"}
# Whole patterns of abbreviated names (the words lower case, split at capitals and "_").
_PATTERNS = (
    # MntWines, MntMeatProducts, MntGoldProds: money spent on something
    (re.compile(r"^mnt (.+?)( products| prods| product)?$"), lambda m: f"{_singular(m[1])} spend"),
    # NumWebPurchases, NumDealsPurchases: purchases of a kind
    (re.compile(r"^num (.+?) purchases$"), lambda m: f"{_singular(m[1])} purchases"),
    # NumWebVisitsMonth: visits a month
    (re.compile(r"^num (.+?) visits month$"), lambda m: f"{_singular(m[1])} visits a month"),
    (re.compile(r"^num (.+)$"), lambda m: m[1]),
    (re.compile(r"^year birth$|^birth year$|^yob$"), lambda m: "birth year"),
    # An order log's R, F and M scores (1 to 5) keep their letter: "R score"
    (re.compile(r"^([rfm]) score$"), lambda m: f"{m[1].upper()} score"),
)

CONCEPTS = {
    # concept: pattern on the column name without brackets, lower case, camelCase and
    # underscores made spaces
    "age": r"\bage\b|birth",
    "income": r"income|salary|earning|\bwages?\b",
    "recency": r"recen|days since|last (purchase|order|visit)|^r score$",
    "frequency": r"^frequency\b|^f$|purchases? frequency|order frequency|visit frequency|"
                 r"(number of|num|count of|no of) (orders|purchases|visits|transactions)|"
                 r"^(orders|visits|transactions)$|^num .*purchases|^f score$",
    "monetary": r"monetary|revenue|lifetime value|\bclv\b|\bltv\b|total (spent|sales)|"
                r"net spend|^m score$",
    "spending": r"spend|spent|expenditure|purchases|^mnt|amount",
    "tenure": r"^tenure\b|customer since|days as (a )?customer|years as (a )?customer",
}
# What a segment high or low on a concept is called, strongly and clearly: (very, clear) words.
# A word ending in "..." comes before the column's words, others stand alone.
_CONCEPT_WORDS = {
    "age": {True: ("Much older", "Older"), False: ("Very young", "Young")},
    "recency": {True: ("Long lapsed", "Lapsed"), False: ("Very recent", "Recent")},
    "tenure": {True: ("Long-standing", "Long-standing"), False: ("Very new", "Newer")},
    "frequency": {True: ("Very frequent", "Frequent"), False: ("Rare", "Occasional")},
    "monetary": {True: ("Very big spenders", "Big spenders"),
                 False: ("Very small spenders", "Small spenders")},
}


# Columns that are the measure itself (not one kind of it, like web purchases): they read as
# "frequent", "big spenders" on their own.
_PLAIN_MEASURES = {"frequency", "f", "orders", "visits", "transactions", "purchases",
                   "number of orders", "number of purchases", "monetary", "m", "monetary value",
                   "net spend", "revenue", "total spent", "total sales", "lifetime value",
                   "f score", "m score"}


def _split_words(column: str) -> str:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", column)
    spaced = re.sub(r"([A-Za-z])(\d)", r"\1 \2", spaced)
    return re.sub(r"[_\-.]+", " ", spaced).strip()


def _words_of(column: str) -> str:
    """The name's words, lower case, without anything in brackets."""
    without_brackets = re.sub(r"[(\[][^)\]]*[)\]]", " ", column)
    return " ".join(_split_words(without_brackets).lower().split())


def _singular(words: str) -> str:
    last = words.split()[-1]
    if len(last) > 3 and last.endswith("s") and not last.endswith("ss"):
        words = words[: -1]
    return words


def concept(column: str) -> str | None:
    """What a column is about, when its name says so (age, income, spending, ...)."""
    name = _words_of(column)
    for key, pattern in CONCEPTS.items():
        if re.search(pattern, name):
            return key
    return None


def unit_of(column: str) -> str:
    """The unit written in brackets, like `k$` in `Annual Income (k$)` (not ranges like 1-100)."""
    match = re.search(r"[(\[]\s*([^)\]]+?)\s*[)\]]", column)
    if not match or re.fullmatch(r"[\d\s.,\-–]+", match.group(1)):
        return ""
    return match.group(1)


def readable(column: str, short: bool = True) -> str:
    """A column name as words: `Annual Income (k$)` -> `income` (short) / `annual income`;
    `MntWines` -> `wine spend`; `AcceptedCmp3` -> `accepted campaign 3`."""
    words = _words_of(column)
    for pattern, spelt in _PATTERNS:
        match = pattern.match(words)
        if match:
            return spelt(match)
    words = " ".join(_ABBREVIATIONS.get(word, word) for word in words.split())
    if short:
        kept = [word for word in words.split() if word not in _FILLER_WORDS]
        words = " ".join(kept) or words
    return words or column


def is_age(column: str) -> bool:
    return concept(column) == "age"


def _age_inverted(column: str) -> bool:
    """A birth year rises as customers get younger."""
    return "birth" in column.lower()


def _rfm_score(column: str) -> bool:
    """An order log's R, F or M score: 1 to 5, higher is better (a high R score is recent)."""
    return re.fullmatch(r"[rfm] score", _words_of(column)) is not None
