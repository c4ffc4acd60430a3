"""GA4: sessions (SMS landings, other channels' visits, conversions) and their events."""

from __future__ import annotations

from dataclasses import dataclass
from urllib.parse import quote

import numpy as np
import pyarrow as pa

from . import catalog as C
from .landing import NDJSON, sql_list
from .messaging import Campaigns
from .outcomes import LEAD, PURCHASE, P_SMS_CLICK, Clicks, Conversions
from .people import People
from .util import BASE62, DAY, MIN, SEC, TzTable, cat, choice_exact, encode, hex64, mix64

NULL_STR = pa.scalar(None, pa.string())
AFF_PREFIX = [b"ir_", b"aw_", b"cj_", b"ef_"]


def flat(x) -> pa.Array:
    """A plain Array (pyarrow returns ChunkedArray for large inputs)."""
    return x.combine_chunks() if isinstance(x, pa.ChunkedArray) else x


def to_str(v) -> pa.Array:
    if isinstance(v, (pa.Array, pa.ChunkedArray)):
        return flat(v)
    return flat(pa.array(v)).cast(pa.string())


def scatter(n: int, parts: list[tuple[np.ndarray, object]]) -> pa.Array:
    """Assemble a string column from (indices, values) parts; unlisted rows are null."""
    idx, arrays = [], []
    for i, v in parts:
        i = np.asarray(i, np.int64)
        if len(i) == 0:
            continue
        idx.append(i)
        if isinstance(v, (bytes, str)):
            v = np.full(len(i), v if isinstance(v, bytes) else v.encode())
        arrays.append(to_str(v))
    if not idx:
        return pa.nulls(n, pa.string())
    all_idx = np.concatenate(idx)
    missing = np.setdiff1d(np.arange(n), all_idx, assume_unique=False)
    all_idx = np.concatenate([all_idx, missing])
    arrays.append(pa.nulls(len(missing), pa.string()))
    values = pa.concat_arrays(arrays)
    inv = np.empty(n, np.int64)
    inv[all_idx] = np.arange(n)
    return flat(values.take(pa.array(inv)))


@dataclass
class Sessions:
    n: int
    person: np.ndarray
    device: np.ndarray
    start: np.ndarray
    channel: np.ndarray
    depth: np.ndarray
    conv: np.ndarray
    logged_in: np.ndarray
    is_bot: np.ndarray
    bot_family: np.ndarray
    network: np.ndarray
    url: pa.Array
    referrer: pa.Array
    utm_source: pa.Array
    utm_medium: pa.Array
    utm_campaign: pa.Array
    utm_content: pa.Array
    gclid: pa.Array
    aff_click_id: pa.Array
    pseudo: pa.Array
    session_number: np.ndarray
    late: np.ndarray


