-- One row per landing file the loader has seen in a load (loaded_file_id): loaded,
-- skipped as a byte-identical duplicate of a file loaded before, or failed whole
-- (error says why), with the rows it landed.

with source as (
    select * from {{ source('loader', 'loaded_files') }}
),

final as (
    select
        {{ sha256_hex("concat_ws('|', load_id, file_path)") }} as loaded_file_id,
        load_id,
        source as source_name,
        file_path,
        file_size_bytes,
        file_hash,
        delivery_date,
        status,
        rows_landed,
        rows_with_parse_error,
        error,
        duplicate_of,
        loaded_at,
        cast(loaded_at as date) as loaded_date
    from source
)

select * from final
