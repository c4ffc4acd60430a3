"""Persons: SMS subscribers and non-subscriber web visitors, their devices and ids."""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
import pyarrow as pa

from . import catalog as C
from .util import DAY, SEC, cat, digits, iso_z, mix64


@dataclass
class People:
    n: int
    n_sub: int
    is_sub: np.ndarray
    country: np.ndarray
    zone: np.ndarray
    currency: np.ndarray  # index into catalog.CURRENCIES
    phone: np.ndarray  # S, E.164
    email: np.ndarray  # S, lower case, clean
    first: np.ndarray
    last: np.ndarray
    sub_has_email: np.ndarray
    opt_in: np.ndarray  # us, -1 for visitors
    opt_out: np.ndarray  # us, -1 when subscribed
    segment: np.ndarray  # index into SEGMENTS, -1 for visitors
    labels: list[str]
    eng: np.ndarray  # click propensity factor
    phone_ua: np.ndarray  # index into PHONE_UAS
    desktop_ua: np.ndarray  # index into DESKTOP_UAS, -1 without a second device
    dev_phone: np.ndarray  # device index
    dev_desktop: np.ndarray  # device index or -1
    ip: np.ndarray  # S, the person's usual address (mobile / home)
    has_account: np.ndarray  # holds a shop account (can log in)
    customer_id: np.ndarray  # int64, -1 until they buy or if no account
    cust_email: np.ndarray  # the Shopify customer carries the email
    cust_phone: np.ndarray  # ... and/or the phone
    hubspot_id: np.ndarray  # int64, -1
    # devices
    dev_person: np.ndarray
    dev_pseudo: np.ndarray  # S, GA4 user_pseudo_id

    def subscriber_id(self, idx: np.ndarray) -> np.ndarray:
        return cat(b"sub_", digits(np.asarray(idx) + 1, 7))

    def person_key(self, idx: np.ndarray) -> np.ndarray:
        return cat(b"p_", digits(np.asarray(idx) + 1, 8))


def random_ipv4(rng: np.random.Generator, ranges: list[tuple[str, int]], n: int) -> np.ndarray:
    """Random host addresses inside the given CIDR ranges, as bytes."""
    if n == 0:
        return np.empty(0, "S15")
    bases = np.array([int.from_bytes(bytes(int(x) for x in a.split(".")), "big") for a, _ in ranges],
                     np.int64)
    sizes = np.array([1 << (32 - p) for _, p in ranges], np.int64)
    which = rng.integers(0, len(ranges), n)
    addr = bases[which] + 1 + (rng.random(n) * (sizes[which] - 2)).astype(np.int64)
    parts = [(addr >> s) & 255 for s in (24, 16, 8, 0)]
    return cat(parts[0].astype("S3"), b".", parts[1].astype("S3"), b".",
               parts[2].astype("S3"), b".", parts[3].astype("S3"))


def random_ipv6(rng: np.random.Generator, prefix: np.ndarray, n: int) -> np.ndarray:
    groups = rng.integers(0, 1 << 16, (n, 6))
    hexes = [np.char.mod("%x", groups[:, i]).astype("S4") for i in range(6)]
    out = cat(prefix, b":", hexes[0])
    for h in hexes[1:]:
        out = cat(out, b":", h)
    return out


