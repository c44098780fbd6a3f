{#- marts.actors: a surface form (compared by name key) belongs to at most one actor of a type. -#}
with

aliases as (
    select actor_id, actor_type, unnest(aliases) as alias,
    from {{ ref('actors') }}
),

final as (
    select actor_type, {{ name_key('alias') }} as alias_key, count(distinct actor_id) as n_actors,
    from aliases
    group by all
    having count(distinct actor_id) > 1
)

select * from final
