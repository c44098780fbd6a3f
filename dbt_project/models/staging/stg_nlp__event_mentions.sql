with

source as (
    select * from {{ source('nlp', 'event_mentions') }}
),

final as (
    select
        {{ short_hash(['article_id', 'event_index']) }} as event_id,
        article_id,
        event_index,
        sentence_index,
        trigger,
        trigger_lemma,
        event_type,
        actor_name,
        {{ name_key('actor_name') }} as actor_key,
        target_name,
        {{ name_key('target_name') }} as target_key,
        location,
        event_date,
        date_text,
        killed,
        wounded,
        quantity,
        quantity_high,
        quantity_unit,
        modality,
        claim_index,
        sentence,
        start_char,
        end_char,
    from source
)

select * from final
