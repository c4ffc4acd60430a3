#!/usr/bin/env bash
# The main job: set up, generate a sample landing zone if LANDING_DIR has none, run
# the nightly Dagster job (loads, then dbt build) into DUCKDB_PATH, print a summary.
#   LANDING_DIR  (default data/landing)        the landing zone to load
#   DUCKDB_PATH  (default data/warehouse.duckdb)
#   SAMPLE_SCALE (default small: tiny | small | large) when generating
set -euo pipefail
source "$(dirname "${BASH_SOURCE[0]}")/setup.sh"
exec python -m sms_attribution.pipeline "$@"
