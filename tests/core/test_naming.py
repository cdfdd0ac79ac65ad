"""Segment names, descriptions and suggested actions, word for word, from terms made here.

A Term is one column in which a segment stands out: its standardized difference from the
average customer (in standard deviations), its mean and the overall mean. Each test builds the
terms a segment would have and checks the words a user reads, at and around every threshold:
clearly different from 0.5, strongly ("very") from 1.5, worth a mention from 0.35.
"""

from __future__ import annotations

import pytest

from custseg_gui.core.naming import (AVERAGE_NAME, CategoryTerm, Term, category_terms, describe,
                                     segment_names, suggest_action, term_words)

IMPORTANT = 0.6  # a share of variance the segments clearly explain


def named(*terms_by_segment: list[Term], importance: dict[str, float] | None = None) -> list[str]:
    """The names of segments 1, 2, ... with the given terms (every column important)."""
    columns = {term.column for terms in terms_by_segment for term in terms}
    importance = importance or {column: IMPORTANT for column in columns}
    names = segment_names(dict(enumerate(terms_by_segment, start=1)), importance)
    return [names[number] for number in range(1, len(terms_by_segment) + 1)]


# --- the words for one column -----------------------------------------------------------------

@pytest.mark.parametrize("column, difference, words", [
    ("Income", 0.6, "High income"),
    ("Income", -0.6, "Low income"),
    ("Income", 1.499, "High income"),
    ("Income", 1.5, "Very high income"),
    ("Income", -1.499, "Low income"),
    ("Income", -1.5, "Very low income"),
    ("Annual Income (k$)", 0.8, "High income"),
    ("Spending Score (1-100)", -0.8, "Low spending"),
    ("MntWines", 2.0, "Very high wine spend"),
    ("NumWebVisitsMonth", -0.6, "Low web visits a month"),
    ("AcceptedCmp3", 0.6, "High accepted campaign 3"),
])
def test_a_column_reads_high_or_low_and_very_from_one_and_a_half_deviations(column, difference,
                                                                           words):
    # Given a segment that differs from the average by `difference` standard deviations
    # Then it reads high above the average, low below it, and "very" from 1.5 either way
    assert term_words(Term(column, difference, 0.0, 0.0)) == words


@pytest.mark.parametrize("column, difference, words", [
    ("Age", -0.6, "Young"),
    ("Age", 0.6, "Older"),
    ("Age", -1.499, "Young"),
    ("Age", -1.5, "Very young"),
    ("Age", 1.499, "Older"),
    ("Age", 1.5, "Much older"),
    # A later year of birth is a younger customer.
    ("Year_Birth", 0.6, "Young"),
    ("Year_Birth", -0.6, "Older"),
    ("Year_Birth", 1.5, "Very young"),
    ("Year_Birth", -1.5, "Much older"),
])
def test_age_reads_young_or_older_and_a_birth_year_the_other_way_round(column, difference,
                                                                       words):
    assert term_words(Term(column, difference, 0.0, 0.0)) == words


# --- names ------------------------------------------------------------------------------------

def test_name_says_high_income_low_spending_and_the_reverse():
    # Given one segment well above average on income and below on spending, and one the reverse
    careful = [Term("Income", 1.2, 90, 60, position=0), Term("Spending", -1.1, 20, 50, position=1)]
    keen = [Term("Income", -1.2, 30, 60, position=0), Term("Spending", 1.1, 80, 50, position=1)]

    # When they are named, then each name says its own direction on each column
    assert named(careful, keen) == ["High income, low spending", "Low income, high spending"]


def test_name_lists_the_columns_in_file_order_not_by_size_of_difference():
    # Given a segment that stands out most on spending, the second column of the file
    terms = [Term("Spending", 2.0, 95, 50, position=1), Term("Income", 0.6, 70, 60, position=0),
             Term("Age", -0.7, 30, 40, position=2)]

    # Then the name reads in the file's order: income, spending, age
    assert named(terms) == ["High income, very high spending, young"]


def test_name_needs_half_a_standard_deviation():
    # Given segments 0.5 and 0.499 standard deviations above average on income
    # Then the first is named by it, the second is an average customer
    assert named([Term("Income", 0.5, 65, 60)], [Term("Income", 0.499, 65, 60)]) == [
        "High income", AVERAGE_NAME]


def test_name_ignores_a_column_the_segments_hardly_separate():
    # Given a segment far above average on a column the segmentation explains 4.9% of (below
    # the 5% a name needs), and one on a column it explains 5% of
    terms = {1: [Term("Tenure", 2.0, 30, 10)], 2: [Term("Visits", 2.0, 30, 10)]}
    names = segment_names(terms, {"Tenure": 0.049, "Visits": 0.05})

    # Then only the second is named by its column (visits are how often they come)
    assert names == {1: AVERAGE_NAME, 2: "Very frequent"}


def test_name_uses_the_three_most_telling_columns():
    # Given a segment that stands out on four columns, least on Age
    terms = [Term("Age", 0.6, 45, 40, position=0), Term("Income", 1.0, 80, 60, position=1),
             Term("Spending", -1.2, 20, 50, position=2), Term("Visits", 0.9, 9, 5, position=3)]

    # Then its name uses the other three, in file order
    assert named(terms) == ["High income, low spending, frequent"]


