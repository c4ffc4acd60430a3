-- One row per UTC calendar day (date_day) from 2020-01-01 to 2035-12-31: the
-- semantic layer's daily time spine (MetricFlow joins metric_time to it; see
-- models/core/_core__dates.yml). A fixed range, wider than any data the project
-- loads, so the spine does not depend on what was loaded: 5,844 days, built from
-- the day numbers 0..9999 (four crossed digits) and kept up to the last day.
with digits as (
    select digits.digit
    from (
        values (0), (1), (2), (3), (4), (5), (6), (7), (8), (9)
    ) as digits (digit)
),

day_numbers as (
    select ones.digit + 10 * tens.digit + 100 * hundreds.digit + 1000 * thousands.digit as day_number
    from digits as ones
    cross join digits as tens
    cross join digits as hundreds
    cross join digits as thousands
),

days as (
    select cast({{ dbt.dateadd('day', 'day_number', "cast('2020-01-01' as date)") }} as date) as date_day
    from day_numbers
)

select date_day
from days
where date_day <= cast('2035-12-31' as date)
