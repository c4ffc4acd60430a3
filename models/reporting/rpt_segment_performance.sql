-- One row per audience segment x attribution model (segment_performance_id): the
-- measures of rpt_campaign_performance counted at the segment's grain, so a person
-- in two of a segment's variants is one clicker and every ratio comes from sums.
{{ campaign_performance(['segment']) }}
