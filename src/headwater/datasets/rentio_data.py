"""Rentio's rows: synthetic data with Sakila v1.5's row counts and distributions.

Every count and spread the course documents holds exactly (1000 films rated PG-13 223,
NC-17 210, R 195, PG 194, G 178; 16 categories of 51..74 films; 16044 rentals on 41 days
and one payment each; ...); names, places and titles are invented (``vocabulary``). The
same rows come out on every run: each part draws from its own seeded generator.
"""

from __future__ import annotations

import hashlib
from collections import Counter, defaultdict
from datetime import date, datetime, timedelta
from functools import lru_cache

from headwater.datasets import vocabulary as words
from headwater.datasets.relational import Rows
from headwater.datasets.rentio_schema import FEATURES
from headwater.datasets.sampling import (
    bipartite,
    integers,
    nudge,
    rng_for,
    shuffled_multiset,
    split_exactly,
)

LOADED = "2006-02-15 04:57:12"  # last_update of every table but rental and payment
ACTIVITY_LOADED = "2006-02-15 22:03:14"  # last_update of rental and payment
CUSTOMERS_CREATED = "2006-02-14 22:04"

LANGUAGES = ("English", "Italian", "Japanese", "Mandarin", "French", "German")
#: Films per category (16 categories, 51..74 films, 1000 in all), in category_id order.
CATEGORIES = {
    "Action": 64, "Animation": 66, "Children": 60, "Classics": 57, "Comedy": 58, "Documentary": 68,
    "Drama": 62, "Family": 69, "Foreign": 73, "Games": 61, "Horror": 56, "Music": 51, "New": 63,
    "Sci-Fi": 61, "Sports": 74, "Travel": 57,
}
RATINGS = {"G": 178, "PG": 194, "PG-13": 223, "R": 195, "NC-17": 210}
RENTAL_DURATIONS = {3: 203, 4: 203, 5: 191, 6: 212, 7: 191}
RENTAL_RATES = {"0.99": 341, "2.99": 323, "4.99": 336}
FEATURE_FILMS = {"Trailers": 535, "Commentaries": 539, "Deleted Scenes": 503, "Behind the Scenes": 538}
#: Payment amounts (19 values, 16044 payments, 67,406.56 in all).
PAYMENT_AMOUNTS = {
    "0.00": 24, "0.99": 2977, "1.98": 164, "1.99": 519, "2.99": 3542, "3.98": 150, "3.99": 1000,
    "4.99": 3789, "5.98": 150, "5.99": 1099, "6.99": 1000, "7.98": 100, "7.99": 650, "8.97": 20,
    "8.99": 400, "9.98": 20, "9.99": 297, "10.99": 101, "11.99": 42,
}
#: Rental days: (first day, number of days, rentals), 41 days in all; rentals of one group of
#: days never share an inventory item, so no copy is rented twice at a time.
RENTAL_DAYS = (
    ((date(2005, 5, 24), 8, 1156),),
    ((date(2005, 6, 14), 8, 2311),),
    ((date(2005, 7, 5), 8, 3342),),
    ((date(2005, 7, 26), 6, 3367), (date(2005, 8, 1), 2, 1122)),
    ((date(2005, 8, 16), 8, 4564),),
    ((date(2006, 2, 14), 1, 182),),
)
SPEND_CENTS = (5085, 22155)  # the least and the most a customer spends
RETURN_SECONDS = (64800, 799200)  # 0.75 and 9.25 days
MEAN_RETURN_DAYS = 5.03


def _stamp(moment: datetime) -> str:
    return moment.isoformat(" ")


def _money(cents: int) -> str:
    return f"{cents // 100}.{cents % 100:02d}"


def _cents(amount: str) -> int:
    return round(float(amount) * 100)


# --- people and places ---------------------------------------------------------------------


def _places(rows: Rows) -> None:
    """Countries, cities and addresses: customers in 108 countries and 597 cities."""
    rng = rng_for("rentio/places")
    countries = words.country_names(rng, 109)
    cities = words.city_names(rng, 600)
    customerless = rng.randrange(len(countries))
    served = [i for i in range(len(countries)) if i != customerless]
    per_country = integers(rng, len(served), 1, 60, 597, lambda r: r.lognormvariate(1.2, 1.0))
    slots = [(country, True) for country, n in zip(served, per_country) for _ in range(n)]
    slots += [(customerless, False), (rng.choice(served), False), (rng.choice(served), False)]
    rng.shuffle(slots)
    rows["country"] = [(i + 1, name, LOADED) for i, name in enumerate(countries)]
    rows["city"] = [(j + 1, cities[j], country + 1, LOADED) for j, (country, _) in enumerate(slots)]
    customer_cities = [j + 1 for j, (_, customers) in enumerate(slots) if customers]
    offices = [j + 1 for j, (_, customers) in enumerate(slots) if not customers]
    roomy = [j + 1 for j, (country, customers) in enumerate(slots)
             if customers and per_country[served.index(country)] < 59]
    customer_cities += rng.sample(roomy, 2)  # 597 distinct cities for 599 customers
    rng.shuffle(customer_cities)
    _addresses(rng, rows, [offices[0], offices[1], offices[2], offices[0]] + customer_cities)


