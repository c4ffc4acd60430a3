"""Orders and everything that reports a conversion: Shopify webhooks, postbacks,
affiliate network reports, in-store coupon redemptions, HubSpot contacts and deals;
plus spend and fx rates."""

from __future__ import annotations

import base64
import hashlib
import hmac
import json
import uuid
from dataclasses import dataclass
from datetime import UTC, datetime

import numpy as np
import pyarrow as pa

from . import catalog as C
from .landing import CSV, NDJSON, csv_line, dumps, write_records_as_pages
from .messaging import Campaigns, Sends, coupon_codes
from .outcomes import LEAD, OFFLINE, PURCHASE, P_SMS_CLICK, Clicks, Conversions
from .people import People
from .util import DAY, HOUR, MIN, SEC, TzTable, choice_exact, gather, iso_offset, money_str
from .web import AFF_PREFIX

XYZ = len(C.CURRENCIES)  # index of the unknown currency
CUR_NAMES = C.CURRENCIES + [C.UNKNOWN_CURRENCY]
HMAC_SECRET = b"sample-webhook-secret"


def iso_local(us: int, offset_min: int, ms: bool = False) -> str:
    dt = datetime.fromtimestamp((us + offset_min * MIN) / SEC, UTC).replace(tzinfo=None)
    sign = "-" if offset_min < 0 else "+"
    a = abs(int(offset_min))
    base = dt.strftime("%Y-%m-%dT%H:%M:%S") + (f".{dt.microsecond // 1000:03d}" if ms else "")
    return f"{base}{sign}{a // 60:02d}:{a % 60:02d}"


def iso_utc(us: int, ms: bool = True) -> str:
    dt = datetime.fromtimestamp(us / SEC, UTC)
    return dt.strftime("%Y-%m-%dT%H:%M:%S") + (f".{dt.microsecond // 1000:03d}Z" if ms else "Z")


@dataclass
class Priced:
    currency: np.ndarray  # per conversion, index into CUR_NAMES
    subtotal: np.ndarray
    discount: np.ndarray
    tax: np.ndarray
    shipping: np.ndarray
    total: np.ndarray
    items: np.ndarray  # (n, 3) product index or -1
    qty: np.ndarray  # (n, 3)
    unit: np.ndarray  # (n, 3) unit price cents
    code: list  # discount code or None
    order_id: np.ndarray  # Shopify order id (purchases), -1
    order_no: np.ndarray
    refunded: np.ndarray  # cents refunded (within the window)
    cancelled: np.ndarray


