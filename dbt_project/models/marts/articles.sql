with

articles as (
    select * from {{ ref('stg_raw__articles') }}
),

final as (
    select
        article_id,
        document_id,
        source_file,
        story_index,
        title,
        kicker,
        byline,
        outlet,
        url,
        published_date,
        date_source,
        date_text,
        body,
        word_count,
        credits,
        duplicate_of,
    from articles
)

select * from final
