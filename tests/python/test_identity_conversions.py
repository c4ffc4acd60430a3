"""Identity resolution and conversion deduplication against the generator's ground
truth: the tiny landing zone is generated, loaded and built, then every true
conversion (truth/conversions.csv, one row per system that reports it) must be
one row of core.fct_conversions, and its person the truth person's resolved
person.

A true conversion every one of whose reports staging quarantined (a POS export
row with an unparseable amount or time, a HubSpot deal version whose amount is
written with a thousands separator) cannot reach the marts; those are checked to
be in staging.stg_quarantined_records instead, and listed."""

from __future__ import annotations

import csv
from collections import defaultdict
from pathlib import Path

import duckdb
import pytest

from conftest import build_warehouse
from sms_attribution.generator import SCALES, generate
from sms_attribution.loading import load_all

@pytest.fixture(scope="module")
def world(tmp_path_factory):
    base = tmp_path_factory.mktemp("identity_conversions")
    landing, truth = base / "landing", base / "truth"
    generate(landing, truth, seed=42, **SCALES["tiny"])
    warehouse = base / "warehouse.duckdb"
    load_all(warehouse, landing)
    build_warehouse(warehouse, base / "target")
    return warehouse, truth


def read_csv(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


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
            "select source_name, _record from staging.stg_quarantined_records "
            "where source_name in ('pos_redemptions', 'hubspot_deals', 'postbacks', 'shopify_orders', "
            "'hubspot_contacts', 'affiliate_reports')").fetchall()

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
    return {
        "truth_ids": truth_ids, "found": found, "missing": missing, "lost": lost, "split": split,
        "merged": merged, "agree": agree, "over_linked": over_linked, "fragmented": fragmented, "disagree": disagree, "quarantined": quarantined,
        "conversions": conversions, "truth_rows": truth_rows,
    }


def test_every_true_conversion_is_one_conversion(world):
    result = analyse(*world)
    assert not result["split"], f"true conversions split into several: {result['split']}"
    assert not result["merged"], f"different true conversions merged: {result['merged']}"
    # what never arrived: every report of it was quarantined by staging, and is listed there
    quarantined_text = "\n".join(record or "" for _, record in result["quarantined"])
    for conversion_id in result["missing"]:
        for report in result["lost"][conversion_id]:
            key = report.split(":", 1)[1]
            assert key in quarantined_text, f"{conversion_id} ({report}) is neither a conversion nor quarantined"
    found = len(result["truth_ids"]) - len(result["missing"])
    print(f"true conversions found once: {found}/{len(result['truth_ids'])}; "
          f"lost to staging quarantine: {result['missing']}")


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