def test_name_does_not_say_the_same_thing_twice():
    # Given a segment high on cash advances and on how often it takes them
    terms = [Term("CASH_ADVANCE", 1.8, 5000, 1000, position=0),
             Term("CASH_ADVANCE_FREQUENCY", 1.6, 0.5, 0.1, position=1),
             Term("PURCHASES", -0.7, 100, 1000, position=2)]

    # Then "cash advance" appears once
    assert named(terms) == ["Very high cash advance, low purchases"]


def test_every_segment_near_the_average_is_called_average_customers():
    # Given a segment within half a standard deviation of the average on every column
    terms = [Term("Income", 0.45, 64, 60), Term("Spending", -0.3, 45, 50), Term("Age", 0.2, 41, 40)]

    # Then it is called "Average customers"
    assert named(terms) == [AVERAGE_NAME]


def test_segments_with_the_same_words_are_numbered_apart():
    # Given two segments that both stand out only by high income
    # Then the second of them carries a number, so no two names are alike
    assert named([Term("Income", 1.0, 80, 60)], [Term("Income", 1.1, 82, 60)],
                 [Term("Income", -1.0, 40, 60)]) == [
        "High income", "High income (2)", "Low income"]


def test_segments_with_the_same_first_words_are_told_apart_by_more_words():
    # Given two segments high on income, spending and visits that differ on a fourth column,
    # and are alike on a fifth
    first = [Term("Income", 1.3, 90, 60, position=0), Term("Spending", 1.2, 80, 50, position=1),
             Term("Visits", 1.1, 9, 5, position=2), Term("Age", -0.6, 35, 40, position=3),
             Term("Tenure", 0.55, 6, 5, position=4)]
    second = [Term("Income", 1.3, 90, 60, position=0), Term("Spending", 1.2, 80, 50, position=1),
              Term("Visits", 1.1, 9, 5, position=2), Term("Age", 0.6, 45, 40, position=3),
              Term("Tenure", 0.55, 6, 5, position=4)]

    # Then each name grows by the column that sets them apart
    assert named(first, second) == ["High income and spending, frequent, young",
                                    "High income and spending, frequent, older"]


def test_names_grow_word_by_word_until_they_differ():
    # Given two segments alike on their four most telling columns, different on a fifth
    alike = [Term("Income", 1.4, 90, 60, position=0), Term("Spending", 1.3, 80, 50, position=1),
             Term("Visits", 1.2, 9, 5, position=2), Term("Tenure", 1.1, 9, 5, position=3)]
    first = alike + [Term("Returns", 0.6, 3, 2, position=4)]
    second = alike + [Term("Returns", -0.6, 1, 2, position=4)]

    # Then the names grow twice, to the fifth column, rather than being numbered (each
    # qualifier said once: "high" covers income, spending and the returns of the first)
    assert named(first, second) == [
        "High income, spending and returns, frequent, long-standing",
        "High income and spending, frequent, long-standing, low returns"]


def test_name_weighs_each_difference_by_the_square_root_of_its_importance():
    # Given four columns: visits differ most but the segments explain a quarter of them; the
    # differences times the square root of the share explained rank visits (1.0), reviews
    # (0.96), returns (0.91) and tenure (0.90)
    terms = [Term("Visits", 2.0, 9, 5, position=0), Term("Tenure", 1.0, 9, 5, position=1),
             Term("Reviews", 1.2, 9, 5, position=2), Term("Returns", 0.96, 3, 2, position=3)]
    importance = {"Visits": 0.25, "Tenure": 0.81, "Reviews": 0.64, "Returns": 0.9}

    # Then the name uses the first three of that ranking, not of the differences alone (nor
    # of the differences times the share itself)
    assert segment_names({1: terms}, importance) == {
        1: "Very frequent, high reviews and returns"}


def test_a_column_without_an_importance_never_names_a_segment():
    # Given a segment far above average on a column for which no share explained is known
    names = segment_names({1: [Term("Visits", 2.0, 9, 5)]}, {})

    # Then it is not named by that column
    assert names == {1: AVERAGE_NAME}


def test_a_name_says_a_shared_word_of_four_letters_or_more_once():
    # Given a segment high on card balance, tenure and card limit ("card" is said already
    # when card limit comes), and one high on web visits and web orders ("web" is too short
    # a word to count)
    cards = [Term("Card balance", 1.6, 9, 5, position=0), Term("Tenure", 1.2, 9, 5, position=1),
             Term("Card limit", 1.0, 9, 5, position=2)]
    web = [Term("Web visits", 1.6, 9, 5, position=0), Term("Web orders", 1.2, 9, 5, position=1)]

    # Then card limit is left out, and both web columns are named
    assert named(cards, web) == ["Very high card balance, long-standing",
                                 "Very high web visits, high web orders"]


# --- descriptions -----------------------------------------------------------------------------

def test_description_gives_size_share_and_numbers_in_the_data_units():
    # Given a segment of 39 of 200 customers, younger and high on income and spending
    terms = [Term("Age", -0.5, 32.7, 38.9, position=1),
             Term("Annual Income (k$)", 1.2, 86.5, 60.6, position=2),
             Term("Spending Score (1-100)", 1.3, 82.1, 50.2, position=3)]

    # Then the description opens with the size and share, and gives each column's mean against
    # the average, in file order, with the unit of money and "younger" for age
    assert describe(39, 39 / 200, terms) == (
        "39 customers (19.5%). Younger (32.7 vs 38.9 on average); annual income 86.5 k$ vs "
        "60.6; spending score 82.1 vs 50.2.")


