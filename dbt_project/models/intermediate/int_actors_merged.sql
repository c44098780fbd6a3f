{#- One row per real-world actor: mentions grouped by actor key, named, typed by majority vote
    (reference data wins), with every surface form, role and the commonest affiliation. -#}
with

resolved as (
    select * from {{ ref('int_mentions_resolved') }}
),

articles as (
    select * from {{ ref('stg_raw__articles') }}
),

aliases as (
    select * from {{ ref('int_aliases_unioned') }}
),

titles as (
    select * from {{ ref('titles') }}
),

actor_mentions as (
    select resolved.*, articles.published_date,
    from resolved
    inner join articles on resolved.article_id = articles.article_id
    where not regexp_full_match(resolved.actor_key, '[0-9 ]*') and length(resolved.actor_key) > 1
),

name_counts as (
    select actor_key, name, count(*) as n_uses, len(string_split(name, ' ')) as n_tokens,
    from actor_mentions
    group by all
),

names as (
    select actor_key, first(name order by n_tokens desc, n_uses desc, name) as name,
    from name_counts
    group by actor_key
),

type_counts as (
    select actor_key, actor_type, count(*) as n_uses,
    from actor_mentions
    group by all
),

types as (
    select actor_key, first(actor_type order by n_uses desc, actor_type) as actor_type,
    from type_counts
    group by actor_key
),

affiliation_counts as (
    select actor_key, affiliation, count(*) as n_uses,
    from actor_mentions
    where affiliation is not null
    group by all
),

affiliations as (
    select actor_key, first(affiliation order by n_uses desc, affiliation) as affiliation,
    from affiliation_counts
    group by actor_key
),

surface_forms as (
    select actor_key, text as alias, from actor_mentions
    union all
    select actor_key, name, from actor_mentions
),

alias_uses as (
    select
        types.actor_type,
        surface_forms.actor_key,
        surface_forms.alias,
        {{ name_key('surface_forms.alias') }} as alias_key,
        count(*) as n_uses,
    from surface_forms
    inner join types on surface_forms.actor_key = types.actor_key
    group by all
),

{#- A surface form shared by two actors of one type ("Kim") stays with the actor it names
    most often, so an alias always leads to one actor of a type. -#}
alias_owners as (
    select actor_type, alias_key, actor_key,
    from alias_uses
    group by actor_type, alias_key, actor_key
    qualify row_number() over (
        partition by actor_type, alias_key order by sum(n_uses) desc, actor_key
    ) = 1
),

owned_aliases as (
    select alias_uses.actor_key, list_sort(list_distinct(list(alias_uses.alias))) as aliases,
    from alias_uses
    inner join alias_owners
        on alias_uses.actor_type = alias_owners.actor_type
        and alias_uses.alias_key = alias_owners.alias_key
        and alias_uses.actor_key = alias_owners.actor_key
    group by alias_uses.actor_key
),

aggregated as (
    select
        actor_key,
        max(reference_name) as reference_name,
        list_sort(list_distinct(list(role))) as roles,
        count(*) as n_mentions,
        count(distinct article_id) as n_articles,
        min(published_date) as first_seen,
        max(published_date) as last_seen,
    from actor_mentions
    group by actor_key
),

roles as (
    select actor_key, unnest(roles) as role,
    from aggregated
),

role_titles as (
    select
        roles.actor_key,
        first(titles.source_type order by length(titles.title) desc, titles.title) as source_type,
    from roles
    inner join titles
        on contains(' ' || lower(roles.role) || ' ', ' ' || titles.title || ' ')
        and titles.kind <> 'honorific'
    group by roles.actor_key
),

final as (
    select
        {{ short_hash(['aggregated.actor_key']) }} as actor_id,
        aggregated.actor_key,
        coalesce(aggregated.reference_name, names.name) as name,
        coalesce(reference.actor_type, types.actor_type) as actor_type,
        coalesce(owned_aliases.aliases, []) as aliases,
        aggregated.roles,
        affiliations.affiliation,
        coalesce(
            reference.source_type,
            role_titles.source_type,
            case types.actor_type
                when 'person' then 'person'
                when 'country' then 'government'
                else 'other'
            end
        ) as source_type,
        aggregated.n_mentions,
        aggregated.n_articles,
        aggregated.first_seen,
        aggregated.last_seen,
    from aggregated
    inner join names on aggregated.actor_key = names.actor_key
    inner join types on aggregated.actor_key = types.actor_key
    left join owned_aliases on aggregated.actor_key = owned_aliases.actor_key
    left join affiliations on aggregated.actor_key = affiliations.actor_key
    left join role_titles on aggregated.actor_key = role_titles.actor_key
    left join aliases as reference on aggregated.actor_key = reference.alias_key
        and {{ name_key('reference.canonical_name') }} = aggregated.actor_key
)

select * from final