def _addresses(rng, rows: Rows, cities: list[int]) -> None:
    """Addresses 1-4 (stores, staff) have NULL address2, customers ''; a few customer
    addresses lack a postal code (4), a phone (2) or a district (3)."""
    blank = rng.sample(range(4, len(cities)), 9)
    no_postal, no_phone, no_district = set(blank[:4]), set(blank[4:6]), set(blank[6:])
    rows["address"] = [
        (i + 1, words.street_address(rng), None if i < 4 else "",
         "" if i in no_district else words.district_name(rng), city,
         "" if i in no_postal else f"{rng.randint(1000, 99999):05d}",
         "" if i in no_phone else str(rng.randint(10**9, 10**12 - 1)), LOADED)
        for i, city in enumerate(cities)
    ]


def _people(rows: Rows) -> None:
    rng = rng_for("rentio/people")
    names = words.full_names(rng, 599 + 200 + 2)
    customers, actors, staff = names[:599], names[599:799], names[799:]
    stores = shuffled_multiset(rng, {1: 326, 2: 273})
    active = shuffled_multiset(rng, {True: 584, False: 15})
    rows["customer"] = [
        (i + 1, stores[i], first, last, f"{first}.{last}@sakilacustomer.org", i + 5, active[i],
         f"{CUSTOMERS_CREATED}:{rng.choice((36, 37))}", LOADED)
        for i, (first, last) in enumerate(customers)
    ]
    rows["actor"] = [(i + 1, first, last, LOADED) for i, (first, last) in enumerate(actors)]
    rows["staff"] = [
        (i + 1, first.title(), last.title(), i + 3, None, f"{first.title()}.{last.title()}@sakilastaff.com",
         i + 1, True, first.title(), hashlib.sha1(f"{first}:{last}".encode()).hexdigest(), LOADED)
        for i, (first, last) in enumerate(staff)
    ]
    rows["store"] = [(1, 1, 1, LOADED), (2, 2, 2, LOADED)]
    rows["language"] = [(i + 1, name, LOADED) for i, name in enumerate(LANGUAGES)]
    rows["category"] = [(i + 1, name, LOADED) for i, name in enumerate(CATEGORIES)]


# --- films ---------------------------------------------------------------------------------


def _uniform(rng, count: int, low: int, high: int) -> list[int]:
    return [rng.randint(low, high) for _ in range(count)]


def film_lengths(rng) -> list[int]:
    """1000 lengths of 46..185 minutes: 96 under 60, 8 of exactly 60, 46 of 180 or more,
    median 114 (494 shorter, 10 of 114), mean 115.3."""
    short = [46] + _uniform(rng, 95, 46, 59)
    long = [185] + _uniform(rng, 45, 180, 185)
    below, above = _uniform(rng, 390, 61, 113), _uniform(rng, 450, 115, 179)
    middle = nudge(rng, below + above, 115300 - sum(short) - 480 - sum(long) - 1140,
                   [61] * 390 + [115] * 450, [113] * 390 + [179] * 450)
    lengths = short + [60] * 8 + middle + [114] * 10 + long
    rng.shuffle(lengths)
    return lengths


def special_features(rng, films: int) -> list[str]:
    """A non-empty feature set per film, each feature on exactly its count of films."""
    holders = {feature: set(rng.sample(range(films), count)) for feature, count in FEATURE_FILMS.items()}
    for film in range(films):
        if any(film in held for held in holders.values()):
            continue
        feature = rng.choice(FEATURES)
        donor = next(other for other in sorted(holders[feature])
                     if sum(other in held for held in holders.values()) > 1)
        holders[feature].discard(donor)
        holders[feature].add(film)
    return [",".join(f for f in FEATURES if film in holders[f]) for film in range(films)]


