"""The Dagster assets `experiments/ab_test_statistics` and
`experiments/incrementality_statistics` (one step, one transaction), between the dbt
models they read (int_ab_test_variants, int_holdout_groups) and the dbt models that
read them through the dbt source `experiments` (whose tables' `meta.dagster.asset_key`
are these keys): rpt_ab_tests, rpt_incrementality, rpt_attribution_calibration.
"""

import duckdb
from dagster import AssetExecutionContext, AssetKey, AssetSpec, FreshnessPolicy, MaterializeResult, multi_asset
from dagster_dbt import get_asset_key_for_model

from .. import settings
from .tables import (
    AB_TABLE,
    GROUPS_MODEL,
    INCREMENTALITY_TABLE,
    SCHEMA,
    VARIANTS_MODEL,
    compute_experiment_statistics,
    project_variables,
)

AB_KEY = AssetKey([SCHEMA, AB_TABLE])
INCREMENTALITY_KEY = AssetKey([SCHEMA, INCREMENTALITY_TABLE])


def build_experiment_statistics_asset(dbt_assets, freshness_policy: FreshnessPolicy | None = None):
    variants = get_asset_key_for_model([dbt_assets], VARIANTS_MODEL)
    groups = get_asset_key_for_model([dbt_assets], GROUPS_MODEL)

    @multi_asset(
        name="experiment_statistics",
        specs=[
            AssetSpec(AB_KEY, deps=[variants], group_name=SCHEMA, kinds={"duckdb", "python"},
                      freshness_policy=freshness_policy,
                      description="A/B tests per campaign variant against the control variant (scipy)."),
            AssetSpec(INCREMENTALITY_KEY, deps=[groups], group_name=SCHEMA, kinds={"duckdb", "python"},
                      freshness_policy=freshness_policy,
                      description="Holdout incrementality per campaign and for the global holdout (scipy)."),
        ],
    )
    def experiment_statistics(context: AssetExecutionContext):
        variables = project_variables()
        with duckdb.connect(str(settings.duckdb_path())) as conn:
            counts = compute_experiment_statistics(conn, **variables)
        context.log.info(f"experiment statistics: {counts} ({variables})")
        yield MaterializeResult(asset_key=AB_KEY, metadata={"variants": counts[AB_TABLE], **variables})
        yield MaterializeResult(asset_key=INCREMENTALITY_KEY,
                                metadata={"experiments": counts[INCREMENTALITY_TABLE], **variables})

    return experiment_statistics
