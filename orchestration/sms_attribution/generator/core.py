"""generate(): builds the world and writes the landing zone and the ground truth."""

from __future__ import annotations

import json
import logging
import resource
import shutil
import time
from datetime import date, timedelta
from pathlib import Path

import numpy as np
import pyarrow as pa
import pyarrow.compute as pc
import duckdb

from . import catalog as C
from .commerce import (CUR_NAMES, conv_click_ids, fx_table, price_conversions, write_fx, write_hubspot,
                       unconfirmed_candidates, write_pos, write_postbacks_and_reports, write_shopify, write_spend)
from .landing import Landing
from .messaging import (make_campaigns, make_memberships, make_sends, write_campaigns, write_coupons,
                        write_holdouts, write_links, write_sends, write_twilio_messages, write_twilio_status)
from .outcomes import CONV_TYPES, FAMILIES, LEAD, PATHS, PURCHASE, decide_conversions, make_clicks, write_clicks
from .people import assign_customer_ids, make_people, write_subscribers
from .util import DAY, TzTable, cat, digits, epoch_us, iso_z, rng_for
from .web import make_sessions, write_ga4

log = logging.getLogger(__name__)

DEFAULT_START = date(2026, 10, 1)
GENERATOR_VERSION = "1.1"

SCALES = {
    "tiny": dict(subscribers=200, days=7, twilio_page_size=50, hubspot_page_size=100),
    "small": dict(subscribers=20_000, days=30, twilio_page_size=1000, hubspot_page_size=100),
    "large": dict(subscribers=1_000_000, days=30, twilio_page_size=50_000, hubspot_page_size=1000),
}

SOURCES = ["subscribers", "campaigns", "sends", "twilio_messages", "twilio_status", "links", "clicks", "ga4",
           "hubspot_contacts", "hubspot_deals", "shopify_orders", "postbacks", "affiliate_reports", "coupons",
           "pos_redemptions", "holdouts", "spend", "fx_rates"]
PAGE_SOURCES = ["twilio_messages", "hubspot_contacts", "hubspot_deals"]


def _as_date(value) -> date | None:
    if value is None or isinstance(value, date):
        return value
    return date.fromisoformat(str(value))