def _films(rows: Rows) -> None:
    rng = rng_for("rentio/films")
    titles = sorted(words.film_titles(rng, 1000))
    ratings = shuffled_multiset(rng, RATINGS)
    durations = shuffled_multiset(rng, RENTAL_DURATIONS)
    rates = shuffled_multiset(rng, RENTAL_RATES)
    costs = shuffled_multiset(rng, {f"{9 + step}.99": 48 if step < 13 else 47 for step in range(21)})
    lengths, features = film_lengths(rng), special_features(rng, 1000)
    films = []
    for i, title in enumerate(titles):
        films.append((i + 1, title, words.film_description(rng), 2006, 1, None, durations[i], rates[i],
                      lengths[i], costs[i], ratings[i], features[i], LOADED))
    rows["film"] = films
    rows["film_text"] = [(film[0], film[1], film[2]) for film in films]
    categories = shuffled_multiset(rng, {i + 1: n for i, n in enumerate(CATEGORIES.values())})
    rows["film_category"] = [(i + 1, category, LOADED) for i, category in enumerate(categories)]
    _cast(rng, rows)


def _cast(rng, rows: Rows) -> None:
    """1-15 actors on each film but 3 (5462 links), 14-42 films per actor."""
    cast_films = sorted(rng.sample(range(1, 1001), 997))
    per_film = integers(rng, 997, 1, 15, 5462, lambda r: r.gauss(5.5, 2.4))
    per_actor = integers(rng, 200, 14, 42, 5462, lambda r: r.gauss(27.3, 5.5))
    links = bipartite(rng, per_film, per_actor)
    rows["film_actor"] = sorted((actor + 1, film, LOADED) for film, actors in zip(cast_films, links)
                                for actor in actors)


def _inventory(rows: Rows) -> None:
    """4581 copies of 958 films (2-8 each, at most 4 per store): 2270 in store 1, 2311 in 2."""
    rng = rng_for("rentio/inventory")
    stocked = sorted(rng.sample(range(1, 1001), 958))
    copies = integers(rng, 958, 2, 8, 4581, lambda r: r.gauss(4.8, 1.6))
    first_store = split_exactly(rng, copies, 2270, [max(0, c - 4) for c in copies], [min(4, c) for c in copies])
    inventory = []
    for film, total, in_first in zip(stocked, copies, first_store):
        inventory += [(film, 1)] * in_first + [(film, 2)] * (total - in_first)
    rows["inventory"] = [(i + 1, film, store, LOADED) for i, (film, store) in enumerate(inventory)]


# --- rentals and payments ------------------------------------------------------------------


def _rental_moments(rng, items: int) -> list[tuple[datetime, int, int]]:
    """``(rental time, inventory id, group index)`` of every rental: each copy but one is
    rented 1-5 times, at most once per group of days."""
    never_rented = rng.randrange(items)
    rented = [i + 1 for i in range(items) if i != never_rented]
    sizes = [sum(count for _, _, count in group) for group in RENTAL_DAYS]
    per_item = integers(rng, len(rented), 1, 5, sum(sizes), lambda r: r.gauss(3.5, 0.9))
    links = bipartite(rng, per_item, sizes)
    members: dict[int, list[int]] = defaultdict(list)
    for item, groups in zip(rented, links):
        for group in groups:
            members[group].append(item)
    moments = []
    for index, days in enumerate(RENTAL_DAYS):
        group_items = members[index]
        rng.shuffle(group_items)
        for first, span, count in days:
            taken, group_items = group_items[:count], group_items[count:]
            for item in taken:
                day = datetime.combine(first, datetime.min.time()) + timedelta(days=rng.randrange(span))
                moments.append((day + timedelta(seconds=rng.randrange(86400)), item, index))
    moments.sort()
    return moments


def _return_seconds(rng, count: int) -> list[int]:
    low, high = RETURN_SECONDS
    values = [low, high] + [low + round((high - low) * rng.random() ** 0.985) for _ in range(count - 2)]
    nudge(rng, values, round(MEAN_RETURN_DAYS * 86400 * count), low, high, step=3600, fixed=2)
    rng.shuffle(values)
    return values


