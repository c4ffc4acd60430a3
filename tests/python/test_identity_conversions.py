"""Identity resolution and conversion deduplication against the generator's ground
truth: the tiny landing zone is generated, loaded and built, then every true
conversion (truth/conversions.csv, one row per system that reports it) must be
one row of core.fct_conversions, and its person the truth person's resolved
person.

A true conversion every one of whose reports staging quarantined (a POS export
row with an unparseable amount or time, a HubSpot deal version whose amount is
written with a thousands separator) cannot reach the marts; those are checked to
be in staging.stg_quarantined_records instead: a quarantined record of that
source whose own key (order id, transaction id, deal id, ...) is exactly the
report's key.

Precision as well as recall: every row of core.fct_conversions is a true
conversion. A lead edited without converting, a contact imported already a lead,
and an affiliate network's claim that no postback and no order confirms
(truth/affiliate_claims.csv) are not conversions."""

from __future__ import annotations

import csv
import io
import json
from collections import defaultdict
from urllib.parse import parse_qs
from pathlib import Path

import duckdb
import pytest


@pytest.fixture(scope="module")
def world(tiny_world):
    """The session's tiny warehouse (conftest.tiny_world), shared with the
    affiliate reconciliation's truth test."""
    return tiny_world


def read_csv(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


# the landing source whose quarantined records may hold a report of each system, and
# how to read the report's key off a raw record (JSON object, or a CSV line by header)
QUARANTINE_SOURCE = {
    "shopify": "shopify_orders", "postback_brand": "postbacks", "postback_affiliate": "postbacks",
    "affiliate_report": "affiliate_reports", "pos": "pos_redemptions", "hubspot_contact": "hubspot_contacts",
    "hubspot_deal": "hubspot_deals", "ga4": "ga4",
}
CSV_HEADERS = {
    "affiliate_reports": "transaction_id,click_id,offer_id,event,payout,revenue,currency,status,"
                         "conversion_unix_timestamp".split(","),
    "pos_redemptions": "store_id,code,order_ref,amount,currency,redeemed_at".split(","),
}


def quarantined_record_key(source_name: str, record: str | None) -> str | None:
    """The business key a quarantined raw record names, read independently of the
    models; None when the record is too broken to name one."""
    if not record:
        return None
    try:
        obj = json.loads(record)
    except ValueError:
        if source_name not in CSV_HEADERS:
            return None  # a truncated JSON line names nothing for sure
        fields = next(csv.reader(io.StringIO(record)), [])
        obj = dict(zip(CSV_HEADERS[source_name], fields))
    if not isinstance(obj, dict):
        return None
    if source_name == "shopify_orders":
        body = obj.get("body") or {}  # a refund names its order; an order is its own id
        topic = (obj.get("headers") or {}).get("X-Shopify-Topic")
        key = body.get("order_id") if topic == "refunds/create" else body.get("id")
    elif source_name == "postbacks":
        key = (parse_qs(obj.get("query") or "").get("order_id") or [None])[0]
    elif source_name == "affiliate_reports":
        key = obj.get("transaction_id")
    elif source_name == "pos_redemptions":
        key = obj.get("order_ref")
    elif source_name in ("hubspot_contacts", "hubspot_deals"):
        key = obj.get("id")
    elif source_name == "ga4":
        key = (obj.get("ecommerce") or {}).get("transaction_id")
    else:
        key = None
    return None if key is None else str(key)


def analyse(warehouse: Path, truth: Path) -> dict:
    truth_rows = read_csv(truth / "conversions.csv")
    persons = {p["person_key"]: p for p in read_csv(truth / "persons.csv")}
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        reports = conn.execute(
            """select source_system, report_key, conversion_key,
                      strftime(converted_at, '%Y-%m-%dT%H:%M:%S.%g') as converted_at
               from intermediate.int_conversion_reports"""
        ).fetchall()
        conversions = {r[0]: r for r in conn.execute(
            "select conversion_id, person_id, conversion_type, source_systems, revenue, net_revenue, currency "
            "from core.fct_conversions").fetchall()}
        resolved = dict(conn.execute(
            "select identifier, person_id from intermediate.int_identifiers_resolved").fetchall())
        quarantined = conn.execute(
            "select source_name, _record from staging.stg_quarantined_records").fetchall()

    by_key: dict[tuple[str, str], list[tuple[str, str]]] = defaultdict(list)
    for system, key, conversion_key, converted_at in reports:
        if system == "postback_affiliate":
            key = key.split(":", 1)[1]
        if system == "hubspot_contact":
            key = key.split("@", 1)[0]
        by_key[(system, key)].append((conversion_key, converted_at))

    found: dict[str, set[str]] = defaultdict(set)
    lost: dict[str, list[str]] = defaultdict(list)
    for row in truth_rows:
        candidates = by_key.get((row["system"], row["conversion_key"]), [])
        if row["system"] == "hubspot_contact":  # one contact may have led twice: match the version's time
            candidates = [c for c in candidates if c[1][:23] == row["converted_at"][:23]]
        if candidates:
            found[row["conversion_id"]].update(c for c, _ in candidates)
        else:
            lost[row["conversion_id"]].append(f"{row['system']}:{row['conversion_key']}")

    truth_ids = {r["conversion_id"] for r in truth_rows}
    missing = sorted(t for t in truth_ids if t not in found)
    split = {t: sorted(c) for t, c in found.items() if len(c) > 1}
    owners: dict[str, set[str]] = defaultdict(set)
    for t, cs in found.items():
        for c in cs:
            owners[c].add(t)
    merged = {c: sorted(ts) for c, ts in owners.items() if len(ts) > 1}

    def identifiers_of(person: dict) -> list[str]:
        """The truth person's identifiers, strongest first (subscriber, customer, contact, ...)."""
        out = [f"{kind}:{person[kind]}" for kind in ("subscriber_id", "shopify_customer_id", "hubspot_contact_id",
                                                     "phone", "email") if person.get(kind)]
        out += [f"ga4_user_pseudo_id:{p}" for p in (person.get("user_pseudo_ids") or "").split(";") if p]
        return out

    def anchor_person_id(person: dict) -> str | None:
        """The resolved person of the truth person's first identifier that the data knows."""
        return next((resolved[i] for i in identifiers_of(person) if i in resolved), None)

    person_of_truth = {r["conversion_id"]: r["person_key"] for r in truth_rows}
    agree, disagree = [], []
    for t, cs in found.items():
        if len(cs) != 1:
            continue
        (conversion_id,) = cs
        ours = conversions[conversion_id][1] if conversion_id in conversions else None
        expected = anchor_person_id(persons[person_of_truth[t]])
        (agree if ours is not None and ours == expected else disagree).append((t, conversion_id, ours, expected))
    # over-linking: a resolved person that holds identifiers of two true persons;
    # fragmentation: a true person whose known identifiers resolved to several persons
    claimed: dict[str, set[str]] = defaultdict(set)
    fragmented = {}
    for key, person in persons.items():
        ids = {resolved[i] for i in identifiers_of(person) if i in resolved}
        for person_id in ids:
            claimed[person_id].add(key)
        if len(ids) > 1:
            fragmented[key] = sorted(ids)
    over_linked = {p: sorted(k) for p, k in claimed.items() if len(k) > 1}
    # precision: a conversion none of whose reports is a report of a true conversion
    spurious = sorted(c for c in conversions if c not in owners)
    quarantined_keys = {(source, key) for source, record in quarantined
                        if (key := quarantined_record_key(source, record)) is not None}
    return {
        "spurious": spurious, "quarantined_keys": quarantined_keys,
        "truth_ids": truth_ids, "found": found, "missing": missing, "lost": lost, "split": split,
        "merged": merged, "agree": agree, "over_linked": over_linked, "fragmented": fragmented, "disagree": disagree, "quarantined": quarantined,
        "conversions": conversions, "truth_rows": truth_rows,
    }


def test_every_true_conversion_is_one_conversion(world):
    result = analyse(*world)
    assert not result["split"], f"true conversions split into several: {result['split']}"
    assert not result["merged"], f"different true conversions merged: {result['merged']}"
    # what never arrived: every report of it was quarantined by staging, and is listed
    # there under exactly its key
    for conversion_id in result["missing"]:
        for report in result["lost"][conversion_id]:
            system, key = report.split(":", 1)
            assert (QUARANTINE_SOURCE[system], key) in result["quarantined_keys"], (
                f"{conversion_id} ({report}) is neither a conversion nor a quarantined record keyed {key}")
    found = len(result["truth_ids"]) - len(result["missing"])
    print(f"true conversions found once: {found}/{len(result['truth_ids'])}; "
          f"lost to staging quarantine: {result['missing']}")


def test_every_conversion_is_a_true_conversion(world):
    """Precision: no row of core.fct_conversions that the truth does not have (an edit
    of a lead, a network's unconfirmed claim)."""
    result = analyse(*world)
    assert not result["spurious"], f"conversions the truth does not have: {result['spurious']}"
    assert len(result["conversions"]) >= 10


def test_network_only_claims_are_not_conversions_but_stay_reports(world):
    """An affiliate report row that no postback and no order confirms is a report
    (for the reconciliation), not a conversion."""
    warehouse, truth = world
    claims = read_csv(truth / "affiliate_claims.csv")
    assert claims, "the generator writes network-only claims"
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        reports = dict(conn.execute(
            "select report_key, conversion_key from intermediate.int_conversion_reports "
            "where source_system = 'affiliate_report'").fetchall())
        conversion_ids = {r[0] for r in conn.execute("select conversion_id from core.fct_conversions").fetchall()}
    seen = [c for c in claims if c["transaction_id"] in reports]
    assert seen, "at least one claim reaches int_conversion_reports"
    for claim in seen:
        assert reports[claim["transaction_id"]] not in conversion_ids, claim


def test_affiliate_postbacks_echoing_our_click_are_the_order(world):
    """A network that echoes our sms_click_id as click_id reports the order the click
    led to: its postback and report carry that order's key and name the click's person."""
    result = analyse(*world)
    echoed = [r for r in result["truth_rows"]
              if r["system"] in ("postback_affiliate", "affiliate_report") and r["sms_click_id"]
              and r["conversion_key"].startswith("sms")]
    assert echoed, "the generator writes affiliate conversions that echo our click id"
    orders = {r["conversion_id"]: r["conversion_key"] for r in result["truth_rows"] if r["system"] == "shopify"}
    checked = 0
    for row in echoed:
        if row["conversion_id"] not in result["found"]:
            continue  # quarantined: test_every_true_conversion_is_one_conversion accounts for it
        assert result["found"][row["conversion_id"]] == {f"order:{orders[row['conversion_id']]}"}, row
        checked += 1
    assert checked >= 1


def test_deal_and_lead_revenue(world):
    """A closed-won deal's revenue is its amount in its currency, the company currency
    (USD) when the deal names none; a lead's revenue is 0, not null."""
    result = analyse(*world)
    conversions = result["conversions"]
    deals = [r for r in result["truth_rows"] if r["system"] == "hubspot_deal"]
    checked = 0
    for row in deals:
        conversion = conversions.get(f"deal:{row['conversion_key']}")
        if conversion is None:
            continue  # quarantined (an amount with a thousands separator)
        assert conversion[6] == row["currency"], (row, conversion)
        assert abs(float(conversion[4]) - float(row["revenue"])) < 0.005, (row, conversion)
        checked += 1
    assert checked >= 1
    leads = [c for c in conversions.values() if c[2] == "lead"]
    assert leads and all(c[4] is not None and float(c[4]) == 0 for c in leads), leads


def test_resolved_person_agrees_with_the_truth(world):
    result = analyse(*world)
    total = len(result["agree"]) + len(result["disagree"])
    print(f"person agreement: {len(result['agree'])}/{total}")
    assert not result["disagree"], f"resolved person differs from the truth: {result['disagree']}"


def test_no_two_true_persons_share_a_resolved_person(world):
    """Over-linking: identifiers of two different true persons never resolve to one
    person_id. (Fragmentation, a true person left in several resolved persons, is
    expected where nothing links them: a second device never logged in.)"""
    result = analyse(*world)
    print(f"true persons fragmented over several resolved persons: {len(result['fragmented'])}")
    assert not result["over_linked"], result["over_linked"]


def test_refunds_and_cancellations_net_the_revenue(world):
    result = analyse(*world)
    truth_orders = {r["conversion_key"]: r for r in result["truth_rows"] if r["system"] == "shopify"}
    checked = 0
    for key, row in truth_orders.items():
        conversion = result["conversions"].get(f"order:{key}")
        if conversion is None:
            continue
        expected = 0.0 if row["cancelled"] == "true" else float(row["net_revenue"])
        assert abs(float(conversion[5]) - expected) < 0.01, (key, conversion, row)
        checked += 1
    assert checked >= 1