def generate(out_dir, truth_dir, subscribers: int = 200, days: int = 7, seed: int = 42,
             start_date: date | str | None = None, end_date: date | str | None = None, *,
             visitors: int | None = None, bot_share: float = 0.30, holdout_share: float = 0.10,
             twilio_page_size: int = 1000, hubspot_page_size: int = 100,
             max_records_per_file: int = 500_000, overwrite: bool = False) -> dict:
    """Write a landing zone (``out_dir/<source>/<YYYY-MM-DD>/<file>``) and its ground truth.

    The window is ``days`` days starting at ``start_date`` (default 2026-10-01), or ending at
    ``end_date`` (inclusive) when only that is given; with both, ``days`` follows from them.
    Same arguments => byte-identical files. Returns a summary (also in the truth manifest)."""
    t_start = time.time()
    start, end = _as_date(start_date), _as_date(end_date)
    if start is not None and end is not None:
        days = (end - start).days + 1
    elif end is not None:
        start = end - timedelta(days=days - 1)
    elif start is None:
        start = DEFAULT_START
    if days < 1:
        raise ValueError("days must be >= 1")
    if subscribers < 1:
        raise ValueError("subscribers must be >= 1")
    if not 0 <= bot_share < 1 or not 0 <= holdout_share < 1:
        raise ValueError("bot_share and holdout_share must be in [0, 1)")
    out_dir, truth_dir = Path(out_dir), Path(truth_dir)
    existing = [s for s in SOURCES if (out_dir / s).exists() and any((out_dir / s).iterdir())]
    if existing:
        if not overwrite:
            raise FileExistsError(f"{out_dir} already holds landing files ({', '.join(existing)}); "
                                  "pass overwrite=True (--overwrite) to replace them")
        for s in existing:
            shutil.rmtree(out_dir / s)
    out_dir.mkdir(parents=True, exist_ok=True)
    truth_dir.mkdir(parents=True, exist_ok=True)
    n_vis = subscribers // 2 if visitors is None else visitors
    start_us = epoch_us(start)
    end_us = start_us + days * DAY
    tzt = TzTable(C.ZONE_NAMES, start_us - 40 * DAY, end_us + 40 * DAY)
    land = Landing(out_dir, start, days, max_records_per_file)
    R = lambda name: rng_for(seed, name)  # noqa: E731
    timings = {}

    t_lap = [time.time()]

    def lap(name):
        now = time.time()
        timings[name] = round(now - t_lap[0], 2)
        t_lap[0] = now
        log.info("%s: %.1fs (peak RSS %.0f MiB)", name, timings[name], _peak_rss_mib())

    p = make_people(R("people"), subscribers, n_vis, start_us, end_us, seed)
    write_subscribers(land, p, R("subscribers"), start_us, end_us)
    lap("people")
    cp = make_campaigns(R("campaigns"), days, start_us, tzt)
    write_campaigns(land, cp, tzt, start_us)
    ms = make_memberships(R("memberships"), cp, p, start_us, end_us, tzt, holdout_share, days)
    write_holdouts(land, cp, ms, p, start_us)
    s = make_sends(R("sends"), cp, ms, p, seed)
    lap("campaigns_sends")
    write_sends(land, cp, s, p, start_us)
    write_links(land, cp, s, p, start_us)
    write_coupons(land, cp, s, p, start_us, seed)
    lap("write_sends_links_coupons")
    write_twilio_messages(land, cp, s, p, start_us, seed, twilio_page_size)
    lap("write_twilio_messages")
    write_twilio_status(land, s, p, R("twilio_status"), start_us, end_us, seed)
    lap("write_twilio_status")

    cv = decide_conversions(R("conversions"), cp, ms, s, p, start_us, end_us, days)
    assign_customer_ids(p, R("customers"), cv.person[cv.ctype == PURCHASE])
    ck = make_clicks(R("clicks"), cp, s, p, cv, start_us, end_us, bot_share, seed, land)
    write_clicks(land, ck, start_us, R("clicks_dirt"))
    lap("clicks")
    ss = make_sessions(R("sessions"), cp, p, ck, cv, s.variant, start_us, end_us, days, seed)
    pr = price_conversions(R("prices"), cv, p, cp, s, seed, land)
    ck_ids = conv_click_ids(ck, cv.n)
    sms_known, shop_written = write_shopify(land, R("shopify"), cv, pr, p, ss, ck_ids, tzt, start_us, end_us)
    aff_truth, brand_pb, aff_claims, tx_truth, unconfirmed = write_postbacks_and_reports(
        land, R("postbacks"), cv, pr, ss, sms_known, start_us, end_us, seed,
        unconfirmed_from=unconfirmed_candidates(ck, cp, s, end_us), urng=R("postbacks_unconfirmed"))
    pos_truth = write_pos(land, R("pos"), cv, pr, p, tzt, start_us, end_us)
    lead_truth, deal_truth = write_hubspot(land, R("hubspot"), cv, p, ss, ck_ids, start_us, end_us,
                                           hubspot_page_size)
    lap("commerce_crm")
    ga4 = write_ga4(land, R("ga4"), ss, p, cv, pr.order_id, pr.total, pr.currency, tzt, start_us, end_us)
    lap("ga4")
    fx = fx_table(R("fx"), days)
    write_fx(land, R("fx_dirt"), fx)
    write_spend(land, R("spend"), cp, s, cv, pr, fx, aff_truth, p, start_us, days)

    # file-level dirt, at every scale
    dr = R("dirt")
    for source in SOURCES:
        if source in PAGE_SOURCES:
            land.truncate_page(source, dr)
            continue
        records = sum(f.records for f in land.files if f.source == source)
        land.inject_malformed(source, int(dr.integers(3, 8)) + records // 1_000_000, dr)
    for source in SOURCES:
        land.duplicate_files(source, 1, dr)
    lap("dirt")
    for source in SOURCES:  # every source has its folder, even on a run too small to fill it
        (out_dir / source).mkdir(exist_ok=True)

    summary = _write_truth(truth_dir, land, p, cp, ms, s, cv, ck, ss, pr, ga4, brand_pb, shop_written,
                           aff_truth, aff_claims, pos_truth, lead_truth, deal_truth, fx, start, days, seed,
                           tx_truth, unconfirmed,
                           dict(subscribers=subscribers, visitors=n_vis, days=days, seed=seed,
                                start_date=start.isoformat(), end_date=(start + timedelta(days=days - 1)).isoformat(),
                                bot_share=bot_share, holdout_share=holdout_share,
                                twilio_page_size=twilio_page_size, hubspot_page_size=hubspot_page_size,
                                max_records_per_file=max_records_per_file))
    lap("truth")
    summary["seconds"] = round(time.time() - t_start, 2)
    summary["timings"] = timings
    return summary


def _peak_rss_mib() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def _write_csv(path: Path, table: pa.Table) -> None:
    """Truth CSVs: empty strings are written as empty fields (nulls), not as ""."""
    for i, name in enumerate(table.column_names):
        col = table.column(i)
        if pa.types.is_string(col.type):
            table = table.set_column(i, name, pc.if_else(pc.equal(col, ""), pa.scalar(None, pa.string()), col))
    con = duckdb.connect()
    con.execute("set enable_progress_bar = false")
    con.register("t", table)
    con.execute(f"COPY (SELECT * FROM t) TO '{path.as_posix()}' (FORMAT CSV, HEADER)")
    con.close()


def _write_truth(truth_dir: Path, land: Landing, p, cp, ms, s, cv, ck, ss, pr, ga4, brand_pb, shop_written,
                 aff_truth, aff_claims, pos_truth, lead_truth, deal_truth, fx, start: date, days: int, seed: int,
                 tx_truth, unconfirmed, params: dict) -> dict:
    pkey = p.person_key(np.arange(p.n))
    sub_id = np.where(p.is_sub, p.subscriber_id(np.arange(p.n)), b"")
    pseudo = np.where(p.dev_desktop >= 0,
                      cat(p.dev_pseudo[p.dev_phone], b";", p.dev_pseudo[np.maximum(p.dev_desktop, 0)]),
                      p.dev_pseudo[p.dev_phone])
    persons = pa.table({
        "person_key": pa.array(pkey).cast(pa.string()),
        "is_subscriber": pa.array(p.is_sub),
        "subscriber_id": pa.array(sub_id).cast(pa.string()),
        "shopify_customer_id": pa.array(p.customer_id, mask=p.customer_id < 0),
        "hubspot_contact_id": pa.array(p.hubspot_id, mask=p.hubspot_id < 0),
        "user_pseudo_ids": pa.array(pseudo).cast(pa.string()),
        "phone": pa.array(p.phone).cast(pa.string()),
        "email": pa.array(p.email).cast(pa.string()),
        "timezone": pa.array(np.array(C.ZONE_NAMES, "S")[p.zone]).cast(pa.string()),
        "country": pa.array(np.array(C.COUNTRIES, "S")[p.country]).cast(pa.string()),
    })
    _write_csv(truth_dir / "persons.csv", persons)

    fam = np.array([""] + FAMILIES, object)[ck.family + 1]
    kinds = np.array([""] + [C.BOT_FAMILIES[f]["kind"] for f in FAMILIES], object)[ck.family + 1]
    has_send = ck.send >= 0
    send_id = np.where(has_send, cat(b"snd_", digits(np.maximum(ck.send, 0) + 1, 9)), b"")
    clicks = pa.table({
        "click_id": pa.array(ck.click_id).cast(pa.string()),
        "request_id": pa.array(ck.request_id).cast(pa.string()),
        "is_bot": pa.array(ck.family >= 0),
        "bot_family": pa.array(fam.tolist(), pa.string()),
        "bot_kind": pa.array(kinds.tolist(), pa.string()),
        "send_id": pa.array(send_id).cast(pa.string()),
        "person_key": pa.array(np.where(ck.person >= 0, pkey[np.maximum(ck.person, 0)], b"")).cast(pa.string()),
        "requested_at": pa.array(iso_z(ck.t, "ms")).cast(pa.string()),
        "status": pa.array(ck.status),
        "method": pa.array(np.array(["GET", "HEAD"])[ck.method]),
        "lands": pa.array(ck.lands),
        "leads_to_conversion": pa.array(np.where(ck.conv >= 0, np.char.add("conv_", ck.conv.astype(str)), "")),
    })
    _write_csv(truth_dir / "clicks.csv", clicks)

    # conversions: one row per (system, key) that reports a true conversion
    rows = {k: [] for k in ("conversion_id", "system", "conversion_key", "conversion_type", "person_key",
                            "subscriber_id", "converted_at", "revenue", "currency", "refunded", "net_revenue",
                            "cancelled", "campaign_id", "variant_id", "holdout_group", "path", "channel",
                            "sms_click_id")}
    conv_at = iso_z(cv.t, "ms")
    ck_ids = {int(c): ck.click_id[i].decode() for i, c in enumerate(ck.conv) if c >= 0}
    tracked_conv = set(ss.conv[np.nonzero(ga4["tracked_purchase_sessions"])[0]].tolist())

    def add(j, system, key, ctype=None, at=None, revenue=None, currency=None, cid=None, refunded=0, cancelled=False):
        j = int(j)
        rows["conversion_id"].append(cid or f"conv_{j}")
        rows["system"].append(system)
        rows["conversion_key"].append(str(key))
        rows["conversion_type"].append(ctype or CONV_TYPES[cv.ctype[j]])
        person = int(cv.person[j])
        rows["person_key"].append(pkey[person].decode())
        rows["subscriber_id"].append(sub_id[person].decode() or None)
        rows["converted_at"].append(at or conv_at[j].decode())
        rev = revenue if revenue is not None else (pr.total[j] if cv.ctype[j] != LEAD else None)
        rows["revenue"].append(None if rev is None else f"{rev / 100:.2f}")
        rows["currency"].append(currency or (CUR_NAMES[pr.currency[j]] if cv.ctype[j] != LEAD else None))
        rows["refunded"].append(f"{refunded / 100:.2f}")
        rows["net_revenue"].append(None if rev is None else f"{(rev - refunded) / 100:.2f}")
        rows["cancelled"].append(bool(cancelled))
        c = int(cv.camp[j])
        rows["campaign_id"].append(cp.ids[c] if c >= 0 else None)
        rows["variant_id"].append(cp.var_ids[cv.variant[j]] if c >= 0 else None)
        rows["holdout_group"].append(None if c < 0 else ("control" if ms.control[cv.member[j]] else "treatment"))
        rows["path"].append(PATHS[cv.path[j]])
        ch = int(cv.channel[j])
        rows["channel"].append(C.CHANNELS[ch] if ch >= 0 else "offline")
        rows["sms_click_id"].append(ck_ids.get(j))

    for j in range(cv.n):
        if cv.ctype[j] == PURCHASE:
            if j not in shop_written:
                continue
            kw = dict(refunded=int(pr.refunded[j]), cancelled=bool(pr.cancelled[j]))
            add(j, "shopify", int(pr.order_id[j]), **kw)
            if j in tracked_conv:
                add(j, "ga4", int(pr.order_id[j]), **kw)
            if j in brand_pb:
                add(j, "postback_brand", int(pr.order_id[j]), **kw)
    for a in aff_truth:
        if a["in_postbacks"]:
            add(a["conv"], "postback_affiliate", a["transaction_id"],
                refunded=int(pr.refunded[a["conv"]]), cancelled=bool(pr.cancelled[a["conv"]]))
        if a["in_report"]:
            add(a["conv"], "affiliate_report", a["transaction_id"],
                refunded=int(pr.refunded[a["conv"]]), cancelled=bool(pr.cancelled[a["conv"]]))
    for x in pos_truth:
        add(x["conv"], "pos", x["order_ref"])
    for x in lead_truth:
        add(x["conv"], "hubspot_contact", x["contact_id"])
    for x in deal_truth:
        add(x["conv"], "hubspot_deal", x["deal_id"], ctype="closed_won",
            at=iso_z(np.array([x["closed_at"]]), "ms")[0].decode(), revenue=x["amount"], currency=x["currency"],
            cid=f"conv_{x['conv']}_won")
    # postbacks for a checkout the shop never confirmed: a conversion by the warehouse's
    # rule (a postback the brand received), of the clicker, with no Shopify order
    for u in unconfirmed:
        for system, present in (("postback_affiliate", u["in_postbacks"]), ("affiliate_report", u["in_report"])):
            if not present:
                continue
            person, send = u["person"], u["send"]
            rows["conversion_id"].append(f"unconfirmed_{u['k']}")
            rows["system"].append(system)
            rows["conversion_key"].append(u["transaction_id"])
            rows["conversion_type"].append("purchase")
            rows["person_key"].append(pkey[person].decode())
            rows["subscriber_id"].append(sub_id[person].decode() or None)
            rows["converted_at"].append(iso_z(np.array([u["converted_at_us"]]), "ms")[0].decode())
            rows["revenue"].append(f"{u['amount'] / 100:.2f}")
            rows["currency"].append("USD")
            rows["refunded"].append("0.00")
            rows["net_revenue"].append(f"{u['amount'] / 100:.2f}")
            rows["cancelled"].append(False)
            rows["campaign_id"].append(cp.ids[s.camp[send]])
            rows["variant_id"].append(cp.var_ids[s.variant[send]])
            rows["holdout_group"].append("control" if ms.control[s.member[send]] else "treatment")
            rows["path"].append("sms_click")
            rows["channel"].append("sms")
            rows["sms_click_id"].append(u["click_id"])
    conv_table = pa.table({k: pa.array(v) if k == "cancelled" else pa.array(v, pa.string()) for k, v in rows.items()})
    _write_csv(truth_dir / "conversions.csv", conv_table)
    # affiliate report rows that are no conversion: the network's claim alone
    _write_csv(truth_dir / "affiliate_claims.csv", pa.table(
        {k: pa.array([str(c[k]) for c in aff_claims], pa.string())
         for k in ("network", "transaction_id", "click_id", "revenue", "converted_at_unix")}))

    # one row per network transaction, on either side of the reconciliation: whether our
    # postbacks and the network's report hold it, each side's payout as written (a report
    # payout "N/A" is quarantined by staging), and whether a Shopify order confirms it
    tx_cols = {k: [] for k in ("network", "transaction_id", "kind", "offer_id", "in_postbacks", "in_report",
                               "postback_payout", "report_payout", "currency", "converted_at_unix",
                               "postback_received_at", "has_shop_order")}
    for x in tx_truth:
        rep = x["report_row"]
        tx_cols["network"].append(x["network"])
        tx_cols["transaction_id"].append(x["transaction_id"])
        tx_cols["kind"].append(x["kind"])
        tx_cols["offer_id"].append(x["offer_id"])
        tx_cols["in_postbacks"].append(bool(x["in_postbacks"]))
        tx_cols["in_report"].append(rep is not None)
        tx_cols["postback_payout"].append(x["postback_payout"] if x["in_postbacks"] else None)
        tx_cols["report_payout"].append(rep[4] if rep is not None else None)
        tx_cols["currency"].append(x["currency"])
        tx_cols["converted_at_unix"].append(str(x["converted_at_unix"]))
        tx_cols["postback_received_at"].append(
            iso_z(np.array([x["received_at_us"]]), "ms")[0].decode() if x["received_at_us"] is not None else None)
        tx_cols["has_shop_order"].append(x["conv"] is not None and int(x["conv"]) in shop_written)
    _write_csv(truth_dir / "affiliate_transactions.csv", pa.table(
        {k: pa.array(v) if k in ("in_postbacks", "in_report", "has_shop_order") else pa.array(v, pa.string())
         for k, v in tx_cols.items()}))

    # lift per campaign: the configured probabilities and what was drawn inside the window
    n_t = np.bincount(ms.camp[~ms.control], minlength=cp.n)
    n_c = np.bincount(ms.camp[ms.control], minlength=cp.n)
    conv_m = ms.converted
    k_t = np.bincount(ms.camp[~ms.control & conv_m], minlength=cp.n)
    k_c = np.bincount(ms.camp[ms.control & conv_m], minlength=cp.n)
    lift = pa.table({
        "campaign_id": cp.ids, "campaign_name": cp.names,
        "is_journey": pa.array(cp.is_journey),
        "segment": [C.SEGMENTS[x] for x in cp.segment],
        "conversion_type": ["lead" if x else "purchase" for x in cp.lead],
        "window_days": pa.array(np.full(cp.n, 7)),
        "n_treatment": pa.array(n_t), "n_control": pa.array(n_c),
        "p_treatment": pa.array(np.round(cp.p_treat, 6)), "p_control": pa.array(np.round(cp.p_control, 6)),
        "true_lift": pa.array(np.round(cp.p_treat / cp.p_control - 1, 6)),
        "true_abs_lift": pa.array(np.round(cp.p_treat - cp.p_control, 6)),
        "treatment_conversions": pa.array(k_t), "control_conversions": pa.array(k_c),
        "expected_incremental_conversions": pa.array(np.round(n_t * (cp.p_treat - cp.p_control), 3)),
    })
    _write_csv(truth_dir / "lift.csv", lift)
    variants = pa.table({
        "campaign_id": [cp.ids[c] for c in cp.var_camp], "variant_id": cp.var_ids,
        "is_control_variant": pa.array([v.endswith("_a") for v in cp.var_ids]),
        "p_click": pa.array(np.round(cp.var_click, 6)),
        "p_convert_treatment": pa.array(np.round(cp.var_p_treat, 6)),
        "sends": pa.array(np.bincount(s.variant, minlength=len(cp.var_ids))),
    })
    _write_csv(truth_dir / "variants.csv", variants)
    bad = pa.table({k: pa.array([str(b[k]) for b in land.bad_values], pa.string())
                    for k in ("source", "kind", "key", "field", "value")})
    _write_csv(truth_dir / "bad_values.csv", bad)

    per_source = {}
    for src in SOURCES:
        fs = [f for f in land.files if f.source == src]
        per_source[src] = {
            "files": sum(1 for f in fs if f.role == "data"),
            "records": sum(f.records for f in fs if f.role == "data"),
            "duplicate_files": sum(1 for f in fs if f.role == "duplicate"),
            "truncated_page_files": sum(1 for f in fs if f.role == "truncated_page"),
            "malformed_lines": sum(len(f.malformed) for f in fs if f.role == "data"),
            "malformed_lines_in_duplicate_files": sum(len(f.malformed) for f in fs if f.role == "duplicate"),
            "dirt": dict(sorted(land.dirt[src].items())),
        }
    n_bot = int((ck.family >= 0).sum())
    summary = {
        "generator_version": GENERATOR_VERSION,
        "parameters": params,
        "counts": {
            "persons": int(p.n), "subscribers": int(p.n_sub), "campaigns": int(cp.n),
            "variants": len(cp.var_ids), "holdout_assignments": int(len(ms.camp)),
            "control_assignments": int(ms.control.sum()), "sends": int(s.n),
            "clicks": int(ck.n), "human_clicks": int(ck.n - n_bot), "bot_clicks": n_bot,
            "ga4_events": int(ga4["events"]), "ga4_sessions": int(ss.n),
            "conversions": int(cv.n),
            "conversions_by_type": {t: int((cv.ctype == i).sum()) for i, t in enumerate(CONV_TYPES)},
            "closed_won_deals": len(deal_truth),
            "hubspot_leads": len(lead_truth),
            "affiliate_conversions_echoing_sms_click_id": sum(a["echoes_sms_click"] for a in aff_truth),
            "affiliate_network_only_claims": len(aff_claims),
            "affiliate_unconfirmed_orders": len(unconfirmed),
            "orders": int((cv.ctype == PURCHASE).sum()),
        },
        "bot_share": {"configured": params["bot_share"], "realized": round(n_bot / max(ck.n, 1), 4)},
        "sources": per_source,
        "files": land.manifest_files(),
    }
    (truth_dir / "manifest.json").write_text(json.dumps(summary, indent=2) + "\n", encoding="utf-8")
    short = {k: v for k, v in summary.items() if k != "files"}
    short["sources"] = {k: {"files": v["files"], "records": v["records"]} for k, v in per_source.items()}
    return short
