"""The dbt semantic layer (models/reporting/_reporting__semantic_models.yml and
_reporting__metrics.yml) answered by `mf query` (dbt-metricflow) on a generated
tiny warehouse, against the marts it is defined over.

- Revenue and ROAS by campaign under the default model are the numbers of
  reporting.rpt_campaign_performance: its variant rows' revenue summed, and ROAS
  the campaign's summed revenue over its summed cost.
- At every coarser grain (campaign from variants, all campaigns, a week from its
  days in rpt_channel_comparison) each ratio metric equals the summed numerator
  over the summed denominator read from the mart, and differs on this data from
  the average of the finer grain's ratios: were a metric an average of ratios
  (or a ratio of averages over unequal groups), the test fails.
- The `_by_model` twins give each model's numbers; the plain metrics read the
  default model, the one dbt_project.yml names.

Floats are compared to a relative 1e-9 (absolute 1e-9 USD near 0): the mart and
MetricFlow sum the same doubles in different orders, which moves the last bits.

`mf` reads `<project>/target/semantic_manifest.json` and nothing else, and the
project's own target/ is written by other tests' `dbt parse` (with another
warehouse's name as the database), so each run gets a private project root:
dbt_project.yml linked into a temporary directory whose target/ this module's
`dbt parse` writes, with DUCKDB_PATH naming this module's warehouse. A DuckDB file
opens in one process at a time: every read here closes before `mf` runs.
"""

from __future__ import annotations

import csv
import json
import math
import os
import subprocess
import sys
from collections import defaultdict
from datetime import date, timedelta
from pathlib import Path

import duckdb
import pytest
import yaml

from conftest import PROJECT_DIR, run_dbt

REL, ABS = 1e-9, 1e-9

# ratio metric -> (numerator, denominator) as columns of rpt_campaign_performance,
# and the mart's own column holding the row's ratio
CAMPAIGN_RATIOS = {
    "ctr": ("human_clicks", "delivered"),
    "rpm": ("attributed_revenue_usd * 1000", "sends"),
    "rpc": ("attributed_revenue_usd", "human_clicks"),
    "cpa": ("cost_usd", "attributed_conversions"),
    "roas": ("attributed_revenue_usd", "cost_usd"),
}


def default_model() -> str:
    project = yaml.safe_load((PROJECT_DIR / "dbt_project.yml").read_text())
    return project["vars"]["attribution_default_model"]


@pytest.fixture(scope="module")
def warehouse(tiny_world) -> Path:
    """The session's tiny warehouse (conftest.tiny_world), read only here and by mf."""
    return tiny_world[0]


