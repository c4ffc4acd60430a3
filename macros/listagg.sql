{#
    dbt.listagg on Spark as DuckDB's string_agg gives it: dbt-spark's own
    implementation ignores the `order by` (collect_list order is whatever the
    shuffle gives) and returns '' where no value is non-null, where DuckDB returns
    null. This one sorts the collected values by the ordering terms (each `asc` or
    `desc`, nulls last unless `nulls first`, as DuckDB's default) and returns null
    when the group has no non-null value. Spark 3.5 has no string_agg.
#}
{% macro spark__listagg(measure, delimiter_text, order_by_clause, limit_num) -%}
    {%- set terms = [] -%}
    {%- if order_by_clause -%}
        {%- set clause = modules.re.sub('(?i)^\\s*order\\s+by\\s+', '', order_by_clause) -%}
        {%- set parts = [] -%}
        {%- set ns = namespace(depth=0, current='') -%}
        {%- for ch in clause -%}
            {%- if ch == ',' and ns.depth == 0 -%}
                {%- do parts.append(ns.current) -%}
                {%- set ns.current = '' -%}
            {%- else -%}
                {%- if ch == '(' -%}{%- set ns.depth = ns.depth + 1 -%}{%- endif -%}
                {%- if ch == ')' -%}{%- set ns.depth = ns.depth - 1 -%}{%- endif -%}
                {%- set ns.current = ns.current ~ ch -%}
            {%- endif -%}
        {%- endfor -%}
        {%- do parts.append(ns.current) -%}
        {%- for part in parts -%}
            {%- set m = modules.re.match('(?is)^\\s*(.+?)(\\s+(asc|desc))?(\\s+nulls\\s+(first|last))?\\s*$', part) -%}
            {%- do terms.append({
                'expr': m.group(1),
                'desc': (m.group(3) or '') | lower == 'desc',
                'nulls_first': (m.group(5) or '') | lower == 'first',
            }) -%}
        {%- endfor -%}
    {%- endif -%}
    {%- set fields = [] -%}
    {%- for term in terms -%}
        {%- do fields.append("'k" ~ loop.index0 ~ "', " ~ term.expr) -%}
    {%- endfor -%}
    {%- do fields.append("'m', " ~ measure) -%}
    {%- set collected -%}
        filter(collect_list(named_struct({{ fields | join(', ') }})), x -> x.m is not null)
    {%- endset -%}
    {%- if terms -%}
        {%- set cases = [] -%}
        {%- for term in terms -%}
            {%- set k = 'k' ~ loop.index0 -%}
            {%- set null_l = '1' if not term.nulls_first else '-1' -%}
            {%- set before = '1' if term.desc else '-1' -%}
            {%- set after = '-1' if term.desc else '1' -%}
            {%- do cases.append(
                "when l." ~ k ~ " is null and r." ~ k ~ " is not null then " ~ null_l
                ~ " when l." ~ k ~ " is not null and r." ~ k ~ " is null then " ~ (0 - null_l | int)
                ~ " when l." ~ k ~ " < r." ~ k ~ " then " ~ before
                ~ " when l." ~ k ~ " > r." ~ k ~ " then " ~ after
            ) -%}
        {%- endfor -%}
        {%- set collected -%}
            array_sort({{ collected }}, (l, r) -> case {{ cases | join(' ') }} else 0 end)
        {%- endset -%}
    {%- endif -%}
    {%- if limit_num -%}
        {%- set collected -%}slice({{ collected }}, 1, {{ limit_num }}){%- endset -%}
    {%- endif -%}
    case when count({{ measure }}) > 0
        then array_join(transform({{ collected }}, x -> x.m), {{ delimiter_text }})
    end
{%- endmacro %}
