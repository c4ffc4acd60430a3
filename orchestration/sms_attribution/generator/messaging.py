"""Campaigns, audiences and holdouts, sends, short links, coupons, Twilio messages and
status callbacks."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote, quote_plus

import numpy as np
import pyarrow as pa

from . import catalog as C
from .landing import CSV, NDJSON, sql_list
from .people import People
from .util import (BASE62, COUPON32, DAY, HOUR, MIN, SEC, TzTable, cat, choice_exact, encode, hex64,
                   iso_offset, lognormal_us, mix64, permute_bits)

# ISO 8601 UTC, formatted by DuckDB (keeps the big tables' strings out of Python memory)
ISO_S = "strftime({}, '%Y-%m-%dT%H:%M:%SZ')"
ISO_MS = "strftime({}, '%Y-%m-%dT%H:%M:%S.%gZ')"
STATUSES = ["queued", "sending", "sent", "delivered", "undelivered", "failed"]
ST_QUEUED, ST_SENDING, ST_SENT, ST_DELIVERED, ST_UNDELIVERED, ST_FAILED = range(6)
# USD per message segment, by recipient country
PRICE_E5 = np.array([790, 790, 4630, 5150, 8950, 7810])  # 1e-5 USD
FROM_NUMBERS = {0: ["+18445550142", "+18445550178", "+18885550123"], 1: ["+18445550142"],
                2: ["+447700900123"], 3: ["+61491570156"], 4: ["+4915510000001"], 5: ["+33700000001"]}


@dataclass
class Campaigns:
    n: int
    ids: list[str]
    names: list[str]
    is_journey: np.ndarray
    segment: np.ndarray
    sched: np.ndarray  # scheduled_at, us
    local_time: np.ndarray
    coupon: np.ndarray
    shared: np.ndarray
    lead: np.ndarray
    ttl_days: np.ndarray
    p_control: np.ndarray
    p_treat: np.ndarray
    utm_campaign: list[str]
    # variants (global index)
    var_camp: np.ndarray
    var_ids: list[str]
    var_names: list[str]
    var_content: list[str]
    var_click: np.ndarray  # human click probability on a delivered message
    var_p_treat: np.ndarray
    var_segments: np.ndarray
    var_dest: np.ndarray  # S, destination url
    var_utm_source: list[str]


def make_campaigns(rng, days: int, start_us: int, tzt: TzTable) -> Campaigns:
    brand = C.ZONE_NAMES.index(C.BRAND_TZ)
    n_bc = max(4, int(round(days * 1.8)))
    rows = []
    themes = rng.permutation(len(C.CAMPAIGN_THEMES))
    n_lead = max(1, n_bc // 12)
    early = max(2, int(n_bc * 0.6))  # leads and coupons need time to convert inside the window
    lead_slots = set(rng.choice(early, size=n_lead, replace=False).tolist())
    coupon_slots = set(rng.choice([k for k in range(early) if k not in lead_slots], size=min(2, early - n_lead),
                                  replace=False).tolist())
    # at least one campaign whose message carries one shared (not personalised) link
    free = [k for k in range(n_bc) if k not in lead_slots and k not in coupon_slots]
    shared_slot = int(rng.choice(free)) if free else -1
    for k in range(n_bc):
        day = min(days - 1, int((k + rng.random()) * days / n_bc))
        hour, minute = int(rng.integers(9, 20)), int(rng.choice([0, 15, 30, 45]))
        approx = start_us + day * DAY + hour * HOUR
        off = int(tzt.offset(brand, approx))
        sched = start_us + day * DAY + (hour * 60 + minute) * MIN - off * MIN
        lead = k in lead_slots
        theme = (C.LEAD_THEMES[k % len(C.LEAD_THEMES)] if lead
                 else C.CAMPAIGN_THEMES[themes[k % len(themes)]])
        rows.append(dict(sched=sched, theme=theme, lead=lead, journey=False,
                         segment=int(rng.integers(0, 4)), local=bool(rng.random() < 0.25),
                         coupon=(not lead) and (k in coupon_slots or bool(rng.random() < 0.35)),
                         shared=(not lead) and (k == shared_slot or bool(rng.random() < 0.12)),
                         ttl=int(rng.choice([2, 7, 14, 30], p=[.15, .35, .3, .2])),
                         p_c=float(rng.uniform(0.03, 0.06) if lead else rng.uniform(0.015, 0.035)),
                         lift=float(rng.uniform(0.15, 0.9)), ctr=float(rng.uniform(0.05, 0.11))))
    rows.sort(key=lambda r: r["sched"])
    journey_start = start_us - 20 * DAY + 15 * HOUR
    for theme, seg, p_c, coupon in (("Welcome Series", 3, 0.05, True), ("Browse Abandonment", 0, 0.03, False),
                                    ("Winback Flow", 1, 0.015, True)):
        rows.append(dict(sched=journey_start, theme=theme, lead=False, journey=True, segment=seg,
                         local=False, coupon=coupon, shared=False, ttl=7, p_c=p_c,
                         lift=float(rng.uniform(0.3, 0.8)), ctr=float(rng.uniform(0.08, 0.14))))

    ids, names, utm_campaign = [], [], []
    var_camp, var_ids, var_names, var_content, var_click, var_pt, var_seg, var_dest, var_src = ([] for _ in range(9))
    for ci, r in enumerate(rows):
        cid = f"cmp_{ci + 1:04d}"
        ids.append(cid)
        local_day = np.datetime64(int(r["sched"] + int(tzt.offset(brand, r["sched"])) * MIN), "us")
        label = str(local_day.astype("datetime64[D]").item().strftime("%b %d"))
        name = r["theme"] if r["journey"] else f"{r['theme']} - {label}"
        names.append(name)
        style = int(rng.integers(0, 5))
        base = name.replace(" - ", " ")
        utm = [base, base.lower().replace(" ", "_").replace("&", "and").replace("%", "pct"),
               f" {base} ", base.upper(), base.title().replace(" ", "")][style]
        utm_campaign.append(utm)
        p_t = r["p_c"] * (1 + r["lift"])
        r["p_t"] = p_t
        n_var = 3 if rng.random() < 0.3 else 2
        click_mult = np.concatenate([[1.0], rng.uniform(0.75, 1.35, n_var - 1)])
        conv_mult = np.concatenate([[1.0], rng.uniform(0.7, 1.3, n_var - 1)])
        conv_mult = conv_mult / conv_mult.mean()
        src = ["SMS", "sms", "Sms"][int(rng.integers(0, 3))]
        enc = quote if rng.random() < 0.6 else quote_plus
        if r["lead"]:
            path = "/pages/book-a-session"
        else:
            path = C.LANDING_PATHS[int(rng.integers(1, len(C.LANDING_PATHS)))]
        for v in range(n_var):
            vname, content = C.VARIANT_CONTENT[v]
            var_camp.append(ci)
            var_ids.append(f"{cid}_{'abc'[v]}")
            var_names.append(vname)
            var_content.append(content)
            var_click.append(r["ctr"] * click_mult[v])
            var_pt.append(r["p_c"] + (p_t - r["p_c"]) * conv_mult[v])
            var_seg.append(int(rng.choice([1, 2], p=[0.7, 0.3])))
            var_src.append(src)
            dest = (f"{C.SHOP}{path}?utm_source={src}&utm_medium=sms&utm_campaign={enc(utm, safe='')}"
                    f"&utm_content={enc(content, safe='')}")
            var_dest.append(dest)

    arr = lambda key, dt=None: np.array([r[key] for r in rows], dt)  # noqa: E731
    return Campaigns(
        n=len(rows), ids=ids, names=names, is_journey=arr("journey", bool), segment=arr("segment", np.int64),
        sched=arr("sched", np.int64), local_time=arr("local", bool), coupon=arr("coupon", bool),
        shared=arr("shared", bool), lead=arr("lead", bool), ttl_days=arr("ttl", np.int64),
        p_control=arr("p_c", float), p_treat=arr("p_t", float), utm_campaign=utm_campaign,
        var_camp=np.array(var_camp), var_ids=var_ids, var_names=var_names, var_content=var_content,
        var_click=np.array(var_click), var_p_treat=np.array(var_pt), var_segments=np.array(var_seg),
        var_dest=np.array(var_dest, "S"), var_utm_source=var_src)


@dataclass
class Memberships:
    camp: np.ndarray
    person: np.ndarray
    time: np.ndarray  # reference time: the send's queue time (or when it would have been)
    control: np.ndarray
    variant: np.ndarray  # global variant index (treatment); control keeps a nominal one


def make_memberships(rng, cp: Campaigns, p: People, start_us: int, end_us: int, tzt: TzTable,
                     holdout_share: float, days: int) -> Memberships:
    n_sub = p.n_sub
    seg = p.segment[:n_sub]
    oi, oo = p.opt_in[:n_sub], p.opt_out[:n_sub]
    parts_c, parts_p, parts_t = [], [], []
    for c in range(cp.n):
        if cp.is_journey[c]:
            continue
        T = cp.sched[c]
        elig = np.nonzero((seg == cp.segment[c]) & (oi < T) & ((oo < 0) | (oo > T)))[0]
        if cp.local_time[c]:
            brand = C.ZONE_NAMES.index(C.BRAND_TZ)
            local_clock = (T + int(tzt.offset(brand, T)) * MIN) % DAY
            midnight = T + int(tzt.offset(brand, T)) * MIN - local_clock
            z = p.zone[elig]
            t = midnight + local_clock - tzt.offset(z, T).astype(np.int64) * MIN
            t = t + rng.integers(0, 300 * SEC, len(elig))
        else:
            spread = int(np.clip(len(elig) / 500, 60, 1800)) * SEC
            t = T + rng.integers(0, spread, len(elig))
        parts_c.append(np.full(len(elig), c))
        parts_p.append(elig)
        parts_t.append(t)
    # journeys: triggered one by one
    jid = {cp.names[c]: c for c in range(cp.n) if cp.is_journey[c]}
    c = jid["Welcome Series"]
    m = (oi >= start_us) & (oi < end_us)
    t = oi[m] + rng.integers(60 * SEC, 600 * SEC, int(m.sum()))
    parts_c.append(np.full(int(m.sum()), c)); parts_p.append(np.nonzero(m)[0]); parts_t.append(t)  # noqa: E702
    for name, segs, rate in (("Browse Abandonment", (0, 2, 3), 0.04), ("Winback Flow", (1,), 0.03)):
        c = jid[name]
        prob = min(0.8, rate * days / 7)
        m = np.isin(seg, segs) & (rng.random(n_sub) < prob)
        idx = np.nonzero(m)[0]
        lo = np.maximum(oi[idx], start_us)
        t = lo + (rng.random(len(idx)) * np.maximum(end_us - lo, 1)).astype(np.int64)
        keep = (t < end_us) & ((oo[idx] < 0) | (oo[idx] > t))
        parts_c.append(np.full(int(keep.sum()), c)); parts_p.append(idx[keep]); parts_t.append(t[keep])  # noqa: E702
    camp = np.concatenate(parts_c).astype(np.int64)
    person = np.concatenate(parts_p).astype(np.int64)
    time = np.concatenate(parts_t).astype(np.int64) // 1000 * 1000
    keep = (time >= start_us) & (time < end_us)
    camp, person, time = camp[keep], person[keep], time[keep]
    control = rng.random(len(camp)) < holdout_share
    # variant: uniform among the campaign's variants
    first_var = np.searchsorted(cp.var_camp, np.arange(cp.n))
    n_var = np.bincount(cp.var_camp, minlength=cp.n)
    variant = first_var[camp] + (rng.random(len(camp)) * n_var[camp]).astype(np.int64)
    order = np.lexsort((person, time))
    return Memberships(camp[order], person[order], time[order], control[order], variant[order])


@dataclass
class Sends:
    n: int
    member: np.ndarray  # index into memberships
    camp: np.ndarray
    variant: np.ndarray
    person: np.ndarray
    queued: np.ndarray
    status: np.ndarray  # final Twilio status
    error: np.ndarray  # error code or 0
    segments: np.ndarray
    price_e5: np.ndarray  # -1 = not yet priced
    created: np.ndarray
    sent: np.ndarray  # -1 when never sent
    final: np.ndarray  # when the final status happened
    delivered: np.ndarray  # bool: reached the phone (delivered, or 'sent' without receipt)
    link: np.ndarray  # link index
    short_code: np.ndarray  # S7
    sid_hi: np.ndarray
    sid_lo: np.ndarray
    coupon: np.ndarray  # coupon index or -1


def message_sid(hi: np.ndarray, lo: np.ndarray) -> np.ndarray:
    return cat(b"SM", hex64(hi), hex64(lo))


def make_sends(rng, cp: Campaigns, ms: Memberships, p: People, seed: int) -> Sends:
    member = np.nonzero(~ms.control)[0]  # memberships are sorted by time
    n = len(member)
    camp, variant, person, queued = ms.camp[member], ms.variant[member], ms.person[member], ms.time[member]
    r = rng.random(n)
    status = np.select([r < 0.94, r < 0.975, r < 0.985], [ST_DELIVERED, ST_UNDELIVERED, ST_FAILED], ST_SENT)
    error = np.zeros(n, np.int64)
    und = status == ST_UNDELIVERED
    error[und] = rng.choice([30003, 30005, 30006, 30007, 30008], int(und.sum()), p=[.45, .2, .15, .15, .05])
    fl = status == ST_FAILED
    error[fl] = rng.choice([30001, 30008, 30034], int(fl.sum()), p=[.2, .4, .4])
    segments = cp.var_segments[variant]
    price = segments * PRICE_E5[p.country[person]]
    price = np.where(fl, 0, price)
    created = queued + rng.integers(50_000, 800_000, n)
    sent = np.where(fl & (rng.random(n) < 0.7), -1, created + lognormal_us(rng, n, 1.2, 0.5, 60))
    final = np.where(sent >= 0, sent + lognormal_us(rng, n, 4.0, 0.8, 3600), created + 500_000)
    final = np.where(status == ST_SENT, sent, final)
    # not yet priced: a few of the last messages
    unpriced = choice_exact(rng, n, 0.003, minimum=1)
    price[unpriced] = -1
    delivered = (status == ST_DELIVERED) | (status == ST_SENT)

    # links: personalised per send, or one shared link per variant
    shared = cp.shared[camp]
    n_personal = int((~shared).sum())
    link = np.empty(n, np.int64)
    link[~shared] = np.arange(n_personal)
    shared_vars = np.nonzero(cp.shared[cp.var_camp])[0]
    shared_link_of_var = np.full(len(cp.var_camp), -1, np.int64)
    shared_link_of_var[shared_vars] = n_personal + np.arange(len(shared_vars))
    link[shared] = shared_link_of_var[variant[shared]]
    n_links = n_personal + len(shared_vars)
    codes = encode(permute_bits(np.arange(n_links), 41, seed * 31 + 7), BASE62, 7)

    coupon = np.full(n, -1, np.int64)
    cm = cp.coupon[camp]
    coupon[cm] = np.arange(int(cm.sum()))
    hi = mix64(np.arange(n), seed * 101 + 3)
    lo = mix64(np.arange(n), seed * 101 + 5)
    s = Sends(n=n, member=member, camp=camp, variant=variant, person=person, queued=queued,
              status=status, error=error, segments=segments, price_e5=price, created=created,
              sent=sent, final=final, delivered=delivered, link=link, short_code=codes[link],
              sid_hi=hi, sid_lo=lo, coupon=coupon)
    s.n_links = n_links
    s.link_codes = codes
    s.n_personal = n_personal
    s.shared_vars = shared_vars
    return s


def coupon_codes(idx: np.ndarray, seed: int) -> np.ndarray:
    code = encode(permute_bits(np.asarray(idx), 40, seed * 17 + 11), COUPON32, 8)
    return cat(b"SMS-", np.strings.slice(code, 0, 4), b"-", np.strings.slice(code, 4, 8))


# ------------------------------------------------------------------------------ writers

def write_campaigns(land, cp: Campaigns, tzt: TzTable, start_us: int) -> None:
    brand = C.ZONE_NAMES.index(C.BRAND_TZ)
    v = np.arange(len(cp.var_camp))
    c = cp.var_camp
    seg_names = np.array(C.SEGMENTS, "S")
    sched = cp.sched[c]
    day = np.where(cp.is_journey[c], 0, np.maximum(0, (sched - start_us) // DAY - 2))
    cols = {
        "campaign_id": np.array(cp.ids, "S")[c],
        "campaign_name": pa.array([cp.names[i] for i in c], pa.string()),
        "variant_id": np.array(cp.var_ids, "S"),
        "variant_name": np.array(cp.var_names, "S"),
        "segment": seg_names[cp.segment[c]],
        "utm_campaign": pa.array([cp.utm_campaign[i] for i in c], pa.string()),
        "utm_content": pa.array(cp.var_content, pa.string()),
        "scheduled_at": iso_offset(sched, tzt.offset(brand, sched)),
        "is_journey": np.where(cp.is_journey[c], b"true", b"false"),
    }
    land.write_table("campaigns", CSV, cols, day,
                     "campaign_id, campaign_name, variant_id, variant_name, segment, utm_campaign, "
                     "utm_content, scheduled_at, is_journey", prefix="campaigns", order_key=v)


def write_holdouts(land, cp: Campaigns, ms: Memberships, p: People, start_us: int) -> None:
    cols = {
        "campaign_id": np.array(cp.ids, "S")[ms.camp],
        "subscriber_id": p.subscriber_id(ms.person),
        "grp": ms.control.astype(np.int8),
    }
    day = (ms.time - start_us) // DAY
    key = ms.camp * (p.n + 1) + ms.person
    land.write_table("holdouts", CSV, cols, day,
                     "campaign_id, subscriber_id, ['treatment', 'control'][grp + 1] AS \"group\"",
                     prefix="holdouts", order_key=key)


def write_sends(land, cp: Campaigns, s: Sends, p: People, start_us: int) -> None:
    cols = {
        "i": np.arange(s.n),
        "campaign_id": np.array(cp.ids, "S")[s.camp],
        "variant_id": np.array(cp.var_ids, "S")[s.variant],
        "subscriber_id": p.subscriber_id(s.person),
        "hi": s.sid_hi, "lo": s.sid_lo,
        "short_code": s.short_code,
        "q": s.queued.astype("datetime64[us]"),
    }
    rng = np.random.default_rng([s.n, 99])
    bad_values = ["2026-10-32T10:00:00.000Z", "10/03/2026 3:15:02 PM", "not-a-date"]
    bad = np.full(s.n, -1, np.int8)
    for j in choice_exact(rng, s.n, 0.0, minimum=2):
        k = int(rng.integers(0, len(bad_values)))
        land.note_bad_value("sends", "unparseable_timestamp", f"snd_{j + 1:09d}", "queued_at", bad_values[k])
        bad[j] = k
    cols["bad"] = bad
    land.write_table(
        "sends", CSV, cols, (s.queued - start_us) // DAY,
        "'snd_' || lpad((i + 1)::varchar, 9, '0') AS send_id, campaign_id, variant_id, subscriber_id, "
        "'SM' || printf('%016x', hi) || printf('%016x', lo) AS message_sid, short_code, "
        f"CASE WHEN bad >= 0 THEN {sql_list(bad_values)}[bad + 1] ELSE {ISO_MS.format('q')} END AS queued_at",
        prefix="sends", order_key=s.queued)


def write_links(land, cp: Campaigns, s: Sends, p: People, start_us: int) -> None:
    # personalised links: one per send of a non-shared campaign
    pers = np.nonzero(s.link < s.n_personal)[0]
    first_q = np.full(cp.n, np.iinfo(np.int64).max)
    np.minimum.at(first_q, s.camp, s.queued)
    lead_min = np.random.default_rng([s.n, 5]).uniform(5, 30, cp.n)
    camp = s.camp[pers]
    created = np.where(cp.is_journey[camp], s.queued[pers] - 1_500_000,
                       first_q[camp] - (lead_min[camp] * MIN).astype(np.int64))
    created = created // 1000 * 1000
    sv = s.shared_vars
    sv_camp = cp.var_camp[sv]
    sh_created = np.where(first_q[sv_camp] == np.iinfo(np.int64).max, cp.sched[sv_camp],
                          first_q[sv_camp]) - 30 * MIN
    link_idx = np.concatenate([s.link[pers], s.n_personal + np.arange(len(sv))])
    var = np.concatenate([s.variant[pers], sv])
    lcamp = cp.var_camp[var]
    created_all = np.concatenate([created, sh_created])
    sub = np.concatenate([p.subscriber_id(s.person[pers]), np.full(len(sv), b"", "S11")])
    expires = created_all + cp.ttl_days[lcamp] * DAY
    s.link_created = np.empty(s.n_links, np.int64)
    s.link_created[link_idx] = created_all
    s.link_expires = np.empty(s.n_links, np.int64)
    s.link_expires[link_idx] = expires
    cols = {
        "short_code": s.link_codes[link_idx],
        "v": var,
        "campaign_id": np.array(cp.ids, "S")[lcamp],
        "variant_id": np.array(cp.var_ids, "S")[var],
        "subscriber_id": sub,
        "c": created_all.astype("datetime64[us]"),
        "e": expires.astype("datetime64[us]"),
    }
    dests = [d.decode() for d in cp.var_dest]
    land.write_table(
        "links", CSV, cols, np.maximum(0, (created_all - start_us) // DAY),
        f"short_code, {sql_list(dests)}[v + 1] AS destination_url, campaign_id, variant_id, "
        f"nullif(subscriber_id, '') AS subscriber_id, {ISO_S.format('c')} AS created_at, "
        f"{ISO_S.format('e')} AS expires_at, "
        f"'{C.FALLBACK_URL}' AS fallback_url",
        prefix="links", order_key=created_all)


def write_coupons(land, cp: Campaigns, s: Sends, p: People, start_us: int, seed: int) -> None:
    m = np.nonzero(s.coupon >= 0)[0]
    cols = {
        "code": coupon_codes(s.coupon[m], seed),
        "subscriber_id": p.subscriber_id(s.person[m]),
        "campaign_id": np.array(cp.ids, "S")[s.camp[m]],
        "t": s.queued[m].astype("datetime64[us]"),
    }
    land.write_table("coupons", CSV, cols, (s.queued[m] - start_us) // DAY,
                     f"code, subscriber_id, campaign_id, {ISO_S.format('t')} AS issued_at", prefix="coupons",
                     order_key=s.queued[m])


def account_sid(seed: int) -> str:
    return "AC" + hex64(mix64(np.array([seed]), 77))[0].decode() + hex64(mix64(np.array([seed]), 78))[0].decode()


def write_twilio_messages(land, cp: Campaigns, s: Sends, p: People, start_us: int, seed: int,
                          page_size: int) -> None:
    acct = account_sid(seed)
    country = p.country[s.person]
    from_pool = [FROM_NUMBERS[c] for c in range(6)]
    from_idx = np.array([0, 3, 4, 5, 6, 7])[country] + np.where(country == 0, s.person % 3, 0)
    from_list = [n for pool in from_pool for n in pool]
    status = s.status
    cols = {
        "hi": s.sid_hi, "lo": s.sid_lo,
        "to": p.phone[s.person],
        "f": from_idx,
        "st": status,
        "seg": s.segments,
        "price_e5": s.price_e5,
        "err": s.error,
        "created": s.created.astype("datetime64[us]"),
        "sent": pa.array(s.sent.astype("datetime64[us]"), mask=s.sent < 0),
        "updated": np.maximum(s.final, s.created).astype("datetime64[us]"),
    }
    fmt = "'%a, %d %b %Y %H:%M:%S +0000'"
    element = (
        "{'sid': 'SM' || printf('%016x', hi) || printf('%016x', lo), "
        f"'account_sid': '{acct}', 'to': \"to\", 'from': {sql_list(from_list)}[f + 1], "
        "'direction': 'outbound-api', "
        f"'status': {sql_list(STATUSES)}[st + 1], 'num_segments': seg::varchar, "
        "'price': CASE WHEN price_e5 < 0 THEN NULL WHEN price_e5 = 0 THEN '0.00000' "
        "ELSE '-0.' || lpad(price_e5::varchar, 5, '0') END, 'price_unit': 'USD', "
        "'error_code': CASE WHEN err = 0 THEN NULL ELSE err END, "
        f"'date_created': strftime(created, {fmt}), 'date_sent': strftime(sent, {fmt}), "
        f"'date_updated': strftime(updated, {fmt})}}"
    )
    base = f"/2010-04-01/Accounts/{acct}/Messages.json"

    def wrap(day, page, n_pages, body, first, last, n):
        q = f"DateSent={day}&PageSize={page_size}"
        last_sid = "SM" + format(last["hi"], "016x") + format(last["lo"], "016x")
        first_sid = "SM" + format(first["hi"], "016x") + format(first["lo"], "016x")
        nxt = (f'"{base}?{q}&Page={page + 1}&PageToken=PA{last_sid}"' if page + 1 < n_pages else "null")
        prev = (f'"{base}?{q}&Page={page - 1}&PageToken=PB{first_sid}"' if page > 0 else "null")
        start = page * page_size
        return (f'{{"messages": [{body}], "end": {start + n - 1}, '
                f'"first_page_uri": "{base}?{q}&Page=0", "next_page_uri": {nxt}, "page": {page}, '
                f'"page_size": {page_size}, "previous_page_uri": {prev}, "start": {start}, '
                f'"uri": "{base}?{q}&Page={page}"}}\n')

    # Twilio lists newest first
    land.write_pages("twilio_messages", cols, (s.created - start_us) // DAY, element, "messages",
                     page_size, wrap, order_key=-s.created)


def write_twilio_status(land, s: Sends, p: People, rng, start_us: int, end_us: int, seed: int) -> None:
    n = s.n
    parts_m, parts_s, parts_t = [], [], []
    q = np.nonzero(rng.random(n) < 0.3)[0]
    parts_m.append(q); parts_s.append(np.full(len(q), ST_QUEUED)); parts_t.append(s.created[q] + rng.integers(100_000, 600_000, len(q)))  # noqa: E702
    sm = np.nonzero(s.sent >= 0)[0]
    t_sent = s.sent[sm] + rng.integers(200_000, 1_500_000, len(sm))
    fm = np.nonzero(s.status != ST_SENT)[0]
    t_final = s.final[fm] + rng.integers(200_000, 2_000_000, len(fm))
    # delivery receipts that come hours late
    late = choice_exact(rng, len(fm), 0.004, minimum=2)
    t_final[late] += (rng.uniform(1, 30, len(late)) * HOUR).astype(np.int64)
    land.dirt["twilio_status"]["late_callbacks"] += len(late)
    # out of order: the 'sent' callback arrives after the final one
    final_time = np.full(n, -1, np.int64)
    final_time[fm] = t_final
    dl = np.nonzero((final_time[sm] >= 0))[0]
    ooo = dl[choice_exact(rng, len(dl), 0.08, minimum=3)]
    t_sent[ooo] = final_time[sm[ooo]] + rng.integers(500_000, 20_000_000, len(ooo))
    land.dirt["twilio_status"]["out_of_order_callbacks"] += len(ooo)
    parts_m.append(sm); parts_s.append(np.full(len(sm), ST_SENT)); parts_t.append(t_sent)  # noqa: E702
    parts_m.append(fm); parts_s.append(s.status[fm]); parts_t.append(t_final)  # noqa: E702
    msg = np.concatenate(parts_m)
    st = np.concatenate(parts_s)
    t = np.concatenate(parts_t)
    # retries: the same callback posted again
    rt = choice_exact(rng, len(msg), 0.015, minimum=3)
    msg = np.concatenate([msg, msg[rt]])
    st = np.concatenate([st, st[rt]])
    t = np.concatenate([t, t[rt] + rng.integers(5 * SEC, 300 * SEC, len(rt))])
    land.dirt["twilio_status"]["callback_retries"] += len(rt)
    keep = t < end_us
    msg, st, t = msg[keep], st[keep], t[keep]
    err = np.where(np.isin(st, [ST_UNDELIVERED, ST_FAILED]), s.error[msg], 0)
    country = p.country[s.person[msg]]
    from_list = [n for c in range(6) for n in FROM_NUMBERS[c]]
    from_idx = np.array([0, 3, 4, 5, 6, 7])[country] + np.where(country == 0, s.person[msg] % 3, 0)
    cols = {
        "hi": s.sid_hi[msg], "lo": s.sid_lo[msg], "st": st, "err": err,
        "to": lambda rows: pa.array(p.phone[s.person[msg[rows]]]).cast(pa.string()),
        "f": from_idx, "t": t.astype("datetime64[us]"),
    }
    acct = account_sid(seed)
    land.write_table(
        "twilio_status", NDJSON, cols, (t - start_us) // DAY,
        "'SM' || printf('%016x', hi) || printf('%016x', lo) AS MessageSid, "
        f"{sql_list(STATUSES)}[st + 1] AS MessageStatus, "
        "CASE WHEN err = 0 THEN NULL ELSE err::varchar END AS ErrorCode, \"to\" AS \"To\", "
        f"{sql_list(from_list)}[f + 1] AS \"From\", '{acct}' AS AccountSid, "
        f"'2010-04-01' AS ApiVersion, {ISO_MS.format('t')} AS received_at",
        prefix="callbacks", order_key=t)
