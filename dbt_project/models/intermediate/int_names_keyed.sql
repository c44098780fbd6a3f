{#- Any name a claim or event may use for an actor (mention names, surface forms, reference
    aliases) mapped to the actor's key; a name used for several actors goes to the commonest. -#}
with

resolved as (
    select * from {{ ref('int_mentions_resolved') }}
),

aliases as (
    select * from {{ ref('int_aliases_unioned') }}
),

spellings as (
    select name_key, actor_key from resolved
    union all
    select {{ name_key('text') }}, actor_key from resolved
    union all
    select actor_key, actor_key from resolved
),

counted as (
    select name_key, actor_key, count(*) as n_uses,
    from spellings
    where name_key <> ''
    group by all
),

known as (
    select
        name_key,
        first(actor_key order by n_uses desc, actor_key) as actor_key,
    from counted
    group by name_key
),

final as (
    select name_key, actor_key from known
    union all
    select aliases.alias_key, {{ name_key('aliases.canonical_name') }}
    from aliases
    where aliases.alias_key not in (select name_key from known)
        and {{ name_key('aliases.canonical_name') }} in (select actor_key from resolved)
)

select * from final
