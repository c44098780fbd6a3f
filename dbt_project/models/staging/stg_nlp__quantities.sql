with

source as (
    select * from {{ source('nlp', 'quantities') }}
),

final as (
    select
        {{ short_hash(['article_id', 'quantity_index']) }} as quantity_id,
        article_id,
        quantity_index,
        sentence_index,
        text,
        value,
        high,
        unit,
        qualifier,
        claim_index,
        start_char,
        end_char,
    from source
)

select * from final
