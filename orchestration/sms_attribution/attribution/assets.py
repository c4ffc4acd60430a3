"""The Dagster asset `weights/attribution_weights`, between the dbt model
int_attribution_journeys it reads and the dbt models that read it (through the dbt
source weights.attribution_weights, whose `meta.dagster.asset_key` is this asset's
key): one nightly run goes paths -> journeys -> weights -> the Markov and Shapley
marts.
"""

import duckdb
from dagster import (
    AssetExecutionContext,
    AssetKey,
    AssetsDefinition,
    FreshnessPolicy,
    MaterializeResult,
    asset,
)
from dagster_dbt import get_asset_key_for_model

from .. import settings
from .weights import JOURNEYS_MODEL, WEIGHTS_SCHEMA, WEIGHTS_TABLE, compute_attribution_weights, project_variables

ASSET_KEY = AssetKey([WEIGHTS_SCHEMA, WEIGHTS_TABLE])


def build_attribution_weights_asset(
    dbt_assets: AssetsDefinition, freshness_policy: FreshnessPolicy | None = None
) -> AssetsDefinition:
    journeys = get_asset_key_for_model([dbt_assets], JOURNEYS_MODEL)

    @asset(
        key=ASSET_KEY,
        deps=[journeys],
        group_name=WEIGHTS_SCHEMA,
        kinds={"duckdb", "python"},
        freshness_policy=freshness_policy,
        description=(
            "Markov removal effects (exact absorbing-chain solve) and exact Shapley values per conversion "
            "cycle and state, learned from intermediate.int_attribution_journeys."
        ),
    )
    def attribution_weights(context: AssetExecutionContext):
        variables = project_variables()
        with duckdb.connect(str(settings.duckdb_path())) as conn:
            rows = compute_attribution_weights(conn, **variables)
            latest = conn.execute(
                f"select seconds from {WEIGHTS_SCHEMA}.{WEIGHTS_TABLE} order by computed_at desc limit 1").fetchone()
            seconds = latest[0] if latest else 0.0
        context.log.info(f"{rows} weights in {seconds or 0:.2f} s ({variables})")
        return MaterializeResult(asset_key=ASSET_KEY, metadata={"weights": rows, **variables})

    return attribution_weights
