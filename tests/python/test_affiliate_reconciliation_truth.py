"""The affiliate reconciliation against the generator's ground truth: the tiny
landing zone (conftest.tiny_world, shared with the identity test) is generated,
loaded and built, then every network transaction the generator wrote
(truth/affiliate_transactions.csv: our postback, the network's report row, or
both) must be one row of core.fct_affiliate_transactions, on the sides the truth
says, with each side's payout as written, and no other row; and
reporting.rpt_affiliate_reconciliation's counts per day, network and offer must
be the truth's, counted here.

What the truth expects of the warehouse, from the contract and the generator's own
notes (never from the models' SQL):
- a report row whose payout the generator wrote as "N/A" is quarantined by staging
  (truth/bad_values.csv): the network's side does not have it;
- the offer of a transaction the report does not list is '(unknown)' (postbacks
  carry no offer);
- the day is the UTC day of the report's conversion_unix_timestamp, else of our
  first postback's receipt;
- a postback is for an unconfirmed order when no Shopify order was written for it
  (has_shop_order false).
"""

from __future__ import annotations

import csv
from collections import Counter
from datetime import UTC, datetime
from decimal import Decimal, InvalidOperation
from pathlib import Path

import duckdb


def read_csv(path: Path) -> list[dict]:
    with path.open(newline="", encoding="utf-8") as f:
        return list(csv.DictReader(f))


def as_decimal(text: str | None) -> Decimal | None:
    try:
        return Decimal(text) if text else None
    except InvalidOperation:
        return None


def expected_transactions(truth: Path) -> dict[tuple[str, str], dict]:
    quarantined = {(b["source"], b["key"]) for b in read_csv(truth / "bad_values.csv")}
    out = {}
    for t in read_csv(truth / "affiliate_transactions.csv"):
        ours = t["in_postbacks"] == "true"
        theirs = (t["in_report"] == "true" and ("affiliate_reports", t["transaction_id"]) not in quarantined
                  and as_decimal(t["report_payout"]) is not None)
        if not (ours or theirs):
            continue
        if theirs:
            day = datetime.fromtimestamp(int(t["converted_at_unix"]), UTC).date()
        else:
            day = datetime.fromisoformat(t["postback_received_at"].replace("Z", "+00:00")).date()
        out[(t["network"], t["transaction_id"])] = {
            "kind": t["kind"],
            "offer_id": t["offer_id"] if theirs else "(unknown)",
            "report_date": day,
            "on_our_side": ours,
            "on_network_side": theirs,
            "our_payout": as_decimal(t["postback_payout"]) if ours else None,
            "network_payout": as_decimal(t["report_payout"]) if theirs else None,
            "our_currency": t["currency"] if ours else None,
            "network_currency": t["currency"] if theirs else None,
            "is_order_unconfirmed": ours and t["has_shop_order"] != "true",
        }
    return out


def test_every_network_transaction_is_one_row_on_its_true_sides(tiny_world):
    warehouse, truth = tiny_world
    expected = expected_transactions(truth)
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        rows = conn.execute(
            """select network, transaction_id, offer_id, report_date, on_our_side, on_network_side,
                      our_payout, network_payout, our_currency, network_currency, is_order_unconfirmed
               from core.fct_affiliate_transactions""").fetchall()
    actual = {(r[0], r[1]): {
        "offer_id": r[2], "report_date": r[3], "on_our_side": r[4], "on_network_side": r[5],
        "our_payout": r[6], "network_payout": r[7], "our_currency": r[8], "network_currency": r[9],
        "is_order_unconfirmed": r[10]} for r in rows}
    assert len(actual) == len(rows), "one row per (network, transaction_id)"
    assert sorted(set(expected) - set(actual)) == [], "true transactions missing from the fact"
    assert sorted(set(actual) - set(expected)) == [], "rows the truth does not have"
    for key, want in expected.items():
        got = actual[key]
        for column in got:
            assert got[column] == want[column], (key, column, got[column], want[column])
    # the generator's cases are all there, so the comparison above means something
    kinds = Counter(
        ("matched" if e["on_our_side"] and e["on_network_side"] else
         "missing_on_network_side" if e["on_our_side"] else "missing_on_our_side")
        for e in expected.values())
    assert min(kinds["matched"], kinds["missing_on_network_side"], kinds["missing_on_our_side"]) >= 1, kinds
    unconfirmed = [e for e in expected.values() if e["is_order_unconfirmed"]]
    assert len(unconfirmed) >= 2 and any(e["on_network_side"] for e in unconfirmed), unconfirmed
    print(f"transactions: {len(expected)} ({dict(kinds)}; unconfirmed orders {len(unconfirmed)})")


def test_the_mart_counts_the_true_transactions_per_day_network_and_offer(tiny_world):
    warehouse, truth = tiny_world
    want: dict[tuple, Counter] = {}
    for (network, _), e in expected_transactions(truth).items():
        c = want.setdefault((e["report_date"], network, e["offer_id"]), Counter())
        c["our_transactions"] += e["on_our_side"]
        c["network_transactions"] += e["on_network_side"]
        c["matched_transactions"] += e["on_our_side"] and e["on_network_side"]
        c["missing_on_network_side"] += e["on_our_side"] and not e["on_network_side"]
        c["missing_on_our_side"] += e["on_network_side"] and not e["on_our_side"]
        c["unconfirmed_order_postbacks"] += e["is_order_unconfirmed"]
    columns = ["our_transactions", "network_transactions", "matched_transactions", "missing_on_network_side",
               "missing_on_our_side", "unconfirmed_order_postbacks"]
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        rows = conn.execute(
            f"select report_date, network, offer_id, {', '.join(columns)} "
            "from reporting.rpt_affiliate_reconciliation").fetchall()
    got = {(r[0], r[1], r[2]): dict(zip(columns, r[3:])) for r in rows}
    assert sorted(got) == sorted(want)
    for key, counts in want.items():
        assert got[key] == {c: counts[c] for c in columns}, key
