with

source as (
    select * from {{ source('raw', 'documents') }}
),

final as (
    select
        document_id,
        source_file,
        file_type,
        size_bytes,
        content_hash,
        modified_at,
        status,
        reject_reason,
        n_articles,
    from source
)

select * from final
