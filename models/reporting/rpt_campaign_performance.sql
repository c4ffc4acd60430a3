-- One row per campaign x variant x attribution model (campaign_variant_performance_id):
-- sends, delivery, human clicks, landings, attributed conversions and revenue,
-- cost and their ratios (macros/campaign_performance.sql has every formula).
{{ campaign_performance(['campaign_id', 'variant_id']) }}
