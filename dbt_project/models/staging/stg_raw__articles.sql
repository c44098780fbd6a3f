with

source as (
    select * from {{ source('raw', 'articles') }}
),

final as (
    select
        article_id,
        document_id,
        source_file,
        story_index,
        nullif(trim(title), '') as title,
        kicker,
        byline,
        nullif(trim(outlet), '') as outlet,
        url,
        published_date,
        date_source,
        date_text,
        body,
        word_count,
        coalesce(credits, []::varchar[]) as credits,
        content_hash,
        duplicate_of,
        extra,
    from source
)

select * from final
