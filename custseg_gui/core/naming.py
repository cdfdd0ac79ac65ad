"""Plain-language segment names, descriptions and suggested actions.

A segment is described by the columns in which it differs most from the average customer,
measured in standard deviations (the standardized difference). Column names are read as
words ("Annual Income (k$)" reads "income"); columns recognisably about income, spending, age,
recency, frequency or monetary value also get marketing advice. Columns whose meaning is not
recognised are described, never advised on.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from custseg_gui.core.formatting import format_number

# A segment differs "clearly" on a column from this many standard deviations, and "strongly"
# from the second; closer than the first it is called average on that column.
CLEAR, STRONG = 0.5, 1.5
# A description also mentions a column from this difference: noticeable, if not striking.
NOTICEABLE = 0.35
# A column enters a name only if the segments explain at least this share of its variance:
# a column the segmentation hardly touches does not define a segment.
MIN_IMPORTANCE = 0.05
MAX_NAME_TERMS = 3
MAX_DESCRIPTION_TERMS = 4
AVERAGE_NAME = "Average customers"

_FILLER_WORDS = {"annual", "yearly", "monthly", "weekly", "daily", "total", "avg", "average",
                 "mean", "score", "amount", "num", "number", "of", "the", "in", "per", "mnt"}

CONCEPTS = {
    # concept: pattern on the column name, lower case, camelCase and underscores made spaces
    "age": r"\bage\b|birth",
    "income": r"income|salary|earning|\bwages?\b",
    "recency": r"recen|days since|last (purchase|order|visit)",
    "frequency": r"^frequency\b|^f$|purchases? frequency|order frequency|visit frequency|"
                 r"(number of|num|count of|no of) (orders|purchases|visits|transactions)|"
                 r"^(orders|visits|transactions)$|^num .*purchases",
    "monetary": r"monetary|revenue|lifetime value|\bclv\b|\bltv\b|total (spent|sales)",
    "spending": r"spend|spent|expenditure|purchases|^mnt|amount",
}


@dataclass(frozen=True)
class Term:
    """One column in which a segment stands out."""

    column: str
    difference: float  # standardized: (segment mean - overall mean) / overall std
    mean: float
    overall: float
    is_feature: bool = True  # used to form the segments (else only described)
    position: int = 0  # column position in the file, for a stable reading order

    @property
    def high(self) -> bool:
        return self.difference > 0


def concept(column: str) -> str | None:
    """What a column is about, when its name says so (age, income, spending, ...)."""
    name = _split_words(column).lower()
    for key, pattern in CONCEPTS.items():
        if re.search(pattern, name):
            return key
    return None


def _split_words(column: str) -> str:
    spaced = re.sub(r"([a-z])([A-Z])", r"\1 \2", column)
    return re.sub(r"[_\-.]+", " ", spaced).strip()


def unit_of(column: str) -> str:
    """The unit written in brackets, like `k$` in `Annual Income (k$)` (not ranges like 1-100)."""
    match = re.search(r"[(\[]\s*([^)\]]+?)\s*[)\]]", column)
    if not match or re.fullmatch(r"[\d\s.,\-–]+", match.group(1)):
        return ""
    return match.group(1)


def readable(column: str, short: bool = True) -> str:
    """A column name as words: `Annual Income (k$)` -> `income` (short) / `annual income`."""
    without_brackets = re.sub(r"[(\[][^)\]]*[)\]]", " ", column)
    words = _split_words(without_brackets).lower().split()
    if short:
        kept = [word for word in words if word not in _FILLER_WORDS]
        words = kept or words
    return " ".join(words) or column


def is_age(column: str) -> bool:
    return concept(column) == "age"


def _age_inverted(column: str) -> bool:
    """A birth year rises as customers get younger."""
    return "birth" in column.lower()


def term_words(term: Term) -> str:
    """`High income`, `Very low spending`, `Young`, `Older`."""
    high = term.high
    if is_age(term.column):
        younger = high == _age_inverted(term.column)
        if abs(term.difference) >= STRONG:
            return "Very young" if younger else "Much older"
        return "Young" if younger else "Older"
    strength = "very " if abs(term.difference) >= STRONG else ""
    text = f"{strength}{'high' if high else 'low'} {readable(term.column)}"
    return text[0].upper() + text[1:]


def distinctive_terms(terms: list[Term], threshold: float = CLEAR) -> list[Term]:
    """The columns in which a segment differs by `threshold` or more, most different first."""
    return sorted((term for term in terms if abs(term.difference) >= threshold),
                  key=lambda term: -abs(term.difference))


def name_terms(terms: list[Term], importance: dict[str, float]) -> list[Term]:
    """The columns a name may use, most telling first: clearly different, in a column the
    segmentation separates (eta squared), so a name speaks of what defines the segments."""
    eligible = [term for term in distinctive_terms(terms)
                if importance.get(term.column, 0.0) >= MIN_IMPORTANCE]
    ranked = sorted(eligible, key=lambda term: -abs(term.difference)
                    * importance.get(term.column, 0.0) ** 0.5)
    # "Cash advance" and "cash advance frequency" say the same thing twice: keep the first.
    chosen, words = [], set()
    for term in ranked:
        own = {word for word in readable(term.column).split() if len(word) >= 4}
        if own & words:
            continue
        chosen.append(term)
        words |= own
    return chosen


def segment_names(terms_by_segment: dict[int, list[Term]],
                  importance: dict[str, float]) -> dict[int, str]:
    """A short, unique name per segment from its most distinctive columns."""
    ordered = {number: name_terms(terms, importance)
               for number, terms in terms_by_segment.items()}
    used = {number: min(MAX_NAME_TERMS, len(terms)) for number, terms in ordered.items()}

    def name(number: int) -> str:
        # Chosen by how telling they are, read in the file's column order ("Young, high
        # income, low spending"), as people list them.
        terms = sorted(ordered[number][:used[number]], key=lambda term: term.position)
        if not terms:
            return AVERAGE_NAME
        words = [term_words(terms[0])] + [term_words(term)[0].lower() + term_words(term)[1:]
                                          for term in terms[1:]]
        return ", ".join(words)

    names = {number: name(number) for number in ordered}
    # Two segments with the same words: say more about each, then number what is left alike.
    for _round in range(6):
        clashes = [number for number in names if list(names.values()).count(names[number]) > 1]
        if not clashes:
            break
        grew = False
        for number in clashes:
            if used[number] < len(ordered[number]):
                used[number] += 1
                grew = True
        names = {number: name(number) for number in ordered}
        if not grew:
            break
    seen: dict[str, int] = {}
    for number in sorted(names):
        base = names[number]
        seen[base] = seen.get(base, 0) + 1
        if list(names.values()).count(base) > 1 and seen[base] > 1:
            names[number] = f"{base} ({seen[base]})"
    return names


def _value(value: float, column: str) -> str:
    unit = unit_of(column)
    return f"{format_number(value)} {unit}".strip() if unit else format_number(value)


@dataclass(frozen=True)
class CategoryTerm:
    """A category much more common in a segment than overall (`mostly Female`)."""

    column: str
    category: str
    share: float
    overall: float


# A category is worth a mention when at least half the segment has it, and this many
# percentage points more than among all customers.
CATEGORY_LIFT = 0.2


def category_terms(shares: dict[str, dict[str, float]],
                   overall: dict[str, dict[str, float]]) -> list[CategoryTerm]:
    found = []
    for column, categories in shares.items():
        for category, share in categories.items():
            base = overall[column].get(category, 0.0)
            # A hair of slack: 0.7 - 0.5 is 0.19999999999999996 in floating point.
            if share >= 0.5 and share - base >= CATEGORY_LIFT - 1e-9:
                found.append(CategoryTerm(column, category, share, base))
    return sorted(found, key=lambda term: -(term.share - term.overall))


def _number_phrase(term: Term, first: bool) -> str:
    suffix = " on average" if first else ""
    if is_age(term.column) and not _age_inverted(term.column):
        word = "younger" if not term.high else "older"
        return f"{word} ({format_number(term.mean)} vs {format_number(term.overall)}{suffix})"
    return (f"{readable(term.column, short=False)} {_value(term.mean, term.column)} "
            f"vs {format_number(term.overall)}{suffix}")


def describe(size: int, share: float, terms: list[Term],
             categories: list[CategoryTerm] = ()) -> str:
    """`39 customers (19.5%). Income 86.5 k$ vs 60.6 on average; spending score 82 vs 50;
    younger (33 vs 39).` Columns used for grouping come first, in file order."""
    opening = f"{size:,} customer{'s' if size != 1 else ''} ({share * 100:.1f}%)."
    noticeable = distinctive_terms(terms, NOTICEABLE)[:MAX_DESCRIPTION_TERMS]
    chosen = sorted(noticeable, key=lambda term: (not term.is_feature, term.position))
    parts = [_number_phrase(term, position == 0) for position, term in enumerate(chosen)]
    for term in list(categories)[:2]:
        # "mostly Female", but "mostly Channel 2": a bare code means nothing.
        label = term.category if re.search(r"[A-Za-z]", term.category) \
            else f"{readable(term.column, short=False)} {term.category}"
        parts.append(f"mostly {label} ({term.share:.0%} vs {term.overall:.0%} of all customers)")
    if not any(term.is_feature and abs(term.difference) >= CLEAR for term in chosen):
        lead = "Close to the average customer"
        return f"{opening} {lead}{'; ' + '; '.join(parts) if parts else ''}."
    text = "; ".join(parts)
    return f"{opening} {text[0].upper()}{text[1:]}."


def suggest_action(terms: list[Term]) -> str | None:
    """One marketing action for a recognisable pattern, or None when nothing is recognised."""
    level: dict[str, str] = {}
    for term in distinctive_terms(terms):
        key = concept(term.column)
        if key is None or key in level:
            continue
        high = term.high
        if key == "age" and _age_inverted(term.column):
            high = not high
        level[key] = "high" if high else "low"
    income, spending = level.get("income"), level.get("spending") or level.get("monetary")
    frequency, recency, age = level.get("frequency"), level.get("recency"), level.get("age")
    if recency == "high":
        return ("Win back: they have not bought for a long time; send a comeback offer or a "
                "reminder of what is new.")
    if income == "high" and spending == "high":
        return ("Premium offers: new collections, exclusive events and loyalty perks suit "
                "customers who earn and spend well.")
    if income == "high" and spending == "low":
        return ("Re-engage: they can afford more but spend little; find out why and tempt them "
                "with personalised offers on higher-end products.")
    if income == "low" and spending == "high":
        return ("Value bundles: deals and loyalty points reward keen spenders on a modest "
                "budget without eroding margins.")
    if income == "low" and spending == "low":
        return ("Keep it light: occasional promotions and budget-friendly ranges; spend little "
                "marketing effort here.")
    if frequency == "high" and spending == "high":
        return ("Reward loyalty: a VIP programme, early access and personal thanks keep your "
                "best customers coming back.")
    if frequency == "low" and spending == "high":
        return ("Encourage repeat visits: big but rare buyers may respond to reminders and "
                "subscriptions.")
    if recency == "low" and frequency == "high":
        return ("Keep them engaged: recent, frequent buyers are ready for loyalty rewards and "
                "new products.")
    if spending == "high" and age == "low":
        return ("Trend-led products and social media campaigns suit young customers who "
                "spend freely.")
    if spending == "high":
        return ("Upsell and cross-sell: they already spend well; suggest complementary and "
                "premium products.")
    if spending == "low":
        return ("Activate: a welcome-back discount or a bundle can lift their spending.")
    if income == "high":
        return ("Show your premium range: they have the income for it.")
    return None