def test_description_says_older_for_an_older_segment():
    # Given a segment older than average, then its description says "Older" with both ages
    assert describe(20, 0.1, [Term("Age", 0.9, 52.4, 38.0)]) == (
        "20 customers (10.0%). Older (52.4 vs 38.0 on average).")


@pytest.mark.parametrize("size, share, opening", [
    (1, 0.005, "1 customer (0.5%)."),
    (2, 0.01, "2 customers (1.0%)."),
    (1234, 0.6170, "1,234 customers (61.7%)."),
])
def test_description_counts_customers_in_words(size, share, opening):
    # Given a segment of `size` customers, then the description opens with its size and share
    assert describe(size, share, [Term("Income", 1.0, 80, 60)]).startswith(opening)


def test_description_mentions_a_column_from_035_deviations():
    # Given a segment 0.35 deviations above average on income and 0.349 on spending
    terms = [Term("Income", 0.35, 64, 60, position=0), Term("Spending", 0.349, 53, 50,
                                                             position=1)]

    # Then income is mentioned and spending is not; with no clear difference it reads as close
    # to the average customer
    assert describe(50, 0.25, terms) == (
        "50 customers (25.0%). Close to the average customer; income 64.0 vs 60.0 on average.")


def test_description_of_a_segment_like_every_other_is_close_to_the_average():
    # Given a segment that differs on nothing worth mentioning
    assert describe(80, 0.4, [Term("Income", 0.1, 61, 60)]) == (
        "80 customers (40.0%). Close to the average customer.")


def test_description_is_close_to_the_average_when_only_columns_not_grouped_by_differ():
    # Given a segment that differs strongly only on Age, which was not used to group customers
    terms = [Term("Age", 1.2, 55.0, 40.0, is_feature=False, position=0),
             Term("Income", 0.2, 62, 60, position=1)]

    # Then it is close to the average customer on what it was grouped by, and older
    assert describe(30, 0.15, terms) == (
        "30 customers (15.0%). Close to the average customer; older (55.0 vs 40.0 on average).")


def test_description_names_the_grouping_columns_first_and_at_most_four():
    # Given a segment that stands out on five columns, one of them not used for grouping
    terms = [Term("Age", -2.0, 25, 40, is_feature=False, position=0),
             Term("Income", 0.6, 70, 60, position=1), Term("Spending", 1.4, 85, 50, position=2),
             Term("Visits", -1.0, 2, 5, position=3), Term("Tenure", 0.5, 6, 5, position=4)]

    # Then the grouping columns come first in file order, then Age; the least different of the
    # five (Tenure) is left out
    assert describe(40, 0.2, terms) == (
        "40 customers (20.0%). Income 70.0 vs 60.0 on average; spending 85.0 vs 50.0; "
        "visits 2.00 vs 5.00; younger (25.0 vs 40.0).")


def test_description_says_mostly_female_and_names_the_column_of_a_code():
    # Given a segment mostly of women and mostly in region 2
    categories = [CategoryTerm("Gender", "Female", 0.7, 0.5), CategoryTerm("Region", "2", 0.8,
                                                                            0.3)]

    # Then the description says so with both shares; a bare code is named with its column
    assert describe(60, 0.3, [Term("Income", 1.0, 80, 60)], categories) == (
        "60 customers (30.0%). Income 80.0 vs 60.0 on average; mostly Female (70% vs 50% of "
        "all customers); mostly region 2 (80% vs 30% of all customers).")


def test_a_category_is_mentioned_from_half_the_segment_and_20_points_above_all_customers():
    # Given the shares of three columns' categories in a segment and among all customers
    shares = {"Gender": {"Female": 0.71, "Male": 0.29},
              "Channel": {"Online": 0.69, "Shop": 0.31},
              "Plan": {"Basic": 0.49, "Plus": 0.2, "Pro": 0.31}}
    overall = {"Gender": {"Female": 0.5, "Male": 0.5},
               "Channel": {"Online": 0.5, "Shop": 0.5},
               "Plan": {"Basic": 0.1, "Plus": 0.5, "Pro": 0.4}}

    # Then only Female counts: Online is 19 points above all customers, Basic under half
    assert category_terms(shares, overall) == [CategoryTerm("Gender", "Female", 0.71, 0.5)]


def test_a_category_exactly_20_points_above_all_customers_is_mentioned():
    # Given a segment of 35 women of 50 customers, among 100 women of 200 customers
    shares = {"Gender": {"Female": 35 / 50, "Male": 15 / 50}}
    overall = {"Gender": {"Female": 100 / 200, "Male": 100 / 200}}

    # Then "mostly Female" is said: 70% is 20 points above 50%
    assert category_terms(shares, overall) == [CategoryTerm("Gender", "Female", 0.7, 0.5)]


def test_a_category_held_by_exactly_half_the_segment_is_mentioned():
    # Given a plan held by exactly half of a segment and by 30% of all customers
    shares = {"Plan": {"Basic": 0.5, "Pro": 0.5}}
    overall = {"Plan": {"Basic": 0.3, "Pro": 0.7}}

    # Then it is mentioned: "at least half"
    assert category_terms(shares, overall) == [CategoryTerm("Plan", "Basic", 0.5, 0.3)]


def test_categories_are_listed_by_how_far_they_stand_above_all_customers():
    # Given a segment 20 points above all customers on women and 70 points above on the north
    shares = {"Gender": {"Female": 0.7, "Male": 0.3}, "Region": {"North": 0.9, "South": 0.1}}
    overall = {"Gender": {"Female": 0.5, "Male": 0.5}, "Region": {"North": 0.2, "South": 0.8}}

    # Then the north comes first, whatever the order of the columns
    assert category_terms(shares, overall) == [CategoryTerm("Region", "North", 0.9, 0.2),
                                               CategoryTerm("Gender", "Female", 0.7, 0.5)]