def make_people(rng: np.random.Generator, n_sub: int, n_vis: int, start_us: int, end_us: int,
                seed: int) -> People:
    n = n_sub + n_vis
    if n >= 7_900_000:
        raise ValueError("at most 7.9 million persons (phone numbering space)")
    is_sub = np.arange(n) < n_sub
    country = rng.choice(len(C.COUNTRIES), n, p=C.COUNTRY_P)
    zone = np.zeros(n, np.int64)
    for c in range(len(C.COUNTRIES)):
        zs = [i for i, z in enumerate(C.ZONES) if z[1] == c]
        w = np.array([C.ZONES[i][2] for i in zs])
        m = country == c
        zone[m] = np.array(zs)[rng.choice(len(zs), int(m.sum()), p=w / w.sum())]
    cur_of_country = np.array([C.CURRENCIES.index(c) for c in C.COUNTRY_CURRENCY])
    currency = cur_of_country[country]

    # unique subscriber numbers: a permutation of the person index
    u = rng.permutation(n).astype(np.int64)
    phone = np.empty(n, "S16")
    nanp = country <= 1
    if nanp.any():
        area = np.zeros(n, np.int64)
        for z, spec in enumerate(C.ZONES):
            m = zone == z
            if spec[5] and m.any():
                area[m] = np.array(spec[5])[rng.integers(0, len(spec[5]), int(m.sum()))]
        phone[nanp] = cat(b"+1", area[nanp].astype("S3"), (2_000_000 + u[nanp]).astype("S7"))
    for c, prefix in C.PHONE_PREFIX.items():
        m = country == c
        if m.any():
            width = 9 if c == 2 else 8
            base = 700_000_000 if c == 2 else 10_000_000
            phone[m] = cat(prefix, (base + u[m]).astype(f"S{width}"))

    first = rng.integers(0, len(C.FIRST_NAMES), n)
    last = rng.integers(0, len(C.LAST_NAMES), n)
    fn = np.array(C.FIRST_NAMES, "S")[first]
    ln = np.array(C.LAST_NAMES, "S")[last]
    style = rng.integers(0, 4, n)
    num = (u + 11).astype("S8")
    local = np.where(style == 0, cat(fn, b".", ln, num),
             np.where(style == 1, cat(fn, num),
             np.where(style == 2, cat(np.strings.slice(fn, 0, 1), ln, num), cat(ln, b"_", fn, num))))
    dom = np.array(C.EMAIL_DOMAINS, "S")[rng.choice(len(C.EMAIL_DOMAINS), n,
                                                    p=[.35, .25, .15, .1, .1, .05])]
    email = cat(local, b"@", dom)
    sub_has_email = is_sub & (rng.random(n) < 0.75)

    # opt-in / opt-out
    opt_in = np.full(n, -1, np.int64)
    opt_out = np.full(n, -1, np.int64)
    window = end_us - start_us
    new_in_window = rng.random(n_sub) < 0.08
    before = start_us - (rng.uniform(0.02, 400, n_sub) * DAY).astype(np.int64)
    during = start_us + (rng.random(n_sub) * window).astype(np.int64)
    opt_in[:n_sub] = np.where(new_in_window, during, before) // SEC * SEC
    r = rng.random(n_sub)
    out_before = (r < 0.02) & ~new_in_window
    out_during = (r >= 0.02) & (r < 0.06)
    t_from = np.maximum(opt_in[:n_sub], start_us)
    oo = np.where(out_before, opt_in[:n_sub] + (rng.random(n_sub) * (start_us - opt_in[:n_sub])).astype(np.int64),
                  t_from + (rng.random(n_sub) * np.maximum(end_us - t_from, 1)).astype(np.int64))
    oo = np.where(out_before | (out_during & (oo < end_us)), oo // SEC * SEC, -1)
    opt_out[:n_sub] = oo

    segment = np.full(n, -1, np.int64)
    is_new = opt_in[:n_sub] >= start_us - 30 * DAY
    seg_old = rng.choice([0, 1, 2], n_sub, p=[0.50, 0.38, 0.12])
    segment[:n_sub] = np.where(is_new, 3, seg_old)

    # labels (';'-joined), subscribers only
    lab_p = np.array([0.0, 0.0, 0.15, 0.2, 0.1, 0.08, 0.05])
    lab = rng.random((n_sub, len(C.LABELS))) < lab_p
    lab[:, 0] = segment[:n_sub] == 2  # vip
    lab[:, 1] = segment[:n_sub] == 1  # winback
    names = np.array(C.LABELS, dtype=object)
    labels = [";".join(names[row]) for row in lab] if n_sub <= 2_000_000 else []

    seg_factor = np.array([1.2, 0.55, 1.6, 1.0])
    eng = rng.lognormal(0, 0.5, n) * np.where(segment >= 0, seg_factor[np.maximum(segment, 0)], 1.0)

    phone_ua = rng.choice(len(C.PHONE_UAS), n, p=C.PHONE_UA_P)
    has_desktop = rng.random(n) < np.where(is_sub, 0.35, 0.5)
    desktop_ua = np.where(has_desktop, rng.choice(len(C.DESKTOP_UAS), n, p=C.DESKTOP_UA_P), -1)
    dev_phone = np.arange(n)
    n_desk = int(has_desktop.sum())
    dev_desktop = np.full(n, -1, np.int64)
    dev_desktop[has_desktop] = n + np.arange(n_desk)
    dev_person = np.concatenate([np.arange(n), np.nonzero(has_desktop)[0]])
    n_dev = len(dev_person)
    # GA4 client id: random 9-10 digit number '.' first-seen unix seconds
    first_seen = (start_us - (rng.uniform(0, 500, n_dev) * DAY).astype(np.int64)) // SEC
    rnd = (mix64(np.arange(n_dev), seed * 7 + 1) % np.uint64(2_000_000_000)).astype(np.int64) + 100_000_000
    dev_pseudo = cat(rnd.astype("S10"), b".", first_seen.astype("S10"))

    home = np.empty(n, "S39")
    v6 = (rng.random(n) < 0.3) & (country <= 1)
    for c, ranges in C.HOME_RANGES.items():
        m = (country == c) & ~v6
        home[m] = random_ipv4(rng, ranges, int(m.sum()))
        m6 = (country == c) & v6
        if m6.any():
            home[m6] = random_ipv6(rng, np.full(int(m6.sum()), C.MOBILE_V6_PREFIX[c].encode(), "S9"),
                                   int(m6.sum()))

    has_account = rng.random(n) < np.where(is_sub, 0.55, 0.35)
    kind = rng.choice(3, n, p=[0.6, 0.3, 0.1])  # both / email only / phone only
    return People(
        n=n, n_sub=n_sub, is_sub=is_sub, country=country, zone=zone, currency=currency,
        phone=phone, email=email, first=first, last=last, sub_has_email=sub_has_email,
        opt_in=opt_in, opt_out=opt_out, segment=segment, labels=labels, eng=eng,
        phone_ua=phone_ua, desktop_ua=desktop_ua, dev_phone=dev_phone, dev_desktop=dev_desktop,
        ip=home, has_account=has_account, customer_id=np.full(n, -1, np.int64),
        cust_email=kind <= 1, cust_phone=kind != 1, hubspot_id=np.full(n, -1, np.int64),
        dev_person=dev_person, dev_pseudo=dev_pseudo,
    )


def assign_customer_ids(p: People, rng: np.random.Generator, buyers: np.ndarray) -> None:
    """Shop customer ids for account holders and everyone who buys (checkout creates one)."""
    need = p.has_account.copy()
    need[buyers] = True
    idx = np.nonzero(need)[0]
    order = rng.permutation(len(idx))
    p.customer_id[idx[order]] = 6_800_000_000_000 + np.arange(len(idx)) * 97 + rng.integers(0, 90, len(idx))


def phone_dirt(phone: bytes) -> list[str]:
    """The dirty spellings of a +1 number that subscriber exports contain."""
    s = phone.decode()
    a, b, c = s[2:5], s[5:8], s[8:12]
    return [f"+1 ({a}) {b}-{c}", f"1{a}{b}{c}", f"{a}-{b}-{c}"]


def write_subscribers(land, p: People, rng: np.random.Generator, start_us: int, end_us: int) -> None:
    """Day 0: the full export; later days: incremental rows (new opt-ins, opt-outs)."""
    n_sub = p.n_sub
    idx = np.arange(n_sub)
    oi, oo = p.opt_in[:n_sub], p.opt_out[:n_sub]
    init = oi < start_us
    rows_person = [idx[init]]
    rows_day = [np.zeros(int(init.sum()), np.int64)]
    rows_out = [np.where((oo[init] >= 0) & (oo[init] < start_us), oo[init], -1)]
    new = ~init
    rows_person.append(idx[new])
    d_new = (oi[new] - start_us) // DAY
    rows_day.append(d_new)
    same_day = (oo[new] >= 0) & ((oo[new] - start_us) // DAY == d_new)
    rows_out.append(np.where(same_day, oo[new], -1))
    later = (oo >= start_us) & ~(new & (oo >= 0) & ((oo - start_us) // DAY == (oi - start_us) // DAY))
    rows_person.append(idx[later])
    rows_day.append((oo[later] - start_us) // DAY)
    rows_out.append(oo[later])
    person = np.concatenate(rows_person)
    day = np.concatenate(rows_day)
    out = np.concatenate(rows_out)

    phone = p.phone[person].astype("S24")
    email = p.email[person].astype("S64")
    has_email = p.sub_has_email[person]
    opted_in = iso_z(p.opt_in[person])
    opted_out = np.where(out >= 0, iso_z(np.maximum(out, 0)), b"")
    n = len(person)
    # dirt: US numbers written without +, with punctuation or without country code
    us = np.nonzero(p.country[person] == 0)[0]
    sid = p.subscriber_id(person)
    if len(us):
        k = max(2, int(0.01 * n))
        for j in rng.choice(us, size=min(k, len(us)), replace=False):
            v = phone_dirt(phone[j])[int(rng.integers(0, 3))]
            phone[j] = v.encode()
            land.dirt["subscribers"]["phone_not_e164"] += 1
    for j in rng.choice(np.nonzero(has_email)[0], size=min(max(2, int(0.03 * n)), int(has_email.sum())), replace=False):
        e = email[j].decode()
        at = e.index("@")
        e = " " + e[:1].upper() + e[1:at] + "@" + e[at + 1:].capitalize() + " "
        email[j] = e.encode()
        land.dirt["subscribers"]["email_mixed_case_padded"] += 1
    bad_ts = ["2026-13-01T00:00:00Z", "N/A", "31/10/2026 25:61", "yesterday"]
    for j in rng.choice(n, size=min(n, 3), replace=False):
        v = bad_ts[int(rng.integers(0, len(bad_ts)))]
        land.note_bad_value("subscribers", "unparseable_timestamp", sid[j].decode(), "opted_in_at", v)
        opted_in = opted_in.astype("S24")
        opted_in[j] = v.encode()
    labels = np.array(p.labels, dtype=object)[person] if p.labels else np.full(n, "", object)
    labels = [x if x else None for x in labels]
    zone_names = np.array(C.ZONE_NAMES, "S")[p.zone[person]]
    cols = {
        "subscriber_id": sid,
        "phone": phone,
        "email": np.where(has_email, email, b""),
        "timezone": zone_names,
        "opted_in_at": opted_in,
        "opted_out_at": opted_out,
        "labels": pa.array(labels, pa.string()),
    }
    land.write_table(
        "subscribers", "csv", cols, day,
        "subscriber_id, phone, nullif(email, '') AS email, timezone, opted_in_at, "
        "nullif(opted_out_at, '') AS opted_out_at, labels",
        prefix="subscribers", order_key=person)