def _rentals(rows: Rows) -> list[tuple[int, int, str]]:
    """Rentals; returns ``(rental id, customer id, rental date)`` per rental."""
    rng = rng_for("rentio/rentals")
    moments = _rental_moments(rng, len(rows["inventory"]))
    per_customer = integers(rng, 599, 12, 46, len(moments), lambda r: r.gauss(26.8, 6.0))
    customers = shuffled_multiset(rng, {i + 1: n for i, n in enumerate(per_customer)})
    staff = shuffled_multiset(rng, {1: 8040, 2: 8004})
    last_group = len(RENTAL_DAYS) - 1
    late_items = {item for _, item, group in moments if group == last_group}
    august = [i for i, (_, item, group) in enumerate(moments) if group == last_group - 1 and item not in late_items]
    lost = rng.choice(august)
    returned = [i for i, (_, _, group) in enumerate(moments) if group != last_group and i != lost]
    durations = dict(zip(returned, _return_seconds(rng, len(returned))))
    rentals, sold = [], []
    for i, (moment, item, _) in enumerate(moments):
        back = _stamp(moment + timedelta(seconds=durations[i])) if i in durations else None
        rentals.append((i + 1, _stamp(moment), item, customers[i], back, staff[i], ACTIVITY_LOADED))
        sold.append((i + 1, customers[i], _stamp(moment)))
    rows["rental"] = rentals
    return sold


def _pick(rng, pool: list[int], count: int, target: int) -> list[int]:
    """Indexes of ``count`` pool entries summing to ``target``."""
    by_value: dict[int, list[int]] = defaultdict(list)
    for index, value in enumerate(pool):
        by_value[value].append(index)
    while True:
        chosen = rng.sample(range(len(pool)), count - 1)
        rest = target - sum(pool[i] for i in chosen)
        spare = [i for i in by_value.get(rest, ())[:count] if i not in chosen]
        if spare:
            return chosen + [spare[0]]


def _spread_amounts(rng, customers: list[int]) -> list[int]:
    """An amount (cents) per payment, with PAYMENT_AMOUNTS' counts, such that every customer
    spends within SPEND_CENTS and one customer spends each bound."""
    low, high = SPEND_CENTS
    pool = [_cents(amount) for amount in shuffled_multiset(rng, PAYMENT_AMOUNTS)]
    payments: dict[int, list[int]] = defaultdict(list)
    for index, customer in enumerate(customers):
        payments[customer].append(index)
    counts = Counter(customers)
    pinned = {min(counts, key=lambda c: (counts[c], c)): low, max(counts, key=lambda c: (counts[c], -c)): high}
    amounts: list[int | None] = [None] * len(customers)
    for customer, target in pinned.items():
        chosen = _pick(rng, pool, counts[customer], target)
        for index, pool_index in zip(payments[customer], chosen):
            amounts[index] = pool[pool_index]
        taken = set(chosen)
        pool = [value for i, value in enumerate(pool) if i not in taken]
    free = [i for i, amount in enumerate(amounts) if amount is None]
    for index, value in zip(free, pool):
        amounts[index] = value
    totals = {c: sum(amounts[i] for i in payments[c]) for c in payments}
    for customer in sorted(totals):
        while customer not in pinned and not low <= totals[customer] <= high:
            mine = min(payments[customer], key=amounts.__getitem__) if totals[customer] < low \
                else max(payments[customer], key=amounts.__getitem__)
            other = rng.choice(free)
            owner, gain = customers[other], amounts[other] - amounts[mine]
            if owner in pinned or owner == customer or (gain > 0) != (totals[customer] < low):
                continue
            if not low <= totals[owner] - gain <= high:
                continue
            amounts[mine], amounts[other] = amounts[other], amounts[mine]
            totals[customer] += gain
            totals[owner] -= gain
    return amounts


def _payments(rows: Rows, sold: list[tuple[int, int, str]]) -> None:
    """One payment per rental, on the rental's date; ids 1..16049 with 5 missing."""
    rng = rng_for("rentio/payments")
    amounts = _spread_amounts(rng, [customer for _, customer, _ in sold])
    staff = shuffled_multiset(rng, {1: 8054, 2: 7990})
    ordered = sorted(range(len(sold)), key=lambda i: (sold[i][1], sold[i][2], sold[i][0]))
    missing = set(rng.sample(range(2, len(sold) + 5), 5))
    ids = [i for i in range(1, len(sold) + 6) if i not in missing]
    rows["payment"] = [
        (payment_id, sold[i][1], staff[i], sold[i][0], _money(amounts[i]), sold[i][2], ACTIVITY_LOADED)
        for payment_id, i in zip(ids, ordered)
    ]


@lru_cache(maxsize=1)
def generate() -> Rows:
    """Every table's rows, as tuples in the column order of ``rentio_schema.TABLES``."""
    rows: Rows = {}
    _places(rows)
    _people(rows)
    _films(rows)
    _inventory(rows)
    _payments(rows, _rentals(rows))
    return rows