def test_description_mentions_at_most_two_categories_words_as_written_and_codes_by_column():
    # Given a segment mostly VIP, mostly online, and mostly in store number 12
    categories = [CategoryTerm("Tier", "VIP", 0.9, 0.2), CategoryTerm("Channel", "online", 0.8,
                                                                      0.3),
                  CategoryTerm("Store Number", "12", 0.7, 0.1)]

    # Then the two standing out most are mentioned, each word as written (capitals or not)
    assert describe(60, 0.3, [Term("Income", 1.0, 80, 60)], categories) == (
        "60 customers (30.0%). Income 80.0 vs 60.0 on average; mostly VIP (90% vs 20% of all "
        "customers); mostly online (80% vs 30% of all customers).")
    # and a bare code is named with the whole column name
    assert describe(60, 0.3, [Term("Income", 1.0, 80, 60)], categories[2:]).endswith(
        "; mostly store number 12 (70% vs 10% of all customers).")


def test_description_of_a_segment_exactly_half_a_deviation_away_is_not_average():
    # Given a segment exactly half a standard deviation above average on income
    # Then it is described by income, not as close to the average customer
    assert describe(50, 0.25, [Term("Income", 0.5, 65, 60)]) == (
        "50 customers (25.0%). Income 65.0 vs 60.0 on average.")


def test_description_close_to_the_average_lists_the_rest_apart():
    # Given a segment close to the average on what grouped it, older and mostly female
    terms = [Term("Age", 1.2, 55.0, 40.0, is_feature=False, position=0)]
    categories = [CategoryTerm("Gender", "Female", 0.8, 0.5)]

    # Then both are listed after "close to the average customer", separated by semicolons
    assert describe(30, 0.15, terms, categories) == (
        "30 customers (15.0%). Close to the average customer; older (55.0 vs 40.0 on average); "
        "mostly Female (80% vs 50% of all customers).")


# --- suggested actions --------------------------------------------------------------------------

def terms_of(**levels: float) -> list[Term]:
    """Terms from keyword column names: terms_of(Income=1.0, Spending=-1.0)."""
    return [Term(column.replace("_", " "), difference, 0.0, 0.0, position=position)
            for position, (column, difference) in enumerate(levels.items())]


ACTIONS = {
    # case: (terms, the whole sentence a user reads)
    "long since they bought": (terms_of(Recency=1.0, Income=1.0, Spending=1.0),
                               "Win back: they have not bought for a long time; send a comeback "
                               "offer or a reminder of what is new."),
    "high income, high spending": (terms_of(Income=1.0, Spending=1.0),
                                   "Premium offers: new collections, exclusive events and "
                                   "loyalty perks suit customers who earn and spend well."),
    "high income, low spending": (terms_of(Income=1.0, Spending=-1.0),
                                  "Re-engage: they can afford more but spend little; find out "
                                  "why and tempt them with personalised offers on higher-end "
                                  "products."),
    "low income, high spending": (terms_of(Income=-1.0, Spending=1.0),
                                  "Value bundles: deals and loyalty points reward keen spenders "
                                  "on a modest budget without eroding margins."),
    "low income, low spending": (terms_of(Income=-1.0, Spending=-1.0),
                                 "Keep it light: occasional promotions and budget-friendly "
                                 "ranges; spend little marketing effort here."),
    "frequent, high spending": (terms_of(Frequency=1.0, Spending=1.0),
                                "Reward loyalty: a VIP programme, early access and personal "
                                "thanks keep your best customers coming back."),
    "frequent, high monetary value": (terms_of(Frequency=1.0, Monetary=1.0),
                                      "Reward loyalty: a VIP programme, early access and "
                                      "personal thanks keep your best customers coming back."),
    "rare, high spending": (terms_of(Frequency=-1.0, Spending=1.0),
                            "Encourage repeat visits: big but rare buyers may respond to "
                            "reminders and subscriptions."),
    "recent and frequent": (terms_of(Recency=-1.0, Frequency=1.0),
                            "Keep them engaged: recent, frequent buyers are ready for loyalty "
                            "rewards and new products."),
    "young, high spending": (terms_of(Age=-1.0, Spending=1.0),
                             "Trend-led products and social media campaigns suit young "
                             "customers who spend freely."),
    "born late, high spending": (terms_of(Year_Birth=1.0, Spending=1.0),
                                 "Trend-led products and social media campaigns suit young "
                                 "customers who spend freely."),
    "older, high spending": (terms_of(Age=1.0, Spending=1.0),
                             "Upsell and cross-sell: they already spend well; suggest "
                             "complementary and premium products."),
    "born early, high spending": (terms_of(Year_Birth=-1.0, Spending=1.0),
                                  "Upsell and cross-sell: they already spend well; suggest "
                                  "complementary and premium products."),
    # The most distinctive column of a kind speaks for it: high income here, not the low
    # household income after it.
    "two income columns": (terms_of(Income=1.5, Household_income=-0.8, Spending=1.0),
                           "Premium offers: new collections, exclusive events and loyalty perks "
                           "suit customers who earn and spend well."),
    # A column whose meaning is not recognised is passed over, not the end of the reading.
    "unrecognised column first": (terms_of(Fresh=2.0, Income=1.0),
                                  "Show your premium range: they have the income for it."),
    "low spending": (terms_of(Spending=-1.0),
                     "Activate: a welcome-back discount or a bundle can lift their spending."),
    "high income": (terms_of(Income=1.0),
                    "Show your premium range: they have the income for it."),
}