@pytest.fixture(scope="module")
def mf_project(warehouse, tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("mf_project")
    (root / "dbt_project.yml").symlink_to(PROJECT_DIR / "dbt_project.yml")
    run_dbt(["parse"], warehouse, root / "target")
    assert (root / "target" / "semantic_manifest.json").exists()
    return root


def cell(text: str):
    return None if text == "" else text


def mf_query(project: Path, warehouse: Path, metrics: list[str], group_by: list[str] = (),
             where: str | None = None) -> list[dict]:
    out = project / "out.csv"
    out.unlink(missing_ok=True)
    mf = Path(sys.executable).parent / "mf"
    args = [str(mf if mf.exists() else "mf"), "query", "--metrics", ",".join(metrics), "--csv", str(out)]
    if group_by:
        args += ["--group-by", ",".join(group_by)]
    if where:
        args += ["--where", where]
    env = {**os.environ, "DBT_PROJECT_DIR": str(project), "DBT_PROFILES_DIR": str(PROJECT_DIR),
           "DUCKDB_PATH": str(warehouse), "DBT_TARGET": "duckdb"}
    result = subprocess.run(args, cwd=project, env=env, capture_output=True, text=True)
    assert result.returncode == 0 and out.exists(), f"mf query failed:\n{result.stdout[-4000:]}\n{result.stderr[-2000:]}"
    with out.open(newline="") as f:
        rows = [{k: cell(v) for k, v in row.items()} for row in csv.DictReader(f)]
    for row in rows:
        for name in metrics:
            row[name] = None if row[name] is None else float(row[name])
    return rows


def read(warehouse: Path, sql: str, params: list | None = None) -> list[dict]:
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        cursor = conn.execute(sql, params or [])
        names = [d[0] for d in cursor.description]
        return [dict(zip(names, row)) for row in cursor.fetchall()]


def close(a, b) -> bool:
    if a is None or b is None:
        return a is None and b is None
    return math.isclose(a, b, rel_tol=REL, abs_tol=ABS)


def ratio(numerator: float, denominator: float):
    return None if denominator == 0 else numerator / denominator


def mean(values):
    values = [v for v in values if v is not None]
    return sum(values) / len(values) if values else None


def differs(a, b) -> bool:
    return a is not None and b is not None and not math.isclose(a, b, rel_tol=1e-6, abs_tol=1e-9)


def campaign_rows(warehouse: Path, model: str) -> list[dict]:
    """The mart's variant rows under one model, each with every ratio's numerator
    and denominator and the mart's own ratio."""
    parts = ", ".join(
        f"cast({num} as double) as {name}__num, cast({den} as double) as {name}__den, {name}"
        for name, (num, den) in CAMPAIGN_RATIOS.items()
    )
    return read(warehouse, f"""
        select campaign_id, variant_id, attributed_revenue_usd, cast(cost_usd as double) as cost_usd, {parts}
        from reporting.rpt_campaign_performance
        where attribution_model = ?""", [model])


def by_key(rows: list[dict], *keys: str) -> dict:
    return {tuple(r[k] for k in keys) if len(keys) > 1 else r[keys[0]]: r for r in rows}


@pytest.fixture(scope="module")
def mart(warehouse) -> list[dict]:
    return campaign_rows(warehouse, default_model())


def test_plain_metrics_read_the_default_model_and_twins_read_every_model(mf_project):
    """The filter written in the metrics YAML is the model dbt_project.yml names
    (dbt does not render a metric filter, so the name is written twice)."""
    manifest = json.loads((mf_project / "target" / "semantic_manifest.json").read_text())
    # the metrics over the marts, whose semantic models carry attribution_model
    per_model_measures = {
        measure["name"]
        for model in manifest["semantic_models"]
        if any(d["name"] == "attribution_model" for d in model["dimensions"])
        for measure in model["measures"]
    }
    assert per_model_measures and {"messages_sent", "conversions"}.isdisjoint(per_model_measures)
    metrics = {
        m["name"]: m for m in manifest["metrics"]
        if {i["name"] for i in m["type_params"]["input_measures"]} <= per_model_measures
    }
    plain = [n for n in metrics if not n.endswith("_by_model")]
    assert {"sends", "delivered", "human_clicks", "attributed_conversions", "attributed_revenue", "cost",
            "ctr", "rpm", "rpc", "cpa", "roas", "channel_roas"} <= set(plain)
    for name in plain:
        metric = metrics[name]
        assert f"{name}_by_model" in metrics, name
        assert metrics[f"{name}_by_model"]["filter"] is None, name
        if metric["type"] == "ratio":
            params = metric["type_params"]
            assert not params["numerator"]["name"].endswith("_by_model"), name
            assert params["numerator"]["name"] in plain and params["denominator"]["name"] in plain, name
            continue
        where = [f["where_sql_template"] for f in metric["filter"]["where_filters"]]
        assert len(where) == 1 and where[0].endswith("__attribution_model') }} = " + f"'{default_model()}'"), (name, where)


def test_revenue_and_roas_by_campaign_are_the_marts(mf_project, warehouse, mart):
    answer = mf_query(mf_project, warehouse, ["attributed_revenue", "cost", "roas"], ["campaign__campaign_id"])
    got = by_key(answer, "campaign__campaign_id")
    campaigns = defaultdict(list)
    for row in mart:
        campaigns[row["campaign_id"]].append(row)
    assert set(got) == set(campaigns)
    assert any(r["roas"] for r in answer), "some campaign has revenue and cost"
    for campaign, rows in campaigns.items():
        revenue = sum(r["attributed_revenue_usd"] for r in rows)
        cost = sum(r["cost_usd"] for r in rows)
        assert close(got[campaign]["attributed_revenue"], revenue), campaign
        assert close(got[campaign]["cost"], cost), campaign
        assert close(got[campaign]["roas"], ratio(revenue, cost)), campaign
        if len(rows) == 1:
            assert close(got[campaign]["roas"], rows[0]["roas"]), campaign


def test_every_ratio_at_the_variant_grain_is_the_marts_row(mf_project, warehouse, mart):
    answer = mf_query(mf_project, warehouse, list(CAMPAIGN_RATIOS),
                      ["campaign__campaign_id", "campaign__variant_id"])
    got = by_key(answer, "campaign__campaign_id", "campaign__variant_id")
    assert set(got) == {(r["campaign_id"], r["variant_id"]) for r in mart}
    for row in mart:
        for name in CAMPAIGN_RATIOS:
            assert close(got[(row["campaign_id"], row["variant_id"])][name], row[name]), (row, name)


def test_campaign_ratios_divide_summed_variants_not_average_them(mf_project, warehouse, mart):
    answer = by_key(mf_query(mf_project, warehouse, list(CAMPAIGN_RATIOS), ["campaign__campaign_id"]),
                    "campaign__campaign_id")
    campaigns = defaultdict(list)
    for row in mart:
        campaigns[row["campaign_id"]].append(row)
    for name in CAMPAIGN_RATIOS:
        averaged_differently = []
        for campaign, rows in campaigns.items():
            expected = ratio(sum(r[f"{name}__num"] for r in rows), sum(r[f"{name}__den"] for r in rows))
            assert close(answer[campaign][name], expected), (campaign, name)
            if differs(answer[campaign][name], mean(r[name] for r in rows)):
                averaged_differently.append(campaign)
        assert averaged_differently, f"{name}: no campaign where the variants' average ratio differs"


def test_all_campaign_ratios_divide_sums_not_average_them(mf_project, warehouse, mart):
    [total] = mf_query(mf_project, warehouse, list(CAMPAIGN_RATIOS))
    by_campaign = mf_query(mf_project, warehouse, list(CAMPAIGN_RATIOS), ["campaign__campaign_id"])
    for name in CAMPAIGN_RATIOS:
        expected = ratio(sum(r[f"{name}__num"] for r in mart), sum(r[f"{name}__den"] for r in mart))
        assert close(total[name], expected), name
        assert differs(total[name], mean(r[name] for r in mart)), f"{name}: equals the variants' average"
        assert differs(total[name], mean(r[name] for r in by_campaign)), f"{name}: equals the campaigns' average"


def test_a_weeks_roas_divides_its_days_sums_not_averages_them(mf_project, warehouse):
    days = read(warehouse, """
        select channel, report_date, attributed_revenue_usd, cast(cost_usd as double) as cost_usd, roas
        from reporting.rpt_channel_comparison
        where attribution_model = ?""", [default_model()])
    answer = mf_query(mf_project, warehouse, ["channel_attributed_revenue", "channel_cost", "channel_roas"],
                      ["channel_day__channel", "metric_time__week"])
    got = {(r["channel_day__channel"], date.fromisoformat(r["metric_time__week"][:10])): r for r in answer}
    weeks = defaultdict(list)
    for row in days:
        monday = row["report_date"] - timedelta(days=row["report_date"].weekday())
        weeks[(row["channel"], monday)].append(row)
    assert set(got) == set(weeks)
    assert any(len(rows) > 1 for rows in weeks.values()), "a week of several days"
    averaged_differently = []
    for key, rows in weeks.items():
        revenue = sum(r["attributed_revenue_usd"] for r in rows)
        cost = sum(r["cost_usd"] for r in rows)
        assert close(got[key]["channel_attributed_revenue"], revenue), key
        assert close(got[key]["channel_cost"], cost), key
        assert close(got[key]["channel_roas"], ratio(revenue, cost)), key
        if differs(got[key]["channel_roas"], mean(r["roas"] for r in rows)):
            averaged_differently.append(key)
    assert averaged_differently, "no week whose days' average ROAS differs from the week's ROAS"


def test_by_model_twins_give_each_models_numbers(mf_project, warehouse):
    answer = mf_query(mf_project, warehouse, ["attributed_revenue_by_model", "roas_by_model"],
                      ["campaign__campaign_id", "campaign__attribution_model"])
    got = by_key(answer, "campaign__campaign_id", "campaign__attribution_model")
    mart = read(warehouse, """
        select campaign_id, attribution_model, sum(attributed_revenue_usd) as revenue,
               cast(sum(cost_usd) as double) as cost
        from reporting.rpt_campaign_performance group by 1, 2""")
    assert set(got) == {(r["campaign_id"], r["attribution_model"]) for r in mart}
    for row in mart:
        key = (row["campaign_id"], row["attribution_model"])
        assert close(got[key]["attributed_revenue_by_model"], row["revenue"]), key
        assert close(got[key]["roas_by_model"], ratio(row["revenue"], row["cost"])), key
    assert len({r["campaign__attribution_model"] for r in answer}) > 1
    # the default model's twin is the plain metric; another model, chosen with --where, is its own
    plain = by_key(mf_query(mf_project, warehouse, ["roas"], ["campaign__campaign_id"]), "campaign__campaign_id")
    for campaign, row in plain.items():
        assert close(row["roas"], got[(campaign, default_model())]["roas_by_model"]), campaign
    other = next(m for m in sorted({r["attribution_model"] for r in mart}) if m != default_model())
    chosen = mf_query(mf_project, warehouse, ["roas_by_model"], ["campaign__campaign_id"],
                      where=f"{{{{ Dimension('campaign__attribution_model') }}}} = '{other}'")
    for row in chosen:
        assert close(row["roas_by_model"], got[(row["campaign__campaign_id"], other)]["roas_by_model"])


def monday(day: date) -> date:
    return day - timedelta(days=day.weekday())


def test_core_fact_metrics_by_week_and_campaign_count_the_sends(mf_project, warehouse):
    """messages_sent, messages_delivered, message_cost and delivery_rate over
    core.fct_sends, bucketed by the queued day's ISO week here in Python; a week's
    delivery rate is its delivered over its sent, not the average of its days'."""
    sends = read(warehouse, """
        select campaign_id, cast(queued_at as date) as day, is_delivered, cast(cost_usd as double) as cost_usd
        from core.fct_sends""")
    weeks, days = defaultdict(lambda: [0, 0, 0.0]), defaultdict(lambda: [0, 0])
    for row in sends:
        week = weeks[(row["campaign_id"], monday(row["day"]))]
        week[0] += 1
        week[1] += bool(row["is_delivered"])
        week[2] += row["cost_usd"] or 0.0
        daily = days[(row["campaign_id"], row["day"])]
        daily[0] += 1
        daily[1] += bool(row["is_delivered"])
    answer = mf_query(mf_project, warehouse, ["messages_sent", "messages_delivered", "message_cost", "delivery_rate"],
                      ["send__campaign_id", "metric_time__week"])
    got = {(r["send__campaign_id"], date.fromisoformat(r["metric_time__week"][:10])): r for r in answer}
    assert set(got) == set(weeks)
    averaged_differently = []
    for key, (sent, delivered, cost) in weeks.items():
        assert got[key]["messages_sent"] == sent, key
        assert got[key]["messages_delivered"] == delivered, key
        assert close(got[key]["message_cost"] or 0.0, cost), key
        assert close(got[key]["delivery_rate"], ratio(delivered, sent)), key
        daily_rates = [ratio(d, n) for (c, day), (n, d) in days.items() if c == key[0] and monday(day) == key[1]]
        if differs(got[key]["delivery_rate"], mean(daily_rates)):
            averaged_differently.append(key)
    assert averaged_differently, "no week whose days' average delivery rate differs from the week's"
    assert sum(w[0] for w in weeks.values()) == len(sends)


def test_core_fact_metrics_by_month_and_type_count_the_conversions(mf_project, warehouse):
    rows = read(warehouse, """
        select conversion_type, cast(converted_at as date) as day, is_attributed,
               cast(revenue_usd as double) as revenue_usd
        from core.fct_conversions""")
    months = defaultdict(lambda: [0, 0, 0.0])
    for row in rows:
        month = months[(row["conversion_type"], row["day"].replace(day=1))]
        month[0] += 1
        month[1] += bool(row["is_attributed"])
        month[2] += row["revenue_usd"] or 0.0
    answer = mf_query(mf_project, warehouse, ["conversions", "attributable_conversions", "conversion_revenue",
                                              "attributable_share"],
                      ["conversion__conversion_type", "metric_time__month"])
    got = {(r["conversion__conversion_type"], date.fromisoformat(r["metric_time__month"][:10])): r for r in answer}
    assert set(got) == set(months)
    for key, (conversions, attributable, revenue) in months.items():
        assert got[key]["conversions"] == conversions, key
        assert got[key]["attributable_conversions"] == attributable, key
        assert close(got[key]["conversion_revenue"] or 0.0, revenue), key
        assert close(got[key]["attributable_share"], ratio(attributable, conversions)), key
