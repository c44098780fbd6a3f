with

source as (
    select * from {{ source('nlp', 'quotes') }}
),

final as (
    select
        {{ short_hash(['article_id', 'claim_index']) }} as claim_id,
        article_id,
        claim_index,
        sentence_index,
        kind,
        cue,
        cue_class,
        speaker_text,
        speaker_name,
        {{ name_key('speaker_name') }} as speaker_key,
        speaker_type,
        text,
        sentence,
        start_char,
        end_char,
        claim_date,
        date_text,
    from source
)

select * from final