@pytest.mark.parametrize("case", list(ACTIONS))
def test_each_pattern_gets_its_suggested_action(case):
    # Given a segment standing out in this pattern, then this is the action suggested
    terms, sentence = ACTIONS[case]
    assert suggest_action(terms) == sentence


@pytest.mark.parametrize("terms", [
    terms_of(Income=-1.0),  # low income alone: nothing to advise
    terms_of(Fresh=2.0, Milk=-1.0),  # columns whose meaning is not recognised
    terms_of(Recency=0.49, Spending=-0.49),  # not clearly different from the average
    terms_of(Frequency=1.0),  # frequent, but nothing known of recency or spending
    terms_of(Recency=-1.0),  # recent, but nothing known of frequency or spending
], ids=["low income alone", "unrecognised columns", "not clearly different", "frequent alone",
        "recent alone"])
def test_no_action_is_invented(terms):
    # Given a segment with no recognised pattern, then no action is suggested
    assert suggest_action(terms) is None


def test_action_counts_a_column_from_half_a_standard_deviation():
    # Given customers exactly half a deviation longer since their last purchase than average
    # Then they need winning back
    assert suggest_action(terms_of(Recency=0.5, Spending=-1.0)).startswith("Win back")


# --- names read in plain words ----------------------------------------------------------------

@pytest.mark.parametrize("column, difference, words", [
    # few days since the last purchase is recent, never "low recency"
    ("Recency (days)", -0.8, "Recent"),
    ("Recency (days)", -1.6, "Very recent"),
    ("Recency (days)", 0.8, "Lapsed"),
    ("Frequency (orders)", 0.8, "Frequent"),
    ("Frequency (orders)", -0.8, "Occasional"),
    ("Monetary (net spend)", 0.8, "Big spenders"),
    ("Monetary (net spend)", -0.8, "Small spenders"),
    ("R score", 0.8, "Recent"),
    ("R score", -1.6, "Long lapsed"),
    ("F score", 0.8, "Frequent"),
    ("M score", -0.8, "Small spenders"),
    ("Tenure (days)", 0.8, "Long-standing"),
    ("Tenure (days)", -0.8, "Newer"),
])
def test_rfm_columns_read_as_what_they_mean(column, difference, words):
    assert term_words(Term(column, difference, 0.0, 0.0)) == words


def test_an_rfm_score_and_its_measure_name_a_segment_once_and_read_as_a_score():
    # Given a segment that bought recently, so both its recency and its R score stand out
    terms = [Term("Recency (days)", -1.0, 12, 90, position=0),
             Term("Frequency (orders)", 1.2, 14, 4, position=1),
             Term("R score", 1.1, 4.6, 3.0, position=2)]
    # Then its name says "recent" once, and its description names the score as a score
    assert named(terms) == ["Frequent, recent"]
    assert "R score 4.60 vs 3.00" in describe(30, 0.1, terms)
    assert "days ago vs 3.0" not in describe(30, 0.1, terms)


def test_recent_frequent_big_spenders_read_in_one_name():
    # Given a segment that bought recently, often and much
    terms = [Term("Recency (days)", -1.0, 12, 90, position=0),
             Term("Frequency (orders)", 1.2, 14, 4, position=1),
             Term("Monetary (net spend)", 1.1, 5000, 900, position=2)]
    # Then its name says so in words, and its description in days ago
    assert named(terms) == ["Recent, frequent, big spenders"]
    assert describe(30, 0.1, terms).startswith(
        "30 customers (10.0%). Last purchase 12.0 days ago vs 90.0 on average;")


@pytest.mark.parametrize("column, words", [
    ("MntWines", "wine spend"), ("MntMeatProducts", "meat spend"), ("MntGoldProds", "gold spend"),
    ("NumCatalogPurchases", "catalog purchases"), ("NumWebVisitsMonth", "web visits a month"),
    ("AcceptedCmp3", "accepted campaign 3"), ("Kidhome", "children at home"),
    ("CASH_ADVANCE_TRX", "cash advance transactions"), ("Annual Income (k$)", "income"),
])
def test_abbreviated_column_names_read_as_words(column, words):
    from custseg_gui.core.naming import readable

    assert readable(column) == words


def test_a_name_never_repeats_a_word_and_stays_short():
    # Given a segment very high on milk, grocery and detergents & paper (Wholesale's columns)
    terms = [Term("Milk", 1.9, 0, 0, position=1), Term("Grocery", 2.0, 0, 0, position=2),
             Term("Detergents_Paper", 2.1, 0, 0, position=4)]
    # Then "very high" is said once, and the name stays short (about 40 characters)
    assert named(terms) == ["Very high milk, grocery and detergents"]
    # and income and spending both high read "High income and spending"
    assert named([Term("Income", 1.0, 0, 0, position=0),
                  Term("Spending", 1.0, 0, 0, position=1)]) == ["High income and spending"]


def test_a_yes_no_column_reads_often_or_rarely_and_as_a_share():
    # Given a segment where 40% complained, against 5% of all customers
    term = Term("Complain", 1.6, 0.4, 0.05, measure="flag")
    assert term_words(term) == "Often complain"
    assert describe(50, 0.25, [term]) == (
        "50 customers (25.0%). Complain: 40.0% vs 5.0% of all customers.")


