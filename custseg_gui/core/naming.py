"""Plain-language segment names, descriptions and suggested actions.

A segment is described by the columns in which it differs most from the average customer,
measured in standard deviations (the standardized difference). Column names are read as
words: `Annual Income (k$)` reads "income", the abbreviations exports use are spelt out
(`MntWines` reads "wine spend", `NumWebVisitsMonth` "web visits a month"). Columns recognisably
about age, income, spending, recency, frequency or monetary value read in those words ("Recent,
frequent, big spenders", never "low recency") and get marketing advice; every segment gets an
action, the most specific its columns allow.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from custseg_gui.core.column_words import (_CONCEPT_WORDS, _PLAIN_MEASURES,
                                           _age_inverted, _rfm_score, _words_of, concept,
                                           is_age, readable, unit_of)
from custseg_gui.core.formatting import format_number, format_share, format_value

# A segment differs "clearly" on a column from this many standard deviations, and "strongly"
# from the second; closer than the first it is called average on that column.
CLEAR, STRONG = 0.5, 1.5
# A description also mentions a column from this difference: noticeable, if not striking.
NOTICEABLE = 0.35
# A column enters a name only if the segments explain at least this share of its variance:
# a column the segmentation hardly touches does not define a segment.
MIN_IMPORTANCE = 0.05
MAX_NAME_TERMS = 3
# A name longer than this is shortened: first words of long column names, then, well past it,
# fewer columns.
MAX_NAME_CHARS = 40
MAX_DESCRIPTION_TERMS = 4
AVERAGE_NAME = "Average customers"
# A segment this large is a big part of the customer base: no advice to neglect it.
LARGE_SHARE = 0.4

@dataclass(frozen=True)
class Term:
    """One column in which a segment stands out."""

    column: str
    difference: float  # standardized: (segment mean - overall mean) / overall std
    mean: float
    overall: float
    is_feature: bool = True  # used to form the segments (else only described)
    position: int = 0  # column position in the file, for a stable reading order
    measure: str = ""  # "flag" (a yes/no column: its mean is a share), "year", "count" or ""

    @property
    def high(self) -> bool:
        return self.difference > 0

    @property
    def very(self) -> bool:
        return abs(self.difference) >= STRONG


def _direction_high(term: Term) -> bool:
    """Whether the segment is high on what the column means (a later birth year is younger, a
    higher R score more recent: fewer days since the last purchase)."""
    if is_age(term.column) and _age_inverted(term.column):
        return not term.high
    if concept(term.column) == "recency" and _rfm_score(term.column):
        return not term.high
    return term.high


def _qualified(term: Term) -> tuple[str, str]:
    """(qualifier, what): the words of a name for one column, as `("Very high", "income")`,
    `("Young", "")` or `("Often", "accepted campaign 1")`."""
    key = concept(term.column)
    if key in _CONCEPT_WORDS and (key in ("age", "recency", "tenure")
                                  or _words_of(term.column) in _PLAIN_MEASURES):
        very, clear = _CONCEPT_WORDS[key][_direction_high(term)]
        return (very if term.very else clear), ""
    if term.measure == "flag":
        return ("Often" if term.high else "Rarely"), readable(term.column)
    if term.measure == "count":
        return ("Many more" if term.very else "More") if term.high else \
            ("Far fewer" if term.very else "Fewer"), readable(term.column)
    strength = "Very " if term.very else ""
    level = "high" if term.high else "low"
    return (f"{strength}{level}" if strength else level.capitalize()), readable(term.column)


def term_words(term: Term) -> str:
    """`High income`, `Very low spending`, `Young`, `Recent`, `Big spenders`."""
    qualifier, what = _qualified(term)
    return f"{qualifier} {what}".strip()


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
    # "Cash advance" and "cash advance frequency" say the same thing twice, as do an order
    # log's recency and its R score: keep the first.
    chosen, words = [], set()
    concepts = {True: set(), False: set()}  # of the chosen R/F/M scores, of the other columns
    for term in ranked:
        own = {word for word in readable(term.column).split() if len(word) >= 4}
        about, score = concept(term.column), _rfm_score(term.column)
        if own & words or (about is not None and about in concepts[not score]):
            continue
        chosen.append(term)
        words |= own
        if about is not None:
            concepts[score].add(about)
    return chosen


def _listed(items: list[str]) -> str:
    return items[0] if len(items) == 1 else f"{', '.join(items[:-1])} and {items[-1]}"


# The last word of these column names is what they are about ("wine spend", "credit limit"):
# a name may not be cut down to the words before it.
_HEAD_WORDS = {"spend", "spending", "purchases", "visits", "transactions", "payments", "payment",
               "frequency", "limit", "advance", "balance", "score", "amount", "value", "rate",
               "count", "month", "home", "orders", "income", "size", "days", "years", "age"}


def _short(what: str) -> str:
    """A long column name cut to its first word where that keeps its meaning."""
    words = what.split()
    return words[0] if len(words) > 1 and words[-1] not in _HEAD_WORDS else what


def compose_name(terms: list[Term], short: bool = False) -> str:
    """The name of a segment from its terms (read in file order), never repeating a word:
    columns with the same qualifier share it ("High income and spending", "Very high milk,
    grocery and detergents"). `short` cuts long column names to their first word where that
    keeps their meaning."""
    if not terms:
        return AVERAGE_NAME
    groups: dict[str, list[str]] = {}
    for term in sorted(terms, key=lambda term: term.position):
        qualifier, what = _qualified(term)
        if short and what:
            what = _short(what)
        groups.setdefault(qualifier, [])
        if what and what not in groups[qualifier]:
            groups[qualifier].append(what)
    phrases = []
    for qualifier, things in groups.items():
        if things:
            phrases.append(f"{qualifier} {_listed(things)}")
        else:
            phrases.append(qualifier)
    # Stand-alone words (Recent, frequent, big spenders) read best in a row; lower case after
    # the first, but keep the capitals of a column's own name (AcceptedCmp1 stays readable).
    text = ", ".join([phrases[0]] + [phrase[0].lower() + phrase[1:] for phrase in phrases[1:]])
    return text[0].upper() + text[1:]


def _fitting_name(terms: list[Term], limit: int = MAX_NAME_CHARS) -> str:
    """The name of these terms, about `limit` long at most: past it, long column names are cut
    to their first word where that keeps their meaning; a name still well past it (by more
    than a fifth) leaves out its least telling columns."""
    name = compose_name(terms)
    if len(name) <= limit:
        return name
    name = compose_name(terms, short=True)
    kept = list(terms)
    while len(name) > limit * 1.2 and len(kept) > 1:
        kept.pop()  # terms come most telling first
        name = compose_name(kept, short=True)
    return name


def segment_names(terms_by_segment: dict[int, list[Term]],
                  importance: dict[str, float]) -> dict[int, str]:
    """A short, unique name per segment from its most distinctive columns."""
    ordered = {number: name_terms(terms, importance)
               for number, terms in terms_by_segment.items()}
    used = {number: min(MAX_NAME_TERMS, len(terms)) for number, terms in ordered.items()}

    def name(number: int) -> str:
        # A name grown to tell two segments apart may run a little longer.
        limit = MAX_NAME_CHARS if used[number] <= MAX_NAME_TERMS else MAX_NAME_CHARS + 12
        return _fitting_name(ordered[number][:used[number]], limit)

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


def _value(value: float, term: Term) -> str:
    text = format_value(value, term.measure)
    unit = unit_of(term.column)
    return f"{text} {unit}".strip() if unit and term.measure != "flag" else text


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
    key = concept(term.column)
    if key == "age":
        word = "older" if _direction_high(term) else "younger"
        if _age_inverted(term.column):
            return (f"{word} (born {format_value(term.mean, 'year')} vs "
                    f"{format_value(term.overall, 'year')}{suffix})")
        return f"{word} ({format_number(term.mean)} vs {format_number(term.overall)}{suffix})"
    if key == "recency" and not _rfm_score(term.column) and not unit_of(
            term.column).lower().startswith(("week", "month")):
        return (f"last purchase {format_number(term.mean)} days ago vs "
                f"{format_number(term.overall)}{suffix}")
    if term.measure == "flag":
        return (f"{readable(term.column, short=False)}: {format_share(term.mean)} vs "
                f"{format_share(term.overall)} of all customers")
    return (f"{readable(term.column, short=False)} {_value(term.mean, term)} "
            f"vs {format_value(term.overall, term.measure)}{suffix}")


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


def _levels(terms: list[Term]) -> dict[str, str]:
    """"high" or "low" per recognised concept, from the most different column of each."""
    level: dict[str, str] = {}
    for term in distinctive_terms(terms):
        key = concept(term.column)
        if key is None or key in level:
            continue
        level[key] = "high" if _direction_high(term) else "low"
    return level


def suggest_action(terms: list[Term]) -> str | None:
    """One marketing action for a recognisable pattern, or None when nothing is recognised."""
    level = _levels(terms)
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
    if recency == "low" and frequency == "low":
        return ("Nurture new customers: a welcome series and a reason for a second purchase "
                "turn first buyers into regulars.")
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


# When no pattern is recognised: what the most telling recognised column suggests.
_SINGLE_ACTIONS = {
    ("age", "high"): "Speak to experience: service, reassurance and loyalty recognition tend "
                     "to work better than discounts for older customers.",
    ("age", "low"): "Reach them where they are: mobile and social campaigns suit younger "
                    "customers.",
    ("income", "low"): "Clear value: budget-friendly ranges and simple prices suit customers "
                       "on a modest income.",
    ("frequency", "high"): "Reward the habit: points or perks for frequent visits keep them "
                           "coming.",
    ("frequency", "low"): "Build a habit: reminders and a reason to come back more often.",
    ("recency", "low"): "Strike while it is warm: they bought recently, so follow up with "
                        "what goes with it.",
}


def segment_action(terms: list[Term], share: float, weak: bool = False) -> str:
    """The action suggested for a segment: the pattern's own (suggest_action), else what its
    most telling column suggests, else a test of what sets it apart. Never none: every segment
    is a group of customers someone has to do something with."""
    action = suggest_action(terms)
    if action is not None and action.startswith("Keep it light") and share >= LARGE_SHARE:
        action = ("Keep them, cheaply: they are a large part of your customers, so reach them "
                  "through low-cost channels (email, loyalty points) and budget-friendly "
                  "ranges rather than dropping them.")
    if action is None:
        for term in distinctive_terms(terms):
            key = concept(term.column)
            single = _SINGLE_ACTIONS.get((key, "high" if _direction_high(term) else "low"))
            if single:
                action = single
                break
    if action is None:
        telling = [term for term in distinctive_terms(terms) if term.is_feature][:2]
        if telling:
            what = compose_name(telling).lower()
            action = (f"Build on what sets them apart ({what}): try an offer made for it on a "
                      "small group first, and keep what works.")
        else:
            action = ("Your typical customers: keep them informed through your regular "
                      "campaigns, and watch which way they move.")
    if weak:
        action += " The groups overlap a lot, so test this on a small group before a campaign."
    return action


# A name moves to a new segment only if the two share at least this much of their customers
# (customers in both / customers in either) and are each other's closest match.
CARRY_OVERLAP = 0.5


def carry_names(renamed: dict[int, str], old_segments, new_segments
                ) -> tuple[dict[int, str], list[str]]:
    """The user's segment names moved to the new segments that hold the same customers.

    `old_segments` and `new_segments` give each row of the same table its segment number (0
    for a customer left out). A name moves to the new segment that shares the most of its
    customers when that segment's closest old segment is the named one and they share at least
    half their customers; the other names are returned as lost, in segment order."""
    import numpy as np

    old, new = np.asarray(old_segments), np.asarray(new_segments)
    if not renamed:
        return {}, []
    if old.shape != new.shape:
        return {}, [renamed[number] for number in sorted(renamed)]
    both = (old > 0) & (new > 0)
    overlap = np.zeros((int(old.max()) + 1, int(new.max()) + 1))
    np.add.at(overlap, (old[both], new[both]), 1)
    old_sizes = np.bincount(old[old > 0], minlength=overlap.shape[0])
    new_sizes = np.bincount(new[new > 0], minlength=overlap.shape[1])
    with np.errstate(invalid="ignore", divide="ignore"):
        jaccard = overlap / (old_sizes[:, None] + new_sizes[None, :] - overlap)
    jaccard = np.nan_to_num(jaccard)
    jaccard[0, :] = jaccard[:, 0] = 0
    carried, lost = {}, []
    for number in sorted(renamed):
        if number >= jaccard.shape[0] or not jaccard[number].any():
            lost.append(renamed[number])
            continue
        match = int(np.argmax(jaccard[number]))
        mutual = int(np.argmax(jaccard[:, match])) == number
        if mutual and jaccard[number, match] >= CARRY_OVERLAP and match not in carried:
            carried[match] = renamed[number]
        else:
            lost.append(renamed[number])
    return carried, lost
