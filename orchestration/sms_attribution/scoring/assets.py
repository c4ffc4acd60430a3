"""The Dagster asset `scoring/click_bot_scores`, placed between the staging models
and seeds (known_preview_fetchers, datacenter_ip_ranges) it reads and the dbt models that read it (through the dbt source
scoring.click_bot_scores, whose `meta.dagster.asset_key` is this asset's key), so
one run of the nightly job goes: loads -> dbt staging -> scoring -> dbt models
downstream. Dagster runs the dbt multi-asset in steps around it.

(No `from __future__ import annotations` here: Dagster reads the config class from
the asset function's annotation at definition time.)
"""

import duckdb
from dagster import (
    AssetCheckResult,
    AssetCheckSeverity,
    AssetCheckSpec,
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    Config,
    FreshnessPolicy,
    MaterializeResult,
    asset,
)
from dagster_dbt import get_asset_key_for_model
from pydantic import Field

from .. import settings
from .reasons import DEFAULT_THRESHOLD, THRESHOLD_ENV, threshold_from_env
from .scorer import SCORES_SCHEMA, SCORES_TABLE, SEED_TABLES, STAGED_MODELS, score_clicks

ASSET_KEY = AssetKey([SCORES_SCHEMA, SCORES_TABLE])
EVERY_CLICK_SCORED = "every_staged_click_scored"
BOT_SHARE_PLAUSIBLE = "bot_share_below_90_percent"


class BotScoringConfig(Config):
    threshold: float | None = Field(
        default=None,
        description=f"Bot when bot_score >= threshold. Default: {THRESHOLD_ENV}, else {DEFAULT_THRESHOLD}.",
    )


def build_click_bot_scores_asset(
    dbt_assets: AssetsDefinition, freshness_policy: FreshnessPolicy | None = None
) -> AssetsDefinition:
    """The scoring asset, depending on the dbt assets of the staged models and the
    seeds it reads (so the lineage shows every input)."""
    staged = [get_asset_key_for_model([dbt_assets], model) for model in STAGED_MODELS]
    seeds = [get_asset_key_for_model([dbt_assets], seed) for seed in SEED_TABLES]

    @asset(
        key=ASSET_KEY,
        deps=[*staged, *seeds],
        group_name=SCORES_SCHEMA,
        kinds={"duckdb", "python"},
        freshness_policy=freshness_policy,
        description=(
            "Bot score of every staged click (one row per click_id: bot_score in [0, 1], is_bot at the "
            "threshold, every reason that fired). Filters what counts as a human click; deletes nothing."
        ),
        check_specs=[
            AssetCheckSpec(EVERY_CLICK_SCORED, asset=ASSET_KEY,
                           description="One score per staged click, no more, no less."),
            AssetCheckSpec(BOT_SHARE_PLAUSIBLE, asset=ASSET_KEY,
                           description="Fewer than 90% of the clicks are bots (more means a rule misfires)."),
        ],
    )
    def click_bot_scores(context: AssetExecutionContext, config: BotScoringConfig):
        threshold = config.threshold if config.threshold is not None else threshold_from_env()
        with duckdb.connect(str(settings.duckdb_path())) as conn:
            result = score_clicks(conn, threshold)
            staged_clicks, distinct_scored = conn.execute(f"""
                select
                    (select count(*) from staging.stg_shortlinks__clicks),
                    (select count(distinct click_id) from {SCORES_SCHEMA}.{SCORES_TABLE})
            """).fetchone()
        context.log.info(
            f"{result.clicks:,} clicks scored, {result.bots:,} bots ({result.bot_share:.1%}) at threshold "
            f"{threshold} in {result.seconds:.2f} s ({result.clicks_per_second:,.0f} clicks/s)"
        )
        yield MaterializeResult(asset_key=ASSET_KEY, metadata=result.as_metadata())
        yield AssetCheckResult(
            asset_key=ASSET_KEY,
            check_name=EVERY_CLICK_SCORED,
            passed=bool(result.clicks == staged_clicks == distinct_scored),
            metadata={"staged_clicks": int(staged_clicks), "scores": result.clicks,
                      "distinct_scored_clicks": int(distinct_scored)},
        )
        yield AssetCheckResult(
            asset_key=ASSET_KEY,
            check_name=BOT_SHARE_PLAUSIBLE,
            passed=result.clicks == 0 or result.bot_share < 0.9,
            severity=AssetCheckSeverity.WARN,
            metadata={"bot_share": round(result.bot_share, 4)},
        )

    return click_bot_scores