def test_a_birth_year_is_described_as_younger_with_years():
    term = Term("Year_Birth", 0.9, 1985.4, 1969.2, measure="year")
    assert describe(50, 0.25, [term]) == (
        "50 customers (25.0%). Younger (born 1985 vs 1969 on average).")


# --- every segment gets an action -------------------------------------------------------------

@pytest.mark.parametrize("terms, start", [
    (terms_of(Age=1.0), "Speak to experience:"),
    (terms_of(Age=-1.0), "Reach them where they are:"),
    (terms_of(Income=-1.0), "Clear value:"),
    (terms_of(Fresh=2.0, Milk=-1.0), "Build on what sets them apart (very high fresh, low milk)"),
    (terms_of(Income=0.1), "Your typical customers:"),
    (terms_of(Recency=-1.0, Frequency=-1.0), "Nurture new customers:"),
], ids=["older", "young", "low income", "unrecognised columns", "average", "new customers"])
def test_every_segment_gets_an_action(terms, start):
    # Given a segment with no pattern of its own (or only one column), then it still gets an
    # action, from its most telling column
    from custseg_gui.core.naming import segment_action

    assert segment_action(terms, share=0.2).startswith(start)


def test_a_large_segment_is_not_told_to_get_little_effort():
    from custseg_gui.core.naming import segment_action

    low = terms_of(Income=-1.0, Spending=-1.0)
    # Given low earners and spenders who are a small part of the customers, then keep it light
    assert segment_action(low, share=0.1).startswith("Keep it light")
    # But when they are 60% of the customers, they are kept, cheaply, not neglected
    action = segment_action(low, share=0.6)
    assert action.startswith("Keep them, cheaply: they are a large part of your customers")
    assert "little marketing effort" not in action


def test_a_weak_split_tells_the_user_to_test_first():
    from custseg_gui.core.naming import segment_action

    action = segment_action(terms_of(Income=1.0, Spending=1.0), share=0.3, weak=True)
    assert action.endswith("The groups overlap a lot, so test this on a small group before a "
                           "campaign.")


# --- the user's names follow their customers ------------------------------------------------

def test_names_follow_the_customers_to_the_new_segments():
    from custseg_gui.core.naming import carry_names

    # Given six customers in segments 1, 1, 2, 2, 3, 3, the user having named 1 and 3
    old = [1, 1, 2, 2, 3, 3]
    # When a new run numbers the same groups 2, 2, 3, 3, 1, 1 (sizes changed order)
    new = [2, 2, 3, 3, 1, 1]
    # Then the names move with the customers
    assert carry_names({1: "Loyal", 3: "Bargain hunters"}, old, new) == (
        {2: "Loyal", 1: "Bargain hunters"}, [])


def test_a_name_whose_customers_are_split_up_is_reported_lost():
    from custseg_gui.core.naming import carry_names

    # Given segment 2 of six customers split three ways, and 1 merged with 3 (a customer left
    # out, 0, in both)
    old = [1, 1, 1, 2, 2, 2, 2, 2, 2, 3, 3, 0]
    new = [1, 1, 1, 2, 2, 3, 3, 4, 4, 1, 1, 0]
    carried, lost = carry_names({1: "Core", 2: "Split up"}, old, new)
    # Then "Core" follows its customers (they are most of new segment 1), "Split up" is lost
    assert carried == {1: "Core"}
    assert lost == ["Split up"]


def test_names_of_another_table_are_all_lost():
    from custseg_gui.core.naming import carry_names

    assert carry_names({1: "A", 2: "B"}, [1, 2, 2], [1, 2]) == ({}, ["A", "B"])


# --- counts, shares and units in words ----------------------------------------------------------

@pytest.mark.parametrize("difference, words", [
    (0.6, "More children at home"),
    (1.499, "More children at home"),
    (1.5, "Many more children at home"),
    (-0.6, "Fewer children at home"),
    (-1.499, "Fewer children at home"),
    (-1.5, "Far fewer children at home"),
])
def test_a_small_count_reads_more_or_fewer(difference, words):
    # Given a count like children at home (0, 1, 2), then a segment has more or fewer of them,
    # "many more" or "far fewer" from 1.5 deviations
    assert term_words(Term("Kidhome", difference, 0.0, 0.0, measure="count")) == words


def test_a_yes_no_column_below_average_reads_rarely():
    assert term_words(Term("Complain", -0.8, 0.01, 0.05, measure="flag")) == "Rarely complain"


def test_a_yes_no_column_is_described_by_its_whole_name():
    # Given a segment where 40% opted in, against 5% of all customers
    term = Term("Opted_In", 1.6, 0.4, 0.05, measure="flag")
    # Then its name may drop "in", but its description says the whole column name
    assert describe(50, 0.25, [term]) == (
        "50 customers (25.0%). Opted in: 40.0% vs 5.0% of all customers.")


def test_a_year_other_than_birth_is_written_as_a_year():
    # Given a segment that joined in 2015 on average, against 2012 for all customers
    term = Term("Year_Joined", 0.9, 2015.4, 2012.2, measure="year")
    # Then both years read as years, without a thousands separator
    assert describe(50, 0.25, [term]) == (
        "50 customers (25.0%). Year joined 2015 vs 2012 on average.")


