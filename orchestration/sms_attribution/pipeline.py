"""The main job: `python -m sms_attribution.pipeline`.

Runs the nightly Dagster job (loads, then `dbt build`) in process over LANDING_DIR
into DUCKDB_PATH, generating a sample landing zone first when LANDING_DIR is
missing or empty, and prints what landed, what was accepted and quarantined, and
what was built.
"""

from __future__ import annotations

import argparse
import os
import subprocess
import sys
import time
from datetime import UTC, datetime, timedelta
from pathlib import Path

import duckdb

from . import settings


def ensure_landing_zone(landing: Path, scale: str, seed: int) -> bool:
    """Generate a sample landing zone ending yesterday if there is none. Returns
    True when it generated one."""
    if landing.is_dir() and any(landing.iterdir()):
        return False
    from .generator import SCALES, generate

    if scale not in SCALES:
        raise SystemExit(f"unknown SAMPLE_SCALE {scale!r}: one of {', '.join(SCALES)}")
    # ending yesterday, so the freshly loaded data is what a nightly run would see
    end = datetime.now(UTC).date() - timedelta(days=1)
    print(f"LANDING_DIR {landing} is empty: generating the '{scale}' sample (seed {seed}, ending {end})")
    generate(landing, settings.truth_dir(), seed=seed, end_date=end, **SCALES[scale])
    return True


def dbt_parse() -> None:
    """dagster-dbt reads target/manifest.json when the definitions are imported."""
    subprocess.run(
        [settings.executable("dbt"), "parse", "--quiet", "--project-dir", str(settings.PROJECT_DIR),
         "--profiles-dir", str(settings.PROJECT_DIR)],
        check=True,
        cwd=settings.PROJECT_DIR,
    )


def run_nightly_job() -> bool:
    from dagster import DagsterInstance

    from .definitions import defs

    instance = DagsterInstance.get() if os.environ.get("DAGSTER_HOME") else DagsterInstance.ephemeral()
    result = defs.get_job_def("nightly").execute_in_process(instance=instance, raise_on_error=False)
    return result.success


project_vars = settings.project_vars


ATTRIBUTION_MODELS = tuple(project_vars()["attribution_models"])


def campaign_summary(conn: duckdb.DuckDBPyConnection, top: int = 10) -> list[str]:
    """The top campaigns by attributed revenue under the default model
    (var attribution_default_model), with CTR, RPM and ROAS recomputed from the
    variants' sums (reporting.rpt_campaign_performance)."""
    present = conn.execute("""
        select count(*) from duckdb_tables()
        where schema_name = 'reporting' and table_name = 'rpt_campaign_performance'
    """).fetchone()[0]
    if not present:
        return []
    model = str(project_vars().get("attribution_default_model", "markov"))
    rows = conn.execute("""
        select
            campaign_id,
            sum(sends) as sends,
            sum(attributed_revenue_usd) as revenue,
            sum(human_clicks) / nullif(sum(delivered), 0) as ctr,
            sum(attributed_revenue_usd) * 1000 / nullif(sum(sends), 0) as rpm,
            sum(attributed_revenue_usd) / nullif(sum(cost_usd), 0) as roas
        from reporting.rpt_campaign_performance
        where attribution_model = ? and campaign_id not in ('(unknown)', '(unmapped spend)')
        group by 1
        order by revenue desc, campaign_id
        limit ?
    """, [model, top]).fetchall()
    if not rows:
        return []

    def number(value, fmt: str) -> str:
        return "-" if value is None else format(float(value), fmt)

    lines = ["", f"top campaigns by attributed revenue under {model} (reporting.rpt_campaign_performance):",
             f"{'campaign':<14}{'sends':>10}{'revenue USD':>16}{'CTR':>9}{'RPM USD':>12}{'ROAS':>10}"]
    for campaign, sends, revenue, ctr, rpm, roas in rows:
        lines.append(f"{campaign:<14}{int(sends):>10,}{number(revenue, ',.2f'):>16}{number(ctr, '.2%'):>9}"
                     f"{number(rpm, ',.2f'):>12}{number(roas, ',.1f'):>10}")
    return lines


