{#- Claims with their speaker resolved to an actor key where the speaker is a named actor;
    unnamed speakers ("officials") are sources of their own, keyed by their text. -#}
with

quotes as (
    select * from {{ ref('stg_nlp__quotes') }}
),

names as (
    select * from {{ ref('int_names_keyed') }}
),

final as (
    select
        quotes.*,
        case when quotes.speaker_type <> 'unnamed' then names.actor_key end as speaker_actor_key,
        coalesce(
            case when quotes.speaker_type <> 'unnamed' then names.actor_key end,
            nullif(quotes.speaker_key, '')
        ) as source_key,
    from quotes
    left join names on quotes.speaker_key = names.name_key
)

select * from final