@pytest.mark.parametrize("column, sentence", [
    ("Recency (weeks)", "Recency 3.00 weeks vs 8.00 on average."),
    ("Recency (months)", "Recency 3.00 months vs 8.00 on average."),
    ("Recency (days)", "Last purchase 3.00 days ago vs 8.00 on average."),
])
def test_recency_in_weeks_or_months_is_not_called_days_ago(column, sentence):
    # Given a segment that bought 3 units of time ago, against 8 for all customers
    assert describe(50, 0.25, [Term(column, -0.9, 3.0, 8.0)]) == (
        f"50 customers (25.0%). {sentence}")


@pytest.mark.parametrize("column, words", [
    ("ACCEPTED_CMP3", "accepted campaign 3"),  # a capital before a digit is a word's end too
    ("MntToys", "toy spend"),
    ("MntGas", "gas spend"),  # three letters: not a plural
    ("MntGlass", "glass spend"),  # "ss" is not a plural
])
def test_more_column_names_read_as_words(column, words):
    from custseg_gui.core.naming import readable

    assert readable(column) == words


# --- long names are shortened, never emptied ---------------------------------------------------

def test_a_name_of_forty_characters_is_kept_whole_and_a_longer_one_shortened():
    # Given a name of exactly 40 characters, and one of 41
    kept = [Term("Frozen_Foods", 1.0, 0, 0, position=0),
            Term("Gift_Card_Balance", -0.8, 0, 0, position=1)]
    cut = [Term("Frozen_Foods", 1.0, 0, 0, position=0),
           Term("Store_Card_Balance", -0.8, 0, 0, position=1)]
    # Then the first is kept whole; the second is cut to the first word of frozen foods, but
    # keeps "store card balance", whose last word is what it is about
    assert named(kept, cut) == ["High frozen foods, low gift card balance",
                                "High frozen, low store card balance"]


def test_a_short_name_keeps_its_columns_whole():
    # Given a segment high only on frozen foods, then its name says so in full
    assert named([Term("Frozen_Foods", 1.0, 0, 0)]) == ["High frozen foods"]


def test_a_shortened_name_keeps_column_names_whose_last_word_says_what_they_are():
    # Given a segment very high on frozen foods and on percent full payment (44+ characters)
    terms = [Term("Frozen_Foods", 2.0, 0, 0, position=0),
             Term("PRC_FULL_PAYMENT", 1.9, 0, 0, position=1)]
    # Then frozen foods reads "frozen", but the payment column keeps all its words
    assert named(terms) == ["Very high frozen and percent full payment"]


def test_a_name_well_past_the_length_leaves_out_its_least_telling_columns():
    # Given a segment whose shortened name is still more than a fifth past 40 characters
    terms = [Term("Frozen_Foods", 2.0, 0, 0, position=0),
             Term("Gift_Card_Balance", 1.9, 0, 0, position=1),
             Term("Home_Delivery_Orders", -1.0, 0, 0, position=2)]
    # Then home delivery orders, the least different, is left out; what is left is shortened
    assert named(terms) == ["Very high frozen and gift card balance"]


def test_a_name_left_out_down_to_one_column_if_need_be():
    # Given a segment whose two most telling columns alone make a name well past 48 characters
    terms = [Term("Gift_Card_Balance", 2.0, 0, 0, position=0),
             Term("Home_Delivery_Orders", -1.8, 0, 0, position=1),
             Term("Store_Card_Balance", 1.0, 0, 0, position=2)]
    # Then only the most telling column names it
    assert named(terms) == ["Very high gift card balance"]


def test_a_segment_standing_out_on_one_long_column_is_named_by_it():
    # Given a segment high only on a column with a long name
    column = "Seasonal holiday gift wrapping and decoration spend"
    # Then its name says it, however long, rather than calling it average customers
    assert named([Term(column, 0.9, 0, 0)]) == [f"High {column.lower()}"]


def test_a_shortened_name_of_48_characters_keeps_all_its_columns():
    # Given two segments whose shortened names are 48 and 49 characters (40 plus a fifth is 48)
    base = [Term("Frozen_Foods", 2.0, 0, 0, position=0),
            Term("Gift_Card_Balance", 1.9, 0, 0, position=1)]
    milk = base + [Term("Milk", -0.8, 0, 0, position=2)]
    bread = base + [Term("Bread", -0.8, 0, 0, position=2)]
    # Then the first keeps its three columns, the second leaves out the least telling
    assert named(milk, importance={"Frozen_Foods": 0.6, "Gift_Card_Balance": 0.6,
                                   "Milk": 0.6}) == [
        "Very high frozen and gift card balance, low milk"]
    assert named(bread, importance={"Frozen_Foods": 0.6, "Gift_Card_Balance": 0.6,
                                    "Bread": 0.6}) == ["Very high frozen and gift card balance"]


def test_identical_segments_are_numbered_with_the_shortened_name():
    # Given two segments alike on their three columns, whose whole name is 50 characters
    terms = [Term("Frozen_Foods", 2.0, 0, 0, position=0),
             Term("Gift_Card_Balance", 1.9, 0, 0, position=1),
             Term("Milk", 1.8, 0, 0, position=2)]
    # Then both keep the name shortened to about 40 characters, the second numbered
    assert named(terms, list(terms)) == ["Very high frozen, gift card balance and milk",
                                         "Very high frozen, gift card balance and milk (2)"]


