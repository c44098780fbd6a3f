{#- Event mentions with actor and target resolved to actor keys, and the key of the source that
    reported them: the speaker of the claim they sit in, else the article's outlet. -#}
with

events as (
    select * from {{ ref('stg_nlp__event_mentions') }}
),

names as (
    select * from {{ ref('int_names_keyed') }}
),

claims as (
    select * from {{ ref('int_claims_attributed') }}
),

articles as (
    select * from {{ ref('stg_raw__articles') }}
),

final as (
    select
        events.*,
        actors.actor_key as actor_actor_key,
        targets.actor_key as target_actor_key,
        coalesce(claims.source_key, {{ name_key('articles.outlet') }}) as source_key,
    from events
    inner join articles on events.article_id = articles.article_id
    left join names as actors on events.actor_key = actors.name_key
    left join names as targets on events.target_key = targets.name_key
    left join claims
        on events.article_id = claims.article_id and events.claim_index = claims.claim_index
)

select * from final
