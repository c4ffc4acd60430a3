"""dbt over the hand-written landing zone: every landed row is accounted for, the
counts agree with an independent count of the files, and loading the same
landing zone again leaves raw and staging unchanged."""

from __future__ import annotations

import duckdb
import pytest

from conftest import FIXTURE_LANDING, build_warehouse, count_records_in_files, table_fingerprints
from sms_attribution.loading import load_all
from sms_attribution.sources import SOURCES


@pytest.fixture(scope="module")
def built(tmp_path_factory):
    work = tmp_path_factory.mktemp("staging")
    warehouse = work / "warehouse.duckdb"
    load_all(warehouse, FIXTURE_LANDING)
    build_warehouse(warehouse, work / "target")
    return work, warehouse


def test_rows_landed_match_the_files_and_balance(built):
    _, warehouse = built
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        report = {
            source: (landed, accepted, quarantined, parse_errors)
            for source, landed, accepted, quarantined, parse_errors in conn.execute(
                """select source_name, sum(rows_landed), sum(rows_accepted), sum(rows_quarantined),
                          sum(rows_with_parse_error)
                   from reporting.rpt_data_quality group by 1"""
            ).fetchall()
        }
    for source in SOURCES:
        records, unreadable = count_records_in_files(FIXTURE_LANDING, source.name)
        if records == 0:
            continue
        landed, accepted, quarantined, parse_errors = report[source.name]
        assert landed == records, source.name
        assert accepted + quarantined == landed, source.name
        assert parse_errors == unreadable, source.name
        # every fixture file carries at least one bad record on purpose
        assert quarantined >= 1, source.name


def test_quarantine_keeps_the_original_line_and_reason(built):
    _, warehouse = built
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        rows = conn.execute(
            """select quarantine_reason, _record from staging.stg_quarantined_records
               where source_name = 'sends' order by _line_number"""
        ).fetchall()
    reasons = [r for r, _ in rows]
    assert "csv_field_count: expected 7, found 6" in reasons
    assert "invalid_queued_at" in reasons
    assert "missing_subscriber_id" in reasons
    truncated = next(rec for reason, rec in rows if reason.startswith("csv_field_count"))
    assert truncated.startswith("snd_0004,")


def test_staging_rules_on_the_fixture(built):
    _, warehouse = built
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        # the send repeated in the file and in the byte-identical re-delivery is one send
        assert conn.execute(
            "select count(*) from staging.stg_sms_platform__sends where send_id = 'snd_0001'"
        ).fetchone()[0] == 1
        # delivered arrived before sent, and was retried: current status is still delivered
        status, callbacks = conn.execute(
            """select current_status, distinct_callbacks from staging.stg_twilio__message_statuses
               where message_sid = 'SM00000000000000000000000000000001'"""
        ).fetchone()
        assert (status, callbacks) == ("delivered", 2)
        # the later page's record of a message wins
        assert conn.execute(
            """select message_status from staging.stg_twilio__messages
               where message_sid = 'SM00000000000000000000000000000001'"""
        ).fetchone()[0] == "delivered"
        # a click logged again in a later file is one click; the late one is seen as late
        assert conn.execute(
            "select count(*) from staging.stg_shortlinks__clicks where click_id = 'clk_0002'"
        ).fetchone()[0] == 1
        assert conn.execute(
            "select delivery_lag_days from staging.stg_shortlinks__clicks where click_id = 'clk_0006'"
        ).fetchone()[0] == 2


def test_loading_the_same_landing_zone_again_changes_no_raw_or_staging_table(built):
    work, warehouse = built
    # the experiments' statistics are recomputed by every run (computed_at): same values
    before = table_fingerprints(warehouse, ("raw", "staging"), ignore_columns=("computed_at",))
    assert any(count > 0 for count, _ in before.values())
    results = load_all(warehouse, FIXTURE_LANDING)
    assert sum(r.rows_landed for r in results) == 0
    build_warehouse(warehouse, work / "target")
    after = table_fingerprints(warehouse, ("raw", "staging"), ignore_columns=("computed_at",))
    # the bot scores are written anew by every scoring run (scored_at): same clicks
    rescored = "staging.stg_scoring__click_bot_scores"
    assert after.pop(rescored)[0] == before.pop(rescored)[0]
    # and the data-driven weights keep every run (run_id, computed_at): one more run of the same states
    reweighted = "staging.stg_weights__attribution_weights"
    assert after.pop(reweighted)[0] == 2 * before.pop(reweighted)[0]
    assert after == before