def test_a_shared_word_of_four_letters_leaves_a_column_out_of_a_short_name():
    # Given a segment high on card balance and card limit, then "card" is said once
    terms = [Term("Card balance", 1.6, 9, 5, position=0), Term("Card limit", 1.0, 9, 5,
                                                                position=1)]
    assert named(terms) == ["Very high card balance"]


def test_a_word_said_by_the_first_column_still_counts_after_another():
    # Given a segment very high on store visits, wine and store orders, in that order of
    # difference: "store" is said by the first, whatever came between
    terms = [Term("Store visits", 2.0, 9, 5, position=0), Term("Wine", 1.8, 9, 5, position=1),
             Term("Store orders", 1.6, 9, 5, position=2)]
    assert named(terms) == ["Very high store visits and wine"]


# --- whole sentences of the actions ------------------------------------------------------------

@pytest.mark.parametrize("terms, share, sentence", [
    (terms_of(Recency=-1.0, Frequency=-1.0), 0.2,
     "Nurture new customers: a welcome series and a reason for a second purchase turn first "
     "buyers into regulars."),
    # Only the two most telling columns set them apart in words.
    (terms_of(Fresh=2.0, Milk=-1.0, Frozen=0.8), 0.2,
     "Build on what sets them apart (very high fresh, low milk): try an offer made for it on a "
     "small group first, and keep what works."),
    (terms_of(Income=0.1), 0.2,
     "Your typical customers: keep them informed through your regular campaigns, and watch "
     "which way they move."),
    # 40% of the customers is a large part of them already.
    (terms_of(Income=-1.0, Spending=-1.0), 0.4,
     "Keep them, cheaply: they are a large part of your customers, so reach them through "
     "low-cost channels (email, loyalty points) and budget-friendly ranges rather than "
     "dropping them."),
], ids=["new customers", "unrecognised columns", "average", "large and low"])
def test_segment_actions_read_in_whole_sentences(terms, share, sentence):
    from custseg_gui.core.naming import segment_action

    assert segment_action(terms, share=share) == sentence


def test_a_weak_split_adds_the_warning_to_the_action():
    from custseg_gui.core.naming import segment_action

    assert segment_action(terms_of(Income=1.0, Spending=1.0), share=0.3, weak=True) == (
        "Premium offers: new collections, exclusive events and loyalty perks suit customers who "
        "earn and spend well. The groups overlap a lot, so test this on a small group before a "
        "campaign.")


# --- more on names following customers ---------------------------------------------------------

def test_a_name_follows_customers_sharing_exactly_half():
    from custseg_gui.core.naming import carry_names

    # Given old segment 1 of four customers, two of whom make new segment 1, and old segment 2
    # of two customers, who are half of new segment 2
    old = [1, 1, 1, 1, 2, 2]
    new = [1, 1, 2, 2, 2, 2]
    # Then both names follow: each pair shares half its customers (2 of 4)
    assert carry_names({1: "A", 2: "B"}, old, new) == ({1: "A", 2: "B"}, [])


def test_the_name_of_segment_one_split_in_three_is_lost():
    from custseg_gui.core.naming import carry_names

    # Given segment 1 of six customers split in three, and segment 2 kept whole as segment 4
    old = [1, 1, 1, 1, 1, 1, 2, 2, 2]
    new = [1, 1, 2, 2, 3, 3, 4, 4, 4]
    # Then "A" is lost (a third of its customers in any new segment), "B" follows
    assert carry_names({1: "A", 2: "B"}, old, new) == ({4: "B"}, ["A"])


def test_a_name_whose_customers_are_all_left_out_is_lost_and_the_others_follow():
    from custseg_gui.core.naming import carry_names

    # Given segment 2's customers left out of the new run (0), segments 1 and 3 renumbered
    old = [1, 1, 2, 2, 3, 3]
    new = [1, 1, 0, 0, 2, 2]
    assert carry_names({1: "A", 2: "Gone", 3: "C"}, old, new) == ({1: "A", 2: "C"}, ["Gone"])


def test_a_name_of_a_segment_without_customers_is_lost():
    from custseg_gui.core.naming import carry_names

    # Given a name for segment 3 while the table's customers are all in segments 1 and 2
    assert carry_names({1: "A", 3: "Empty"}, [1, 1, 2, 2], [1, 1, 2, 2]) == (
        {1: "A"}, ["Empty"])


def test_names_follow_into_fewer_segments():
    from custseg_gui.core.naming import carry_names

    # Given three old segments, the first two merged in the new run, the third kept whole
    old = [1, 1, 1, 2, 3, 3]
    new = [1, 1, 1, 1, 2, 2]
    # Then the merged segment keeps the name of the larger part, the third's name follows it
    assert carry_names({1: "A", 2: "B", 3: "C"}, old, new) == ({1: "A", 2: "C"}, ["B"])


def test_a_name_grown_to_tell_segments_apart_may_run_to_52_characters():
    # Given two segments alike on frozen foods, milk and tea, one high and one low on vegetables
    alike = [Term("Frozen_Foods", 2.0, 0, 0, position=0), Term("Milk", 1.9, 0, 0, position=1),
             Term("Tea", 1.8, 0, 0, position=2)]
    high = alike + [Term("Vegetables", 0.6, 0, 0, position=3)]
    low = alike + [Term("Vegetables", -0.6, 0, 0, position=3)]
    # Then both names grow by vegetables: the second, 52 characters, is kept whole; the first,
    # 53, is shortened
    assert named(high, low) == ["Very high frozen, milk and tea, high vegetables",
                                "Very high frozen foods, milk and tea, low vegetables"]