def price_conversions(rng, cv: Conversions, p: People, cp: Campaigns, s: Sends, seed: int,
                      land) -> Priced:
    n = cv.n
    cur = p.currency[cv.person].copy()
    buy = np.nonzero((cv.ctype == PURCHASE) | (cv.ctype == OFFLINE))[0]
    xyz = buy[choice_exact(rng, len(buy), 0.0005, minimum=min(3, len(buy)))]
    cur[xyz] = XYZ
    land.dirt["shopify_orders"]["unknown_currency"] += int((cv.ctype[xyz] == PURCHASE).sum())
    land.dirt["pos_redemptions"]["unknown_currency"] += int((cv.ctype[xyz] == OFFLINE).sum())
    rates = np.array([C.FX_BASE[c] for c in C.CURRENCIES] + [1.0])
    usd = np.array([pr for _, _, pr in C.PRODUCTS], float)
    local = (np.round(usd[None, :] / rates[:, None] / 100) * 100).astype(np.int64)  # (cur, product)
    n_items = rng.choice([1, 2, 3], n, p=[.6, .3, .1])
    items = rng.integers(0, len(C.PRODUCTS), (n, 3))
    items[np.arange(3)[None, :] >= n_items[:, None]] = -1
    qty = np.where(items >= 0, np.where(rng.random((n, 3)) < 0.85, 1, 2), 0)
    unit = np.where(items >= 0, local[cur[:, None], np.maximum(items, 0)], 0)
    subtotal = (unit * qty).sum(1)
    code: list = [None] * n
    discount = np.zeros(n, np.int64)
    with_coupon = (cv.send >= 0) & (cv.camp >= 0)
    coup_idx = np.where(with_coupon, gather(s.coupon, cv.send, -1), -1)
    online_coupon = (cv.ctype == PURCHASE) & (coup_idx >= 0) & (cv.path == P_SMS_CLICK) & (rng.random(n) < 0.5)
    pos = (cv.ctype == OFFLINE) & (coup_idx >= 0)
    use = np.nonzero(online_coupon | pos)[0]
    codes = coupon_codes(coup_idx[use], seed) if len(use) else []
    for j, c in zip(use, codes):
        code[j] = c.decode()
    discount[use] = subtotal[use] * 15 // 100
    generic = np.nonzero((cv.ctype == PURCHASE) & (coup_idx < 0) & (rng.random(n) < 0.05))[0]
    for j in generic:
        code[j] = ["WELCOME10", "FREESHIP"][int(j) % 2]
        if code[j] == "WELCOME10":
            discount[j] = subtotal[j] // 10
    taxed = np.isin(p.country[cv.person], [0, 1])
    net = subtotal - discount
    tax = np.where(taxed, net * 8 // 100, net * 20 // 120)
    shipping = np.where((net >= 7500) | (cv.ctype == OFFLINE), 0, 595)
    total = net + np.where(taxed, tax, 0) + shipping
    order_id = np.full(n, -1, np.int64)
    order_no = np.full(n, -1, np.int64)
    pur = np.nonzero(cv.ctype == PURCHASE)[0]  # conversions are in time order
    order_id[pur] = 5_900_000_000_000 + np.arange(len(pur)) * 113 + rng.integers(0, 100, len(pur))
    order_no[pur] = 1001 + np.arange(len(pur))
    return Priced(currency=cur, subtotal=subtotal, discount=discount, tax=tax, shipping=shipping,
                  total=total, items=items, qty=qty, unit=unit, code=code, order_id=order_id,
                  order_no=order_no, refunded=np.zeros(n, np.int64), cancelled=np.zeros(n, bool))


def conversion_session(ss, n_conv: int) -> np.ndarray:
    out = np.full(n_conv, -1, np.int64)
    has = np.nonzero(ss.conv >= 0)[0]
    out[ss.conv[has]] = has
    return out


def conv_click_ids(ck: Clicks, n_conv: int) -> list:
    """The SMS click id behind each conversion (the forced human click), else None."""
    out: list = [None] * n_conv
    idx = np.nonzero(ck.conv >= 0)[0]
    for i, c in zip(idx, ck.conv[idx]):
        out[int(c)] = ck.click_id[i].decode()
    return out


def _uuids(rng, n: int) -> list[str]:
    raw = rng.bytes(16 * n)
    return [str(uuid.UUID(bytes=raw[16 * i:16 * i + 16], version=4)) for i in range(n)]


def write_shopify(land, rng, cv: Conversions, pr: Priced, p: People, ss, ck_ids: list,
                  tzt: TzTable, start_us: int, end_us: int) -> dict:
    brand = C.ZONE_NAMES.index(C.BRAND_TZ)
    conv_sess = conversion_session(ss, cv.n)
    pur = np.nonzero(cv.ctype == PURCHASE)[0]
    events = []  # (delivery_us, topic, body, conv)
    li_counter = 0
    sms_known = {}
    # per-order values prepared in bulk; the loop only assembles them
    t_all = cv.t[pur]
    off_all = tzt.offset(brand, t_all).astype(np.int64)
    processed_all = iso_offset(t_all, off_all).astype(str).tolist()
    created_all = iso_offset(t_all - rng.integers(5, 60, len(pur)) * SEC, off_all).astype(str).tolist()
    persons = cv.person[pur]
    emails = p.email[persons].astype(str).tolist()
    phones = p.phone[persons].astype(str).tolist()
    si_all = conv_sess[pur]
    has_si = si_all >= 0
    urls = ss.url.take(pa.array(np.maximum(si_all, 0))).to_pylist()
    refs = ss.referrer.take(pa.array(np.maximum(si_all, 0))).to_pylist()
    u_drop = rng.random(len(pur))
    u_note = rng.random(len(pur))
    u_case = rng.random(len(pur))
    price_str = {(int(c), int(u)): money_str(u) for c, u in set(zip(np.repeat(pr.currency, 3).tolist(),
                                                                       pr.unit.ravel().tolist()))}
    for n_i, j in enumerate(pur.tolist()):
        t = int(t_all[n_i])
        off = int(off_all[n_i])
        person = int(persons[n_i])
        cid = int(p.customer_id[person])
        email = emails[n_i]
        phone = phones[n_i]
        cur = CUR_NAMES[pr.currency[j]]
        landing_site, referring = "/", None
        if has_si[n_i]:
            url = urls[n_i] or C.SHOP + "/"
            landing_site = url[len(C.SHOP):] or "/"
            referring = refs[n_i]
        notes = []
        clk = ck_ids[j]
        if clk is not None:
            if cv.same_session[j] and u_drop[n_i] < 0.25:
                landing_site = "/"  # the theme dropped the query string
            if u_note[n_i] < 0.5:
                notes.append({"name": "sms_click_id", "value": clk})
        known = (clk is not None) and ((f"sms_click_id={clk}" in landing_site) or bool(notes))
        if known:
            sms_known[j] = clk
        line_items = []
        for k in range(3):
            if pr.items[j, k] < 0:
                continue
            li_counter += 1
            sku, handle, _ = C.PRODUCTS[pr.items[j, k]]
            line_items.append({"id": 14_000_000_000_000 + li_counter * 7, "sku": sku,
                               "title": handle.replace("-", " ").title(), "quantity": int(pr.qty[j, k]),
                               "price": price_str[(int(pr.currency[j]), int(pr.unit[j, k]))]})
        if u_case[n_i] < 0.02:
            email = email.upper()
        created = created_all[n_i]
        processed = processed_all[n_i]
        body = {
            "id": int(pr.order_id[j]), "admin_graphql_api_id": f"gid://shopify/Order/{int(pr.order_id[j])}",
            "name": f"#{int(pr.order_no[j])}", "order_number": int(pr.order_no[j]),
            "email": email,
            "phone": phone if p.cust_phone[person] else None,
            "created_at": created, "processed_at": processed, "updated_at": processed,
            "cancelled_at": None, "cancel_reason": None, "currency": cur, "presentment_currency": cur,
            "subtotal_price": money_str(pr.subtotal[j] - pr.discount[j]),
            "total_discounts": money_str(pr.discount[j]), "total_tax": money_str(pr.tax[j]),
            "total_shipping_price_set": {"shop_money": {"amount": money_str(pr.shipping[j]), "currency_code": cur}},
            "total_price": money_str(pr.total[j]),
            "taxes_included": not bool(p.country[person] <= 1), "financial_status": "paid",
            "source_name": "web", "test": False,
            "customer": {"id": cid, "email": email if p.cust_email[person] else None,
                         "phone": phone if p.cust_phone[person] else None},
            "landing_site": landing_site, "referring_site": referring or "",
            "note_attributes": notes,
            "discount_codes": ([{"code": pr.code[j], "amount": money_str(pr.discount[j]),
                                 "type": "percentage" if pr.discount[j] else "shipping"}]
                               if pr.code[j] else []),
            "line_items": line_items,
        }
        events.append((t + SEC + (t % 4) * SEC, "orders/paid", body, j))
    # cancellations (with their refund) and refunds after payment
    n_p = len(pur)
    cancel = set(pur[choice_exact(rng, n_p, 0.025, minimum=min(1, n_p))].tolist())
    rest = [j for j in pur if j not in cancel]
    refund = set(np.array(rest)[choice_exact(rng, len(rest), 0.06, minimum=min(1, len(rest)))].tolist()) if rest else set()
    refund_id = 8_800_000_000_000
    paid_bodies = {e[3]: e[2] for e in events}
    extra = []
    for j in sorted(cancel | refund):
        body = paid_bodies[j]
        t_paid = int(cv.t[j])
        full = j in cancel
        t = t_paid + (int(rng.integers(1 * HOUR, 48 * HOUR)) if full else int(rng.integers(1 * DAY, 10 * DAY)))
        if t >= end_us:
            continue
        off = int(tzt.offset(brand, t))
        cur = body["currency"]
        if full:
            amount = int(pr.total[j])
            cb = dict(body)
            cb.update(cancelled_at=iso_local(t, off), updated_at=iso_local(t, off),
                      cancel_reason=str(rng.choice(["customer", "inventory", "fraud", "declined"])),
                      financial_status="refunded")
            extra.append((t + int(rng.integers(1, 5)) * SEC, "orders/cancelled", cb, j))
            pr.cancelled[j] = True
        else:
            amount = int(pr.total[j]) if rng.random() < 0.5 else int(pr.total[j] * rng.uniform(0.2, 0.7))
        refund_id += 17
        li = body["line_items"][0]
        rb = {"id": refund_id, "order_id": body["id"], "created_at": iso_local(t + MIN, off),
              "processed_at": iso_local(t + MIN, off), "note": "Cancelled order" if full else "Return",
              "restock": True,
              "transactions": [{"id": refund_id + 3, "order_id": body["id"], "amount": money_str(amount),
                                "currency": cur, "kind": "refund", "status": "success", "gateway": "shopify_payments"}],
              "refund_line_items": [{"id": refund_id + 5, "line_item_id": li["id"], "quantity": li["quantity"],
                                     "subtotal": li["price"]}]}
        extra.append((t + MIN + int(rng.integers(1, 5)) * SEC, "refunds/create", rb, j))
        pr.refunded[j] = amount
    land.dirt["shopify_orders"]["cancellations"] += sum(1 for e in extra if e[1] == "orders/cancelled")
    land.dirt["shopify_orders"]["refunds"] += sum(1 for e in extra if e[1] == "refunds/create")
    events.extend(extra)
    lines, when, meta = [], [], []
    hook_ids = _uuids(rng, len(events))
    delays = rng.integers(200_000, 3 * SEC, len(events))
    for e_i, (t, topic, body, j) in enumerate(events):
        meta.append((topic, j))
        raw = dumps(body).encode()
        headers = {
            "X-Shopify-Topic": topic, "X-Shopify-Webhook-Id": hook_ids[e_i],
            "X-Shopify-Triggered-At": iso_utc(t), "X-Shopify-Shop-Domain": C.SHOP_DOMAIN,
            "X-Shopify-Api-Version": "2026-10",
            "X-Shopify-Hmac-Sha256": base64.b64encode(hmac.new(HMAC_SECRET, raw, hashlib.sha256).digest()).decode(),
        }
        lines.append('{"headers": ' + dumps(headers) + ', "body": ' + raw.decode() + "}")
        when.append(t + int(delays[e_i]))
    # retries: Shopify re-sends the same webhook (same id) when the endpoint was slow
    rt = choice_exact(rng, len(lines), 0.03, minimum=min(2, len(lines)))
    for i in rt:
        lines.append(lines[i])
        meta.append(meta[i])
        when.append(when[i] + int(rng.integers(1 * MIN, 6 * HOUR)))
    land.dirt["shopify_orders"]["webhook_retries"] += len(rt)
    when = np.array(when, np.int64)
    keep = np.nonzero(when < end_us)[0]
    order = keep[np.argsort(when[keep], kind="stable")]
    land.write_lines("shopify_orders", NDJSON, [lines[i] for i in order], (when[order] - start_us) // DAY,
                     prefix="webhooks")
    written = {meta[i][1] for i in keep if meta[i][0] == "orders/paid"}
    return {j: c for j, c in sms_known.items() if j in written}, written


AFF_TX_FORMAT = {0: "IR{:010d}", 1: "{:09d}", 2: "{:010d}", 3: None}


def unconfirmed_candidates(ck: Clicks, cp: Campaigns, s: Sends, end_us: int) -> list[tuple[str, int, int, int]]:
    """(click id, person, send, clicked at) of the human, redirected (302) clicks on a
    subscriber's own (not shared) link that led to no conversion and landed, early
    enough for a postback inside the window: where an SMS partner network can claim a
    checkout the shop never confirmed, of a clicker the warehouse can name."""
    if s.n == 0 or ck.n == 0:
        return []
    send = np.maximum(ck.send, 0)
    ok = ((ck.family < 0) & (ck.send >= 0) & (ck.person >= 0) & (ck.conv < 0) & ck.lands & (ck.status == 302)
          & ~cp.shared[s.camp[send]] & (ck.t < end_us - 4 * HOUR))
    return [(ck.click_id[i].decode(), int(ck.person[i]), int(ck.send[i]), int(ck.t[i])) for i in np.nonzero(ok)[0]]


def write_postbacks_and_reports(land, rng, cv: Conversions, pr: Priced, ss, sms_known: dict,
                                start_us: int, end_us: int, seed: int,
                                unconfirmed_from: list[tuple[str, int, int, int]] | None = None,
                                urng: np.random.Generator | None = None) -> tuple[list, set, list, list, list]:
    """Brand and affiliate postbacks and the networks' reports. Returns the affiliate
    conversions' truth, the brand postbacks written, the network-only claims, and one
    truth row per network transaction (affiliate_transactions.csv: in which side it is,
    each side's payout as written). unconfirmed_from (with its own random stream urng,
    so that every other record stays as it was) adds postbacks for checkouts the shop
    never confirmed."""
    conv_sess = conversion_session(ss, cv.n)
    records, when = [], []
    brand_ua = "shop-checkout-postback/1.4"

    meta = []

    def pb(t, query, addr, ua, key=None):
        meta.append(key)
        records.append(dumps({"received_at": iso_utc(t), "method": "GET", "path": "/postback",
                              "query": query, "remote_addr": addr, "user_agent": ua}))
        when.append(t)

    bad_amount = set()
    keys = sorted(sms_known)
    n_bad = min(2, len(keys))
    for j in rng.choice(keys, size=n_bad, replace=False) if n_bad else []:
        bad_amount.add(int(j))
    for j in keys:
        amount = money_str(pr.total[j])
        if j in bad_amount:
            amount = "N/A" if j == min(bad_amount) else amount.replace(".", ",")
            land.note_bad_value("postbacks", "non_numeric_amount", str(int(pr.order_id[j])), "amount", amount)
        q = (f"click_id={sms_known[j]}&event=purchase&order_id={int(pr.order_id[j])}&amount={amount}"
             f"&currency={CUR_NAMES[pr.currency[j]]}&payout=0&status=approved&network=brand")
        pb(int(cv.t[j]) + int(rng.integers(1 * SEC, 30 * SEC)), q, "35.190.12.34", brand_ua, ("brand", j))
    # affiliate conversions: the network's postback and the network's report
    aff = [int(j) for j in np.nonzero((cv.network >= 0) & (cv.ctype == PURCHASE))[0]]
    truth, tx_truth = [], []
    report_rows: dict[int, list] = {}
    miss_pb = set(np.array(aff)[choice_exact(rng, len(aff), 0.06, minimum=min(1, len(aff)))].tolist()) if aff else set()
    left = [j for j in aff if j not in miss_pb]
    miss_rep = set(np.array(left)[choice_exact(rng, len(left), 0.05, minimum=min(1, len(left)))].tolist()) if left else set()
    left2 = [j for j in left if j not in miss_rep]
    pay_diff = set(np.array(left2)[choice_exact(rng, len(left2), 0.04, minimum=min(1, len(left2)))].tolist()) if left2 else set()
    land.dirt["postbacks"]["affiliate_missing_postback"] += len(miss_pb)
    land.dirt["affiliate_reports"]["missing_in_report"] += len(miss_rep)
    land.dirt["affiliate_reports"]["payout_differences"] += len(pay_diff)
    for j in aff:
        net = int(cv.network[j])
        name, offers, ua, (addr0, _) = C.AFFILIATE_NETWORKS[net]
        fmt = AFF_TX_FORMAT[net]
        raw = (j * 7919 + seed * 104_729 + 1_000_003) % 10 ** 9
        tx = fmt.format(raw) if fmt else (f"{(j * 0x9E3779B97F4A7C15 + seed) % (1 << 64):016x}"
                                          f"{(j * 0xC2B2AE3D27D4EB4F + 7 * seed + 1) % (1 << 64):016x}")
        si = conv_sess[j]
        click = ss.aff_click_id[si].as_py() if si >= 0 else None
        offer = offers[0]
        payout = int((pr.subtotal[j] - pr.discount[j]) * 8 // 100)
        status = "approved" if rng.random() < 0.85 else "pending"
        cur = CUR_NAMES[pr.currency[j]]
        t = int(cv.t[j])
        if j not in miss_pb:
            q = (f"click_id={click}&event=purchase&order_id={tx}&amount={money_str(pr.total[j])}"
                 f"&currency={cur}&payout={money_str(payout)}&status={status}&network={name}")
            pb(t + int(rng.lognormal(np.log(600), 1.5) * SEC), q, ".".join(addr0.split(".")[:2] + ["17", str(20 + net)]), ua, ("aff", j))
        rep_row = None
        if j not in miss_rep:
            rep_payout = payout + (int(rng.integers(-500, 500)) or 100 if j in pay_diff else 0)
            rep_row = [tx, click, offer, "purchase", money_str(max(rep_payout, 0)), money_str(pr.total[j]), cur,
                       status, t // SEC]
            report_rows.setdefault(net, []).append((t, rep_row))
        truth.append({"conv": j, "network": name, "transaction_id": tx, "click_id": click,
                      "in_postbacks": j not in miss_pb, "in_report": j not in miss_rep,
                      "payout": money_str(payout), "echoes_sms_click": False})
        tx_truth.append({"kind": "affiliate_order", "conv": j, "network": name, "transaction_id": tx,
                         "offer_id": offer, "currency": cur, "converted_at_unix": t // SEC,
                         "postback_payout": None if j in miss_pb else money_str(payout), "report_row": rep_row,
                         "key": ("aff", j)})
    # SMS partner networks: an order that an SMS click led to, also credited by an
    # affiliate network whose tracking link the brand's SMS used. The network echoes
    # the redirect server's click id (our sms_click_id) as `click_id`, as the contract
    # says every network does; the order carries the same click id.
    sms_led = [j for j in sorted(sms_known) if cv.network[j] < 0 and cv.ctype[j] == PURCHASE]
    echo = np.array(sms_led)[choice_exact(rng, len(sms_led), 0.08, minimum=min(2, len(sms_led)))].tolist() if sms_led else []
    land.dirt["postbacks"]["affiliate_echoes_sms_click_id"] += len(echo)
    for k, j in enumerate(echo):
        net = int(rng.integers(0, len(C.AFFILIATE_NETWORKS)))
        name, offers, ua, (addr0, _) = C.AFFILIATE_NETWORKS[net]
        tx = f"sms{(j * 7919 + seed * 104_729 + 7) % 10 ** 9:09d}"
        payout = int((pr.subtotal[j] - pr.discount[j]) * 5 // 100)
        cur = CUR_NAMES[pr.currency[j]]
        t = int(cv.t[j])
        in_report = k % 3 != 2  # a third only in the postbacks (the network's report is late)
        q = (f"click_id={sms_known[j]}&event=purchase&order_id={tx}&amount={money_str(pr.total[j])}"
             f"&currency={cur}&payout={money_str(payout)}&status=approved&network={name}")
        pb(t + int(rng.lognormal(np.log(600), 1.0) * SEC), q, ".".join(addr0.split(".")[:2] + ["18", str(20 + net)]),
           ua, ("aff", j))
        rep_row = None
        if in_report:
            rep_row = [tx, sms_known[j], offers[-1], "purchase", money_str(payout), money_str(pr.total[j]), cur,
                       "approved", t // SEC]
            report_rows.setdefault(net, []).append((t, rep_row))
        truth.append({"conv": j, "network": name, "transaction_id": tx, "click_id": sms_known[j],
                      "in_postbacks": True, "in_report": in_report, "payout": money_str(payout),
                      "echoes_sms_click": True})
        tx_truth.append({"kind": "sms_partner_order", "conv": j, "network": name, "transaction_id": tx,
                         "offer_id": offers[-1], "currency": cur, "converted_at_unix": t // SEC,
                         "postback_payout": money_str(payout), "report_row": rep_row, "key": ("aff", j)})
    # network-only claims: a network reports a conversion that no postback, no order and
    # no click of ours confirms (a cookie-stuffed or cross-device claim). Not a conversion:
    # a discrepancy the reconciliation reports as missing on our side.
    claims, claim_rows = [], {}
    for net, (name, offers, _, _) in enumerate(C.AFFILIATE_NETWORKS):
        t = start_us + int(rng.uniform(0.1, 0.8) * (end_us - start_us))
        tx = f"claim{(net * 7919 + seed * 31 + 11) % 10 ** 7:07d}"
        click = f"{AFF_PREFIX[net].decode()}{int(rng.integers(0, 1 << 62)):016x}"  # the network's own id
        amount = int(rng.integers(1500, 9000))
        rep_row = [tx, click, offers[0], "purchase", money_str(amount * 8 // 100), money_str(amount), "USD",
                   "approved", t // SEC]
        claim_rows.setdefault(net, []).append((t, rep_row))
        claims.append({"network": name, "transaction_id": tx, "click_id": click, "revenue": money_str(amount),
                       "converted_at_unix": t // SEC})
        tx_truth.append({"kind": "network_only_claim", "conv": None, "network": name, "transaction_id": tx,
                         "offer_id": offers[0], "currency": "USD", "converted_at_unix": t // SEC,
                         "postback_payout": None, "report_row": rep_row, "key": None})
    land.dirt["affiliate_reports"]["network_only_claims"] += len(claims)
    # retries: the same request again
    n0 = len(records)
    rt = choice_exact(rng, n0, 0.05, minimum=min(2, n0))
    for i in rt:
        # the same request again; only the time it arrived differs
        when.append(when[i] + int(rng.integers(30 * SEC, 2 * HOUR)))
        rec = json.loads(records[i])
        rec["received_at"] = iso_utc(when[-1])
        records.append(dumps(rec))
        meta.append(meta[i])
    land.dirt["postbacks"]["postback_retries"] += len(rt)
    # postbacks for a checkout the shop never confirmed: an SMS partner network fires
    # its postback (echoing our click id, as the contract says) for a landed SMS click
    # whose checkout never became a Shopify order (payment declined, a test order).
    # Every other such transaction is in the network's report too (matched, yet no
    # order); the first one is retried once. Its own random stream (urng), after the
    # retries above, so that every other record stays as it was. The warehouse counts
    # such a postback as a conversion (a postback the brand received, with no order to
    # merge into); truth/conversions.csv lists it under unconfirmed_<k>.
    unconfirmed = []
    if unconfirmed_from and urng is not None:
        n_aff_pb = sum(1 for k in meta if k is not None and k[0] == "aff")
        k_unc = min(len(unconfirmed_from), max(2, int(round(0.03 * n_aff_pb))))
        picks = np.sort(urng.choice(len(unconfirmed_from), size=k_unc, replace=False))
        for k, i in enumerate(picks):
            click, person, send, t_click = unconfirmed_from[int(i)]
            net = int(urng.integers(0, len(C.AFFILIATE_NETWORKS)))
            name, offers, ua, (addr0, _) = C.AFFILIATE_NETWORKS[net]
            tx = f"unc{(int(i) * 7919 + seed * 104_729 + 13) % 10 ** 9:09d}"
            t = t_click + int(urng.integers(5 * MIN, 2 * HOUR))
            amount = int(urng.integers(2500, 20000))
            payout = amount * 5 // 100
            in_report = k % 2 == 1
            q = (f"click_id={click}&event=purchase&order_id={tx}&amount={money_str(amount)}"
                 f"&currency=USD&payout={money_str(payout)}&status=pending&network={name}")
            received = t + int(urng.integers(10 * SEC, 30 * MIN))
            pb(received, q, ".".join(addr0.split(".")[:2] + ["19", str(20 + net)]), ua, ("unconfirmed", k))
            if k == 0:  # the sender timed out once: the same request again
                records.append(records[-1].replace(iso_utc(received), iso_utc(received + 45 * SEC)))
                when.append(received + 45 * SEC)
                meta.append(meta[-1])
                land.dirt["postbacks"]["postback_retries"] += 1
            rep_row = None
            if in_report:
                rep_row = [tx, click, offers[0], "purchase", money_str(payout), money_str(amount), "USD",
                           "pending", t // SEC]
                claim_rows.setdefault(net, []).append((t, rep_row))
            unconfirmed.append({"k": k, "person": person, "send": send, "network": name, "transaction_id": tx, "click_id": click,
                                "amount": amount, "converted_at_us": t, "in_report": in_report})
            tx_truth.append({"kind": "unconfirmed_order", "conv": None, "network": name, "transaction_id": tx,
                             "offer_id": offers[0], "currency": "USD", "converted_at_unix": t // SEC,
                             "postback_payout": money_str(payout), "report_row": rep_row,
                             "key": ("unconfirmed", k)})
        land.dirt["postbacks"]["affiliate_unconfirmed_orders"] += len(unconfirmed)
    when_a = np.array(when, np.int64)
    keep = np.nonzero(when_a < end_us)[0]
    order = keep[np.argsort(when_a[keep], kind="stable")]
    written = {meta[i] for i in keep}
    # postbacks that arrive on a later day than the conversion they report
    late = sum(1 for i in keep if meta[i] is not None and meta[i][0] != "unconfirmed"
               and (when_a[i] - start_us) // DAY > (cv.t[meta[i][1]] - start_us) // DAY)
    land.dirt["postbacks"]["late_records"] += late
    for a in truth:
        a["in_postbacks"] = ("aff", a["conv"]) in written
    first_received = {}
    for i in keep:
        if meta[i] is not None and meta[i] not in first_received:
            first_received[meta[i]] = int(when_a[i])
    for x in tx_truth:
        x["in_postbacks"] = x["key"] in written
        x["received_at_us"] = first_received.get(x["key"])
    for u in unconfirmed:
        u["in_postbacks"] = ("unconfirmed", u["k"]) in written
    brand_written = {k[1] for k in written if k[0] == "brand"}
    land.write_lines("postbacks", NDJSON, [records[i] for i in order], (when_a[order] - start_us) // DAY,
                     prefix="postbacks")
    # reports: one file per network per day, for the previous day's conversions
    header = "transaction_id,click_id,offer_id,event,payout,revenue,currency,status,conversion_unix_timestamp"
    for net in sorted(set(report_rows) | set(claim_rows)):
        rows = sorted(report_rows.get(net, []), key=lambda r: r[0])
        if len(rows) >= 1:  # a bad payout on a conversion's row (a claim's stays readable)
            bad = rows[int(rng.integers(0, len(rows)))]
            land.note_bad_value("affiliate_reports", "non_numeric_amount", bad[1][0], "payout", "N/A")
            bad[1][4] = "N/A"
        rows = sorted(rows + claim_rows.get(net, []), key=lambda r: r[0])
        lines = [csv_line(r) for _, r in rows]
        day = np.array([(t - start_us) // DAY + 1 for t, _ in rows])
        land.write_lines("affiliate_reports", CSV, lines, day, prefix=f"report_{C.AFFILIATE_NETWORKS[net][0]}",
                         header=header)
    return truth, brand_written, claims, tx_truth, unconfirmed


def write_pos(land, rng, cv: Conversions, pr: Priced, p: People, tzt: TzTable, start_us: int,
              end_us: int) -> list[dict]:
    off_idx = np.nonzero(cv.ctype == OFFLINE)[0]
    lines, day, truth = [], [], []
    bad_amt = set(off_idx[choice_exact(rng, len(off_idx), 0.0, minimum=min(2, len(off_idx)))].tolist())
    rest = [j for j in off_idx if j not in bad_amt]
    bad_ts = set(np.array(rest)[choice_exact(rng, len(rest), 0.0, minimum=min(2, len(rest)))].tolist()) if rest else set()
    for k, j in enumerate(off_idx):
        j = int(j)
        country = int(p.country[cv.person[j]])
        stores, zone = C.POS_STORES[country]
        store = stores[int(rng.integers(0, len(stores)))]
        zi = C.ZONE_NAMES.index(zone)
        t = int(cv.t[j])
        code = pr.code[j] or ""
        if rng.random() < 0.1:
            code = code.lower()
        ref = f"R{store[-3:]}-{k + 1:06d}"
        amount = money_str(pr.total[j])
        redeemed = iso_local(t, int(tzt.offset(zi, t)))
        if j in bad_amt:
            amount = amount.replace(".", ",") if k % 2 == 0 else "N/A"
            land.note_bad_value("pos_redemptions", "non_numeric_amount", ref, "amount", amount)
        if j in bad_ts:
            redeemed = datetime.fromtimestamp(t / SEC, UTC).strftime("%d/%m/%Y %H:%M") + " local"
            land.note_bad_value("pos_redemptions", "unparseable_timestamp", ref, "redeemed_at", redeemed)
        cur = CUR_NAMES[pr.currency[j]]
        lines.append(csv_line([store, code, ref, amount, cur, redeemed]))
        day.append((t - start_us) // DAY + 1)  # the store's batch export, the morning after
        truth.append({"conv": j, "order_ref": ref, "code": pr.code[j]})
    land.write_lines("pos_redemptions", CSV, lines, np.array(day, np.int64), prefix="pos_export",
                     header="store_id,code,order_ref,amount,currency,redeemed_at")
    return truth


DEAL_STAGES = ["appointmentscheduled", "qualifiedtobuy", "presentationscheduled", "decisionmakerboughtin",
               "contractsent", "closedwon", "closedlost"]


def write_hubspot(land, rng, cv: Conversions, p: People, ss, ck_ids: list, start_us: int, end_us: int,
                  page_size: int) -> tuple[list[dict], list[dict]]:
    conv_sess = conversion_session(ss, cv.n)
    contacts = []  # (updated_us, record)
    next_id = [501]
    state: dict[int, dict] = {}

    def version(person, t, changes, created=None):
        person = int(person)
        if person not in state:
            hid = next_id[0]
            next_id[0] += 1
            p.hubspot_id[person] = hid
            ph = p.phone[person].decode()
            if rng.random() < 0.2 and ph.startswith("+1"):
                ph = f"({ph[2:5]}) {ph[5:8]}-{ph[8:]}"
            props = {"email": p.email[person].decode(), "phone": ph if rng.random() < 0.8 else None,
                     "firstname": C.FIRST_NAMES[p.first[person]].title(),
                     "lastname": C.LAST_NAMES[p.last[person]].title(),
                     "createdate": iso_utc(created if created is not None else t),
                     "lastmodifieddate": None, "lifecyclestage": "subscriber",
                     "hs_analytics_source": "DIRECT_TRAFFIC", "utm_source": None, "utm_medium": None,
                     "utm_campaign": None, "utm_content": None, "sms_click_id": None}
            state[person] = {"id": str(hid), "props": props, "createdAt": props["createdate"]}
        st = state[person]
        st["props"].update(changes)
        st["props"]["lastmodifieddate"] = iso_utc(t)
        rec = {"id": st["id"], "properties": dict(st["props"]), "createdAt": st["createdAt"],
               "updatedAt": iso_utc(t), "archived": False}
        contacts.append((t, rec))
        return st["id"]

    # contacts that existed before the window: the initial export on day 0
    pre = np.sort(rng.choice(p.n, size=min(p.n, max(5, int(0.08 * p.n))), replace=False))
    for person in pre:
        created = start_us - int(rng.uniform(1, 600) * DAY)
        # listed at least a day after creation: an old contact, not one created by a form just now
        version(person, created + max(DAY, int(rng.uniform(0, 0.9) * (start_us - created))),
                {"lifecyclestage": str(rng.choice(["subscriber", "lead", "customer"], p=[.5, .3, .2])),
                 "hs_analytics_source": str(rng.choice(["ORGANIC_SEARCH", "DIRECT_TRAFFIC", "PAID_SEARCH",
                                                        "SOCIAL_MEDIA", "EMAIL_MARKETING"]))},
                created=created)
    leads = [int(j) for j in np.nonzero(cv.ctype == LEAD)[0]]
    lead_truth, deal_truth = [], []
    deals = []  # (updated_us, record)
    deal_id = 9_000_001
    scale = min(1.0, (end_us - start_us) / (30 * DAY))  # short windows: a faster sales cycle
    n_deal = max(min(len(leads), 3), int(round(0.45 * len(leads))))
    # deals need time to progress: prefer leads from the first two thirds of the window
    early = [j for j in leads if cv.t[j] < end_us - (end_us - start_us) // 3]
    pool = early if len(early) >= n_deal else leads
    with_deal = set(np.array(pool)[np.sort(rng.choice(len(pool), size=n_deal, replace=False))].tolist()) if leads else set()
    won_needed = 1
    for j in leads:
        t = int(cv.t[j])
        si = conv_sess[j]
        ch = int(ss.channel[si]) if si >= 0 else C.CH_DIRECT
        ch_props = {"lifecyclestage": "lead", "hs_analytics_source": C.HUBSPOT_SOURCE.get(ch, "OFFLINE")}
        if si >= 0:
            for key, arr in (("utm_source", ss.utm_source), ("utm_medium", ss.utm_medium),
                             ("utm_campaign", ss.utm_campaign), ("utm_content", ss.utm_content)):
                ch_props[key] = arr[si].as_py()
        clk = ck_ids[j]
        if clk is not None and (cv.same_session[j] or rng.random() < 0.5):
            ch_props["sms_click_id"] = clk
        existed = int(cv.person[j]) in state
        # a contact already in the lead stage does not become a lead again: HubSpot
        # lists the new version (new utm properties), but no conversion happened
        already_lead = existed and state[int(cv.person[j])]["props"]["lifecyclestage"] == "lead"
        hid = version(cv.person[j], t, ch_props)
        if already_lead:
            land.dirt["hubspot_contacts"]["lead_versions_of_a_lead"] += 1
        else:
            lead_truth.append({"conv": j, "contact_id": hid, "new_contact": not existed,
                               "sms_click_id": ch_props.get("sms_click_id")})
        # a lead edited without converting: HubSpot lists the whole contact again with a
        # later updatedAt (a phone written another way, a corrected first name); the stage
        # stays `lead`. Written within 0.2 x `scale` days, before any deal moves the stage on
        # (a deal starts at least `scale` days after its lead).
        if rng.random() < 0.35:
            props = state[int(cv.person[j])]["props"]
            ph = props.get("phone")
            if ph and ph.startswith("+1") and len(ph) == 12:
                edit = {"phone": f"({ph[2:5]}) {ph[5:8]}-{ph[8:]}"}
            else:
                edit = {"firstname": str(C.FIRST_NAMES[int(rng.integers(0, len(C.FIRST_NAMES)))]).title()}
            version(cv.person[j], t + int(rng.uniform(300, 0.2 * DAY * scale / SEC)) * SEC, edit)
            land.dirt["hubspot_contacts"]["edited_without_converting"] += 1
        if j not in with_deal:
            continue
        deal_id += 1
        person = int(cv.person[j])
        cur = CUR_NAMES[p.currency[person]]
        # deals in the company currency (USD) often name none: HubSpot leaves
        # deal_currency_code unset and the amount is in the company currency
        code = cur
        if cur == "USD" and (rng.random() < 0.5 or not land.dirt["hubspot_deals"]["deals_without_currency_code"]):
            code = None
            land.dirt["hubspot_deals"]["deals_without_currency_code"] += 1
        amount = int(rng.integers(10, 100)) * 5000
        outcome = rng.choice(["closedwon", "closedlost", "open"], p=[.35, .3, .35])
        if won_needed and len(with_deal) <= 3:
            outcome, won_needed = "closedwon", 0
        if outcome == "closedwon":
            won_needed = 0
        path = DEAL_STAGES[: int(rng.integers(1, 6))]
        if outcome != "open":
            path = path[:2] + [str(outcome)] if scale < 1 else path + [str(outcome)]
        tc = t + int(rng.uniform(1, 5) * DAY * scale)
        created = iso_utc(tc)
        name = f"{C.FIRST_NAMES[p.first[person]].title()} {C.LAST_NAMES[p.last[person]].title()} - Styling Package"
        for k, stage in enumerate(path):
            if tc >= end_us:
                break
            closed = stage in ("closedwon", "closedlost")
            amt = money_str(amount)
            if stage == "closedwon" and not land.dirt["hubspot_deals"]["non_numeric_amount"]:
                amt = f"{amount // 100:,}.00"
                land.note_bad_value("hubspot_deals", "non_numeric_amount", str(deal_id), "amount", amt)
            props = {"dealname": name, "amount": amt, "dealstage": stage, "pipeline": "default",
                     "createdate": created, "closedate": iso_utc(tc) if closed else None,
                     "hs_is_closed_won": "true" if stage == "closedwon" else "false",
                     "deal_currency_code": code, "hs_lastmodifieddate": iso_utc(tc)}
            deals.append((tc, {"id": str(deal_id), "properties": props, "createdAt": created,
                               "updatedAt": iso_utc(tc), "archived": False,
                               "associations": {"contacts": {"results": [{"id": hid, "type": "deal_to_contact"}]}}}))
            if k == 0:
                version(person, tc + SEC, {"lifecyclestage": "opportunity"})
            if stage == "closedwon":
                version(person, tc + SEC, {"lifecyclestage": "customer"})
                deal_truth.append({"conv": j, "deal_id": str(deal_id), "contact_id": hid, "closed_at": tc,
                                   "amount": amount, "currency": cur})
            tc += int(rng.uniform(1, 4) * DAY * scale)

    def wrapper(kind):
        def wrap(day, page, n_pages, recs):
            doc = {"results": [r for _, r in recs]}
            if page + 1 < n_pages:
                after = recs[-1][1]["id"]
                doc["paging"] = {"next": {"after": after,
                                          "link": f"https://api.hubapi.com/crm/v3/objects/{kind}?after={after}"}}
            return dumps(doc) + "\n"
        return wrap

    for source, items, kind in (("hubspot_contacts", contacts, "contacts"), ("hubspot_deals", deals, "deals")):
        items = [x for x in items if x[0] < end_us]
        items.sort(key=lambda x: x[0])
        day = np.array([(t - start_us) // DAY for t, _ in items], np.int64)
        write_records_as_pages(land, source, items, day, kind, page_size, wrapper(kind))
    return lead_truth, deal_truth


def fx_table(rng, days: int) -> np.ndarray:
    """rate_to_usd[day, currency] for CURRENCIES: a small random walk around FX_BASE."""
    base = np.array([C.FX_BASE[c] for c in C.CURRENCIES])
    steps = rng.normal(0, 0.003, (days, len(base)))
    steps[:, 0] = 0
    return base[None, :] * np.exp(np.cumsum(steps, axis=0))


def write_fx(land, rng, fx: np.ndarray) -> None:
    lines, day = [], []
    bad = (int(rng.integers(0, fx.shape[0])), int(rng.integers(1, fx.shape[1])))
    for d in range(fx.shape[0]):
        for c, cur in enumerate(C.CURRENCIES):
            rate = "1" if cur == "USD" else f"{fx[d, c]:.4f}"
            if (d, c) == bad:
                rate = "n/a"
                land.note_bad_value("fx_rates", "non_numeric_amount", f"{land.day_str(d)}/{cur}", "rate_to_usd", rate)
            lines.append(csv_line([land.day_str(d), cur, rate]))
            day.append(d)
    land.write_lines("fx_rates", CSV, lines, np.array(day), prefix="fx_rates", header="date,currency,rate_to_usd")


def write_spend(land, rng, cp: Campaigns, s: Sends, cv: Conversions, pr: Priced, fx: np.ndarray,
                aff_truth: list[dict], p: People, start_us: int, days: int) -> None:
    rows = []  # (day, [date, channel, platform, campaign, cost, currency])
    sday = (s.queued - start_us) // DAY
    price = np.maximum(s.price_e5, 0)
    key = sday * cp.n + s.camp
    sums = np.bincount(key, weights=price, minlength=days * cp.n)
    for d in range(days):
        date = land.day_str(d)
        for c in range(cp.n):
            cost = sums[d * cp.n + c] / 1e5
            if cost > 0:
                rows.append((d, [date, "sms", "twilio", cp.ids[c], f"{cost:.2f}", "USD"]))
        n_sends = int((sday == d).sum())
        rows.append((d, [date, "sms", "sms_platform", None, f"{25 + 0.002 * n_sends:.2f}", "USD"]))
        rows.append((d, [date, "email", "klaviyo", "Weekly Newsletter", f"{15 + 0.0005 * p.n:.2f}", "USD"]))
    # paid channels: spend follows what they drive (a ROAS of roughly 3)
    rates = np.concatenate([fx, np.ones((fx.shape[0], 1))], axis=1)
    cday = np.clip((cv.t - start_us) // DAY, 0, days - 1)
    usd = pr.total * rates[cday, pr.currency] / 100
    from .catalog import CH_PAID_SEARCH, CH_PAID_SOCIAL
    for ch, platform, names, cur in ((CH_PAID_SEARCH, "google_ads", C.SEARCH_CAMPAIGNS, "USD"),
                                     (CH_PAID_SOCIAL, "meta", C.SOCIAL_CAMPAIGNS, "USD")):
        m = cv.channel == ch
        per_day = np.bincount(cday[m], weights=usd[m], minlength=days)
        for d in range(days):
            total = per_day[d] / 3 + 5 + 0.0002 * p.n
            split = rng.dirichlet(np.ones(len(names)))
            for name, share in zip(names, split):
                rows.append((d, [land.day_str(d), "paid_social" if ch == CH_PAID_SOCIAL else "paid_search",
                                 platform, name, f"{total * share:.2f}", cur]))
        if ch == CH_PAID_SOCIAL:
            for d in range(days):
                rows.append((d, [land.day_str(d), "paid_social", "meta", "Prospecting - EU",
                                 f"{(3 + 0.00005 * p.n) / fx[d, C.CURRENCIES.index('EUR')]:.2f}", "EUR"]))
    # affiliate commissions per network and day
    by = {}
    for a in aff_truth:
        j = a["conv"]
        d = int(cday[j])
        by[(d, a["network"])] = by.get((d, a["network"]), 0.0) + float(a["payout"]) * rates[d, pr.currency[j]]
    for (d, net) in sorted(by):
        rows.append((d, [land.day_str(d), "affiliate", net, None, f"{by[(d, net)]:.2f}", "USD"]))
    bad = int(rng.integers(0, len(rows)))
    rows[bad][1][4] = "n/a"
    land.note_bad_value("spend", "non_numeric_amount", f"{rows[bad][1][0]}/{rows[bad][1][2]}/{rows[bad][1][3]}",
                        "cost", "n/a")
    lines = [csv_line(r) for _, r in rows]
    day = np.array([d + 1 for d, _ in rows])  # reported the next morning
    land.write_lines("spend", CSV, lines, day, prefix="spend", header="date,channel,platform,campaign,cost,currency")