def make_sessions(rng, cp: Campaigns, p: People, ck: Clicks, cv: Conversions, send_variant: np.ndarray,
                  start_us: int, end_us: int, days: int, seed: int) -> Sessions:
    # 1. SMS landings
    lc = np.nonzero(ck.lands)[0]
    c_person = ck.person[lc]
    c_bot = ck.family[lc] >= 0
    c_start = ck.t[lc] + rng.integers(500_000, 4 * SEC, len(lc))
    c_conv = np.where(ck.conv[lc] >= 0, ck.conv[lc], -1)
    c_conv = np.where((c_conv >= 0) & cv.same_session[np.maximum(c_conv, 0)], c_conv, -1)
    # 2. sessions in which other conversions happen
    online = (cv.ctype != 2) & ~((cv.path == P_SMS_CLICK) & cv.same_session)
    ci = np.nonzero(online)[0]
    v_start = cv.t[ci] - rng.integers(3 * MIN, 25 * MIN, len(ci))
    # 3. browsing without converting
    n_b = int(rng.poisson(p.n * days * 0.02))
    b_person = rng.integers(0, p.n, n_b)
    b_start = start_us + (rng.random(n_b) * (end_us - start_us)).astype(np.int64)
    b_channel = rng.choice([C.CH_EMAIL, C.CH_PAID_SEARCH, C.CH_PAID_SOCIAL, C.CH_ORGANIC, C.CH_REFERRAL,
                            C.CH_AFFILIATE, C.CH_DIRECT], n_b, p=[.12, .2, .15, .2, .06, .07, .2])

    n_c, n_v = len(lc), len(ci)
    n = n_c + n_v + n_b
    person = np.concatenate([c_person, cv.person[ci], b_person])
    start = np.concatenate([c_start, v_start, b_start])
    channel = np.concatenate([np.full(n_c, C.CH_SMS), cv.channel[ci], b_channel])
    conv = np.concatenate([c_conv, ci, np.full(n_b, -1)])
    is_bot = np.concatenate([c_bot, np.zeros(n_v + n_b, bool)])
    bot_family = np.concatenate([ck.family[lc], np.full(n_v + n_b, -1)])
    network = np.full(n, -1, np.int64)
    network[n_c:n_c + n_v] = cv.network[ci]
    aff = np.nonzero(channel == C.CH_AFFILIATE)[0]
    network[aff] = np.where(network[aff] >= 0, network[aff],
                            rng.integers(0, len(C.AFFILIATE_NETWORKS), len(aff)))

    # devices: SMS landings on the phone; other visits on phone or desktop
    hp = np.maximum(person, 0)
    desk = (p.dev_desktop[hp] >= 0) & (rng.random(n) < 0.45)
    desk[:n_c] = False
    device = np.where(desk, p.dev_desktop[hp], p.dev_phone[hp])
    n_dev = len(p.dev_person)
    bots = np.nonzero(is_bot)[0]
    device[bots] = n_dev + np.arange(len(bots))
    pseudo_all = pa.concat_arrays([
        to_str(p.dev_pseudo),
        to_str(cat(((mix64(np.arange(len(bots)), seed * 3 + 5) % np.uint64(2_000_000_000)).astype(np.int64)
                    + 100_000_000).astype("S10"), b".", (start[bots] // SEC).astype("S10")))
        if len(bots) else pa.array([], pa.string())])
    pseudo = flat(pseudo_all.take(pa.array(device)))

    ctype = np.where(conv >= 0, cv.ctype[np.maximum(conv, 0)], -1)
    depth = rng.choice(4, n, p=[0.4, 0.3, 0.15, 0.15])
    depth[ctype == PURCHASE] = 3
    depth[ctype == LEAD] = np.minimum(depth[ctype == LEAD], 1)
    depth[is_bot] = 0
    has_customer = p.customer_id[hp] >= 0
    logged_in = has_customer & ~is_bot & ((rng.random(n) < 0.3) | ((ctype == PURCHASE) & (rng.random(n) < 0.6)))

    # landing urls, referrers and traffic sources
    path = np.array(C.LANDING_PATHS, "S")[rng.integers(0, len(C.LANDING_PATHS), n)]
    base = cat(C.SHOP.encode(), path)
    sess_ix = np.arange(n)
    url_parts, ref_parts, src_parts, med_parts, camp_parts, cont_parts, gclid_parts, aff_parts = ([] for _ in range(8))
    # sms
    sm = np.arange(n_c)
    url_parts.append((sm, ck.location[lc]))
    ok = ck.status[lc] == 302
    var = ck.send[lc]
    sv = np.zeros(n_c, np.int64)
    has_send = var >= 0
    sv[has_send] = send_variant[var[has_send]]
    sms_ok = sm[ok]
    src_parts.append((sms_ok, np.array(cp.var_utm_source, "S")[sv[ok]]))
    med_parts.append((sms_ok, b"sms"))
    camp_parts.append((sms_ok, pa.array([cp.utm_campaign[c] for c in cp.var_camp[sv[ok]]], pa.string())))
    cont_parts.append((sms_ok, pa.array([cp.var_content[v] for v in sv[ok]], pa.string())))

    def enc(values):
        return np.array([quote(v, safe="").encode() for v in values], "S")

    def add(ch, query_fn):
        idx = sess_ix[channel == ch]
        if len(idx):
            query_fn(idx)

    def q_email(idx):
        k = rng.integers(0, len(C.EMAIL_CAMPAIGNS), len(idx))
        names = np.array(C.EMAIL_CAMPAIGNS, "S")[k]
        url_parts.append((idx, cat(base[idx], b"?utm_source=klaviyo&utm_medium=email&utm_campaign=",
                                   enc(C.EMAIL_CAMPAIGNS)[k])))
        src_parts.append((idx, b"klaviyo")); med_parts.append((idx, b"email")); camp_parts.append((idx, names))  # noqa: E702

    def q_search(idx):
        k = rng.integers(0, len(C.SEARCH_CAMPAIGNS), len(idx))
        gclid = cat(b"Cj0KCQjw", encode(mix64(idx, seed * 5 + 1), BASE62, 11), encode(mix64(idx, seed * 5 + 2), BASE62, 11))
        url_parts.append((idx, cat(base[idx], b"?gclid=", gclid, b"&utm_source=google&utm_medium=cpc&utm_campaign=",
                                   enc(C.SEARCH_CAMPAIGNS)[k])))
        ref_parts.append((idx, b"https://www.google.com/"))
        src_parts.append((idx, b"google")); med_parts.append((idx, b"cpc"))  # noqa: E702
        camp_parts.append((idx, np.array(C.SEARCH_CAMPAIGNS, "S")[k])); gclid_parts.append((idx, gclid))  # noqa: E702

    def q_social(idx):
        k = rng.integers(0, len(C.SOCIAL_CAMPAIGNS), len(idx))
        src = np.where(rng.random(len(idx)) < 0.7, b"facebook", b"instagram")
        med = np.where(rng.random(len(idx)) < 0.7, b"paid_social", b"cpc")
        fbclid = cat(b"IwAR", encode(mix64(idx, seed * 5 + 3), BASE62, 11), encode(mix64(idx, seed * 5 + 4), BASE62, 11))
        url_parts.append((idx, cat(base[idx], b"?fbclid=", fbclid, b"&utm_source=", src, b"&utm_medium=", med,
                                   b"&utm_campaign=", enc(C.SOCIAL_CAMPAIGNS)[k])))
        ref_parts.append((idx, np.where(src == b"facebook", b"https://l.facebook.com/", b"https://l.instagram.com/")))
        src_parts.append((idx, src)); med_parts.append((idx, med))  # noqa: E702
        camp_parts.append((idx, np.array(C.SOCIAL_CAMPAIGNS, "S")[k]))

    def q_affiliate(idx):
        net = network[idx]
        names = np.array([n for n, *_ in C.AFFILIATE_NETWORKS], "S")[net]
        offer = np.array([o[0] for _, o, *_ in C.AFFILIATE_NETWORKS], "S")[net]
        affid = cat(np.array(AFF_PREFIX, "S")[net], hex64(mix64(idx, seed * 5 + 6)))
        url_parts.append((idx, cat(base[idx], b"?utm_source=", names, b"&utm_medium=affiliate&utm_campaign=",
                                   offer, b"&aff_click_id=", affid)))
        ref_parts.append((idx, b"https://deals.example.net/"))
        src_parts.append((idx, names)); med_parts.append((idx, b"affiliate")); camp_parts.append((idx, offer))  # noqa: E702
        aff_parts.append((idx, affid))

    def q_plain(ch):
        def f(idx):
            url_parts.append((idx, base[idx]))
            if ch == C.CH_ORGANIC:
                ref_parts.append((idx, np.where(rng.random(len(idx)) < 0.85, b"https://www.google.com/",
                                                b"https://www.bing.com/")))
            elif ch == C.CH_REFERRAL:
                ref_parts.append((idx, np.array(C.REFERRERS, "S")[rng.integers(0, len(C.REFERRERS), len(idx))]))
        return f

    add(C.CH_EMAIL, q_email)
    add(C.CH_PAID_SEARCH, q_search)
    add(C.CH_PAID_SOCIAL, q_social)
    add(C.CH_AFFILIATE, q_affiliate)
    for ch in (C.CH_ORGANIC, C.CH_REFERRAL, C.CH_DIRECT):
        add(ch, q_plain(ch))

    # sessions per device, numbered in time order (with visits before the window)
    order = np.lexsort((start, device))
    dev_sorted = device[order]
    first_of = np.searchsorted(dev_sorted, dev_sorted, side="left")
    prior = (mix64(dev_sorted, seed * 9) % np.uint64(12)).astype(np.int64)
    prior = np.where(rng.random(n)[order] < 0.25, 0, prior)
    number = np.empty(n, np.int64)
    number[order] = np.arange(n) - first_of + 1 + np.where(dev_sorted >= n_dev, 0, prior)
    late = np.zeros(n, bool)
    late[choice_exact(rng, n, 0.02, minimum=2)] = True

    return Sessions(
        n=n, person=person, device=device, start=start // 1000 * 1000, channel=channel, depth=depth,
        conv=conv, logged_in=logged_in, is_bot=is_bot, bot_family=bot_family, network=network,
        url=scatter(n, url_parts), referrer=scatter(n, ref_parts), utm_source=scatter(n, src_parts),
        utm_medium=scatter(n, med_parts), utm_campaign=scatter(n, camp_parts),
        utm_content=scatter(n, cont_parts), gclid=scatter(n, gclid_parts),
        aff_click_id=scatter(n, aff_parts), pseudo=pseudo, session_number=number, late=late)


EV_NAMES = ["page_view", "session_start", "first_visit", "view_item", "add_to_cart", "begin_checkout",
            "purchase", "generate_lead"]


def write_ga4(land, rng, ss: Sessions, p: People, cv: Conversions, order_of_conv: np.ndarray,
              conv_total_cents: np.ndarray, conv_currency: np.ndarray, tzt: TzTable, start_us: int,
              end_us: int) -> dict:
    n = ss.n
    ctype = np.where(ss.conv >= 0, cv.ctype[np.maximum(ss.conv, 0)], -1)
    purchase = ctype == PURCHASE
    tracked = purchase.copy()
    drop = np.nonzero(purchase)[0]
    drop = drop[choice_exact(rng, len(drop), 0.1, minimum=1 if len(drop) > 3 else 0)]
    tracked[drop] = False  # consent / blockers: the purchase never reaches GA4
    M = np.zeros((n, 8), bool)
    M[:, 0] = M[:, 1] = True
    M[:, 2] = ss.session_number == 1
    M[:, 3] = (ss.depth >= 1) & (ctype != LEAD)
    M[:, 4] = (ss.depth >= 2) & (ctype != LEAD)
    M[:, 5] = ss.depth >= 3
    M[:, 6] = tracked
    M[:, 7] = ctype == LEAD
    sess, kind = np.nonzero(M)
    conv_t = np.where(ss.conv >= 0, cv.t[np.maximum(ss.conv, 0)], 0)
    dur = np.where(ss.conv >= 0, np.maximum(conv_t - ss.start, 30 * SEC),
                   (rng.lognormal(np.log(90), 0.8, n) * SEC).astype(np.int64) * (ss.depth + 1))
    frac = np.array([0, 0, 0, 0.25, 0.5, 0.75, 1.0, 1.0])[kind]
    jitter = rng.uniform(-0.1, 0.1, len(kind)) * (kind >= 3) * (kind <= 5)
    ts = ss.start[sess] + ((frac + jitter) * dur[sess]).astype(np.int64)
    ts = np.where(kind >= 6, np.where(ss.conv[sess] >= 0, conv_t[sess], ts), ts)
    ts += kind  # keep the order within a session strict (µs)
    keep = ts < end_us
    sess, kind, ts = sess[keep], kind[keep], ts[keep]
    ne = len(sess)
    brand = C.ZONE_NAMES.index(C.BRAND_TZ)
    local = ts + tzt.offset(brand, ts).astype(np.int64) * MIN
    event_date = np.datetime_as_string(local.astype("datetime64[us]").astype("datetime64[D]")).astype("S")
    event_date = np.strings.replace(event_date, b"-", b"")
    hp = np.maximum(ss.person, 0)
    dev_kind_phone = ss.device < len(p.dev_person)
    is_phone = dev_kind_phone & (ss.device < p.n)
    # device description per session
    ua_phone = p.phone_ua[hp]
    ua_desk = np.maximum(p.desktop_ua[hp], 0)
    os_names = [x[1] for x in C.PHONE_UAS] + [x[1] for x in C.DESKTOP_UAS] + ["Linux", "Windows"]
    br_names = [x[2] for x in C.PHONE_UAS] + [x[2] for x in C.DESKTOP_UAS] + ["Chrome", "Edge"]
    dev_desc = np.where(is_phone, ua_phone, len(C.PHONE_UAS) + ua_desk)
    fam_headless = list(C.BOT_FAMILIES).index("headless_browser")
    dev_desc = np.where(ss.is_bot, np.where(ss.bot_family == fam_headless, len(os_names) - 2, len(os_names) - 1),
                        dev_desc)
    zone = np.where(ss.is_bot, -1, p.zone[hp])
    user_id = np.where(ss.logged_in, p.customer_id[hp], -1)
    product = rng.integers(0, len(C.PRODUCTS), n)
    handles = [h for _, h, _ in C.PRODUCTS]
    conv = ss.conv[sess]
    rev = np.where(conv >= 0, conv_total_cents[np.maximum(conv, 0)], 0)
    cur = np.where(conv >= 0, conv_currency[np.maximum(conv, 0)], 0)
    oid = np.where(conv >= 0, order_of_conv[np.maximum(conv, 0)], -1)
    def per_file(arr):
        return lambda rows: flat(arr.take(pa.array(sess[rows])))

    cols = {
        "event_date": event_date, "ts": ts, "kind": kind,
        "url": per_file(ss.url), "referrer": per_file(ss.referrer),
        "sid": ss.start[sess] // SEC, "snum": ss.session_number[sess],
        "eng": np.where(kind >= 3, rng.integers(800, 45_000, ne), -1),
        "engaged": (kind >= 3) & ((ss.depth[sess] >= 1) | (conv >= 0)),
        "pseudo": per_file(ss.pseudo),
        "user_id": user_id[sess],
        "phone": is_phone[sess], "bot": ss.is_bot[sess], "dev": dev_desc[sess],
        "zone": zone[sess], "product": product[sess],
        "src": per_file(ss.utm_source), "med": per_file(ss.utm_medium),
        "cmp": per_file(ss.utm_campaign), "cnt": per_file(ss.utm_content),
        "gclid": per_file(ss.gclid),
        "oid": oid, "rev": rev, "cur": cur,
    }
    geo_country = [C.COUNTRY_NAME[z[1]] for z in C.ZONES]
    geo_region = [z[3] for z in C.ZONES]
    geo_city = [z[4] for z in C.ZONES]
    currencies = C.CURRENCIES + [C.UNKNOWN_CURRENCY]

    def sv(expr):
        return f"{{'string_value': {expr}, 'int_value': NULL::BIGINT, 'float_value': NULL::DOUBLE, 'double_value': NULL::DOUBLE}}"

    def iv(expr):
        return f"{{'string_value': NULL::VARCHAR, 'int_value': {expr}, 'float_value': NULL::DOUBLE, 'double_value': NULL::DOUBLE}}"

    page = (f"CASE WHEN kind <= 2 THEN url WHEN kind <= 4 THEN '{C.SHOP}/products/' || "
            f"{sql_list(handles)}[product + 1] WHEN kind = 7 THEN url || '#thank-you' "
            f"ELSE '{C.SHOP}/checkouts/cn/' || sid::varchar END")
    ref = "CASE WHEN kind <= 2 THEN referrer ELSE url END"
    params = (
        f"[{{'key': 'page_location', 'value': {sv(page)}}}, "
        f"{{'key': 'ga_session_id', 'value': {iv('sid')}}}, "
        f"{{'key': 'ga_session_number', 'value': {iv('snum')}}}] "
        f"|| CASE WHEN ({ref}) IS NULL THEN [] ELSE [{{'key': 'page_referrer', 'value': {sv(ref)}}}] END "
        f"|| CASE WHEN eng < 0 THEN [] ELSE [{{'key': 'engagement_time_msec', 'value': {iv('eng')}}}] END "
        f"|| CASE WHEN engaged THEN [{{'key': 'session_engaged', 'value': {sv(chr(39) + '1' + chr(39))}}}] ELSE [] END"
    )
    select = (
        "event_date, ts AS event_timestamp, "
        f"{sql_list(EV_NAMES)}[kind + 1] AS event_name, {params} AS event_params, "
        "pseudo AS user_pseudo_id, CASE WHEN user_id < 0 THEN NULL ELSE user_id::varchar END AS user_id, "
        "{'category': CASE WHEN phone THEN 'mobile' ELSE 'desktop' END, "
        f"'operating_system': {sql_list(os_names)}[dev + 1], "
        f"'web_info': {{'browser': {sql_list(br_names)}[dev + 1]}}}} AS device, "
        f"CASE WHEN zone < 0 THEN {{'country': 'United States', 'region': 'Virginia', 'city': 'Ashburn'}} "
        f"ELSE {{'country': {sql_list(geo_country)}[zone + 1], 'region': {sql_list(geo_region)}[zone + 1], "
        f"'city': {sql_list(geo_city)}[zone + 1]}} END AS geo, "
        "CASE WHEN kind <= 2 AND (src IS NOT NULL OR gclid IS NOT NULL) THEN "
        "{'manual_source': src, 'manual_medium': med, 'manual_campaign_name': cmp, 'manual_content': cnt, "
        "'gclid': gclid, 'dclid': NULL::VARCHAR, 'srsltid': NULL::VARCHAR} END AS collected_traffic_source, "
        "CASE WHEN kind = 6 THEN {'transaction_id': oid::varchar, 'purchase_revenue': rev / 100.0, "
        f"'currency': {sql_list(currencies)}[cur + 1]}} END AS ecommerce, 'WEB' AS platform"
    )
    day = (ts - start_us) // DAY + ss.late[sess]
    land.dirt["ga4"]["late_records"] += int((ss.late[sess] & ((ts - start_us) // DAY < (end_us - start_us) // DAY - 1)).sum())
    land.write_table("ga4", NDJSON, cols, day, select, prefix="events", order_key=ts)
    return {"events": ne, "purchase_events": int((kind == 6).sum()), "tracked_purchase_sessions": tracked}
