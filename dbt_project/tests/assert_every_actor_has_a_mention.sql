{#- marts.actors: every actor was mentioned in at least one article. -#}
with

actors as (
    select * from {{ ref('int_actors_merged') }}
),

mentions as (
    select * from {{ ref('int_mentions_resolved') }}
),

final as (
    select actors.actor_id, actors.name,
    from actors
    where actors.n_mentions < 1
        or actors.actor_key not in (select actor_key from mentions)
)

select * from final
