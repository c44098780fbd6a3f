{#- marts.actors: every actor was mentioned in at least one article. It reads two models; the
    Dagster asset check it becomes sits on the one it checks. -#}
{{ config(meta={'dagster': {'ref': {'name': 'int_actors_merged'}}}) }}

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
