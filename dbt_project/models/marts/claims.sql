with

claims as (
    select * from {{ ref('int_claims_attributed') }}
),

actors as (
    select * from {{ ref('int_actors_merged') }}
),

final as (
    select
        claims.claim_id,
        claims.article_id,
        {{ short_hash(['claims.source_key']) }} as source_id,
        actors.actor_id as speaker_actor_id,
        coalesce(actors.name, claims.speaker_name) as speaker_name,
        claims.speaker_text,
        claims.kind,
        claims.cue,
        claims.cue_class,
        claims.text,
        claims.sentence,
        claims.start_char,
        claims.end_char,
        claims.claim_date,
        claims.date_text,
    from claims
    left join actors on claims.speaker_actor_key = actors.actor_key
)

select * from final
