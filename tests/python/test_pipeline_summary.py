"""The main job's summary: the top campaigns under the default model, with the
ratios recomputed from the variants' sums."""

from __future__ import annotations

import duckdb

from sms_attribution import pipeline


def test_campaign_summary_divides_sums_and_ranks_by_revenue():
    """c1's variants: a (100 sends, 80 delivered, 8 human clicks, $300 revenue, $30
    cost) and b (100 sends, 20 delivered, 6 human clicks, $100, $10): CTR is 14 / 100
    = 14.00% (the variants' own CTRs, 10% and 30%, average 20%), RPM 400 x 1000 / 200
    = 2,000.00, ROAS 400 / 40 = 10.0. c2 earns less and comes second; rows of another
    model and the unmapped-spend row are left out."""
    conn = duckdb.connect()
    conn.execute("create schema reporting")
    conn.execute("""
        create table reporting.rpt_campaign_performance as
        select * from (values
            ('c1', 'markov', 100, 80, 8, 300.0, 30.0),
            ('c1', 'markov', 100, 20, 6, 100.0, 10.0),
            ('c2', 'markov', 10, 10, 1, 50.0, 0.0),
            ('c3', 'last_touch', 10, 10, 1, 9999.0, 1.0),
            ('(unmapped spend)', 'markov', 0, 0, 0, 0.0, 25.0)
        ) as t(campaign_id, attribution_model, sends, delivered, human_clicks, attributed_revenue_usd, cost_usd)
    """)
    lines = pipeline.campaign_summary(conn)
    assert "under markov" in lines[1]
    first, second = lines[3].split(), lines[4].split()
    assert first == ["c1", "200", "400.00", "14.00%", "2,000.00", "10.0"]
    assert second[:3] == ["c2", "10", "50.00"] and second[-1] == "-"  # ROAS with no cost: unknown
    assert len(lines) == 5
