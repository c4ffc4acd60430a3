"""Bot and ghost-click scoring: which staged clicks are people.

    python -m sms_attribution.scoring                      # score DUCKDB_PATH's staged clicks
    python -m sms_attribution.scoring.benchmark --scale tiny   # precision / recall against the generator's truth
    python -m sms_attribution.scoring.ua_libraries         # the user-agent library measurement

The Dagster asset `scoring/click_bot_scores` (definitions.py) runs `score_clicks`
between the staging models and the models that read the scores through the dbt
source `scoring.click_bot_scores` (int_clicks_scored, rpt_bot_traffic, and the
click facts and touchpoints). Reasons, weights and the threshold: reasons.py.
"""

from .reasons import DEFAULT_THRESHOLD, REASONS, SCORING_VERSION, threshold_from_env
from .scorer import SCORES_SCHEMA, SCORES_TABLE, STAGED_MODELS, ScoringResult, score_clicks

__all__ = [
    "DEFAULT_THRESHOLD",
    "REASONS",
    "SCORES_SCHEMA",
    "SCORES_TABLE",
    "SCORING_VERSION",
    "STAGED_MODELS",
    "ScoringResult",
    "score_clicks",
    "threshold_from_env",
]
