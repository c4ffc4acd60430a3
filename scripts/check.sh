#!/usr/bin/env bash
# Every check: sqlfluff lint, dbt build on DuckDB and on Spark over the tiny
# generated landing zone, the comparison of every model on the two engines, and
# pytest. CI runs exactly this (.ci/run).
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"

if ! command -v java >/dev/null 2>&1; then
    echo "java is not on PATH: the Spark target needs Java 17 (apt-get install openjdk-17-jre-headless)" >&2
    exit 1
fi

WORK="$ROOT/data/check"
rm -rf "$WORK"
mkdir -p "$WORK"
export LANDING_DIR="$WORK/landing" TRUTH_DIR="$WORK/truth"
export DUCKDB_PATH="$WORK/warehouse.duckdb" SPARK_DATA_DIR="$WORK/spark"

step() { printf '\n==> %s\n' "$*"; }

step "dbt parse"
dbt parse --quiet --target duckdb  # the same target as the builds, so they reuse this parse (partial parsing)

step "dbt-bouncer: the project's conventions on the manifest (dbt-bouncer.yml)"
dbt-bouncer --config-file dbt-bouncer.yml

step "sqlfluff lint"
sqlfluff lint models --processes 2

step "generate the tiny landing zone"
python -m sms_attribution.generator --scale tiny --out "$LANDING_DIR" --truth-dir "$TRUTH_DIR"

step "load it into DuckDB"
python -m sms_attribution.loading

# The same order as the nightly Dagster job: staging (with the seeds), the bot-scoring
# Python asset over the staged clicks, then every model downstream of the scores.
# The two steps are the selectors of selectors.yml, which settings.DBT_STAGING_STEP
# and settings.DBT_DOWNSTREAM_STEP (orchestration/sms_attribution/settings.py) name
# for the tests and the benchmark too.
step "dbt build on DuckDB: seeds and staging"
dbt build --target duckdb --selector nightly_staging --indirect-selection buildable

step "score the staged clicks (the scoring/click_bot_scores asset)"
python -m sms_attribution.scoring

step "dbt build on DuckDB: everything downstream"
dbt build --target duckdb --selector nightly_downstream --indirect-selection buildable

step "data-driven weights from the journeys (the weights/attribution_weights asset)"
python -m sms_attribution.attribution

step "dbt build on DuckDB: the Markov and Shapley marts"
dbt build --target duckdb --selector nightly_data_driven --indirect-selection buildable

step "the experiments' statistics (the experiments/* asset)"
python -m sms_attribution.experiments

step "dbt build on DuckDB: the experiment marts"
dbt build --target duckdb --selector nightly_experiments --indirect-selection buildable

step "dbt source freshness"
dbt source freshness --target duckdb

step "publish raw to Spark, dbt build on Spark"
python -m sms_attribution.spark_raw
dbt build --target spark --target-path target/spark

# Every model, seed and snapshot read back from both engines: row counts, primary-key
# values, and per column null counts, sums (floats to a relative 1e-9), distinct
# counts. Any difference fails, naming the model and the column.
step "compare every model on DuckDB and Spark"
python -m sms_attribution.engine_comparison --manifest target/manifest.json --spark-manifest target/spark/manifest.json

step "pytest"
python -m pytest tests/python