def experiment_summary(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """The holdouts (reporting.rpt_incrementality): the global holdout's lift, and per
    campaign with a control group its incremental conversions and revenue with 95%
    intervals."""
    present = conn.execute("""
        select count(*) from duckdb_tables()
        where schema_name = 'reporting' and table_name = 'rpt_incrementality'
    """).fetchone()[0]
    if not present:
        return []
    rows = conn.execute("""
        select campaign_id, measurement_status, treatment_members, control_members, rel_lift, p_value,
            incremental_conversions, incremental_conversions_ci_low, incremental_conversions_ci_high,
            incremental_revenue, incremental_revenue_ci_low, incremental_revenue_ci_high
        from reporting.rpt_incrementality
        where control_members > 0 and treatment_members > 0
        order by is_global_holdout desc, campaign_id
    """).fetchall()
    if not rows:
        return ["", "holdouts (reporting.rpt_incrementality): no campaign has a control group"]

    def number(value, fmt: str) -> str:
        return "-" if value is None else format(float(value), fmt)

    lines = ["", "holdouts (reporting.rpt_incrementality; incremental = caused by the messages, 95% intervals):",
             f"{'experiment':<12}{'status':<13}{'treated':>9}{'held out':>9}{'lift':>8}{'p':>7}"
             f"{'incr. conversions':>28}{'incr. revenue USD':>34}"]
    for (campaign, status, nt, nc, rel, p, ic, icl, ich, ir, irl, irh) in rows:
        conversions = f"{number(ic, ',.1f')} [{number(icl, ',.1f')}, {number(ich, ',.1f')}]"
        revenue = f"{number(ir, ',.0f')} [{number(irl, ',.0f')}, {number(irh, ',.0f')}]"
        lines.append(f"{campaign:<12}{status:<13}{nt:>9,}{nc:>9,}{number(rel, '.0%'):>8}{number(p, '.3f'):>7}"
                     f"{conversions:>28}{revenue:>34}")
    return lines


def attribution_summary(conn: duckdb.DuckDBPyConnection) -> list[str]:
    """Attributed revenue (USD) by channel under each attribution mart that exists,
    side by side, with what each leaves uncredited: the revenue of conversions it
    credits to no touch (for the touch-based models, core.fct_conversions'
    unattributed ones; the SMS platform's view credits SMS only)."""
    present = {name for (name,) in conn.execute(
        "select table_name from duckdb_tables() where schema_name = 'attribution'").fetchall()}
    models = [m for m in ATTRIBUTION_MODELS if f"attribution_{m}" in present]
    if not models:
        return []
    by_model: dict[str, dict[str, float]] = {}
    for model in models:
        by_model[model] = dict(conn.execute(f"""
            select coalesce(channel, '(none)'), sum(attributed_revenue_usd)
            from attribution.attribution_{model}
            group by 1
        """).fetchall())
    total, unattributed = conn.execute("""
        select sum(revenue_usd), sum(case when not is_attributed then revenue_usd end)
        from core.fct_conversions
    """).fetchone()
    total = float(total or 0)
    channels = sorted({c for credits in by_model.values() for c in credits},
                      key=lambda c: -max(float(by_model[m].get(c) or 0) for m in models))
    width = max(len(m) for m in models) + 1
    lines = ["", "attributed revenue (USD) by channel under each model "
             f"(conversions' revenue {total:,.2f}; {float(unattributed or 0):,.2f} of it has no eligible touch):",
             f"{'channel':<16}" + "".join(f"{m:>{width}}" for m in models)]
    for channel in channels:
        lines.append(f"{channel:<16}" + "".join(f"{float(by_model[m].get(channel) or 0):>{width},.2f}" for m in models))
    credited = {m: sum(float(v or 0) for v in by_model[m].values()) for m in models}
    lines.append(f"{'attributed':<16}" + "".join(f"{credited[m]:>{width},.2f}" for m in models))
    lines.append(f"{'not credited':<16}" + "".join(f"{total - credited[m]:>{width},.2f}" for m in models))
    return lines


def summary(warehouse: Path) -> str:
    lines = []
    with duckdb.connect(str(warehouse), read_only=True) as conn:
        rows = conn.execute(
            """
            select source_name,
                   sum(files_loaded), sum(files_duplicate), sum(files_failed),
                   sum(rows_landed), sum(rows_accepted), sum(rows_quarantined)
            from reporting.rpt_data_quality
            group by 1 order by 1
            """
        ).fetchall()
        lines.append(
            f"{'source':<18} {'files':>6} {'dup':>4} {'fail':>4} {'landed':>11} {'accepted':>11} {'quarantined':>11}"
        )
        totals = [0, 0, 0, 0, 0, 0]
        for source, *values in rows:
            totals = [t + int(v) for t, v in zip(totals, values, strict=True)]
            lines.append(
                f"{source:<18} {values[0]:>6} {values[1]:>4} {values[2]:>4} {values[3]:>11,} {values[4]:>11,} {values[5]:>11,}"
            )
        lines.append(
            f"{'total':<18} {totals[0]:>6} {totals[1]:>4} {totals[2]:>4} {totals[3]:>11,} {totals[4]:>11,} {totals[5]:>11,}"
        )
        built = conn.execute(
            """
            select schema_name, count(*), sum(estimated_size)
            from duckdb_tables()
            where schema_name not in ('raw', 'main')
            group by 1 order by 1
            """
        ).fetchall()
        lines.append("")
        lines.append("built: " + ", ".join(f"{schema} ({n} tables, ~{rows:,} rows)" for schema, n, rows in built))
        has_scores = conn.execute(
            "select count(*) from duckdb_tables() where schema_name = 'scoring' and table_name = 'click_bot_scores'"
        ).fetchone()[0]
        if has_scores:
            clicks, bots = conn.execute(
                "select count(*), count(*) filter (where is_bot) from scoring.click_bot_scores"
            ).fetchone()
            lines.append(f"bot scoring: {clicks:,} clicks scored, {bots:,} bots ({bots / clicks:.1%})"
                         if clicks else "bot scoring: no clicks")
        reasons = conn.execute(
            """
            select quarantine_reason, count(*) from staging.stg_quarantined_records
            group by 1 order by 2 desc, 1 limit 8
            """
        ).fetchall()
        if reasons:
            lines.append("top quarantine reasons: " + "; ".join(f"{r} ({n})" for r, n in reasons))
        lines += attribution_summary(conn)
        lines += campaign_summary(conn)
        lines += experiment_summary(conn)
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", default=os.environ.get("SAMPLE_SCALE", "small"),
                        help="sample size to generate when LANDING_DIR is empty (tiny, small, large)")
    parser.add_argument("--seed", type=int, default=int(os.environ.get("SAMPLE_SEED", "7")))
    args = parser.parse_args(argv)

    paths = settings.export_env()
    print(f"LANDING_DIR={paths['LANDING_DIR']}\nDUCKDB_PATH={paths['DUCKDB_PATH']}")
    started = time.monotonic()
    ensure_landing_zone(Path(paths["LANDING_DIR"]), args.scale, args.seed)
    dbt_parse()
    ok = run_nightly_job()
    print()
    print(summary(Path(paths["DUCKDB_PATH"])))
    print(f"\nnightly job {'succeeded' if ok else 'FAILED'} in {time.monotonic() - started:.0f} s")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
