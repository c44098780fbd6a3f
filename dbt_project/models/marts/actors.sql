with

actors as (
    select * from {{ ref('int_actors_merged') }}
),

final as (
    select
        actor_id,
        name,
        actor_type,
        aliases,
        roles,
        affiliation,
        n_mentions,
        n_articles,
        first_seen,
        last_seen,
    from actors
)

select * from final
