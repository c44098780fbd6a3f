with

source as (
    select * from {{ source('nlp', 'sentences') }}
),

final as (
    select
        {{ short_hash(['article_id', 'sentence_index']) }} as sentence_id,
        article_id,
        sentence_index,
        start_char,
        end_char,
        text,
    from source
)

select * from final
