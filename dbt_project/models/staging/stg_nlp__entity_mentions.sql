with

source as (
    select * from {{ source('nlp', 'entity_mentions') }}
),

final as (
    select
        {{ short_hash(['article_id', 'mention_index']) }} as mention_id,
        article_id,
        mention_index,
        sentence_index,
        start_char,
        end_char,
        text,
        label,
        name,
        {{ name_key('name') }} as name_key,
        entity_type,
        nullif(trim(role), '') as role,
        nullif(trim(affiliation), '') as affiliation,
    from source
    where {{ name_key('name') }} <> ''
)

select * from final
