{#- Every reference name of a country or organization, keyed the way mentions are keyed. -#}
with

countries as (
    select * from {{ ref('countries') }}
),

organizations as (
    select * from {{ ref('organizations') }}
),

country_aliases as (
    select
        country_name as canonical_name,
        'country' as actor_type,
        'government' as source_type,
        1 as precedence,
        unnest(list_prepend(country_name, string_split(coalesce(aliases, ''), '|'))) as alias,
    from countries
),

organization_aliases as (
    select
        org_name as canonical_name,
        case when org_type = 'armed_group' then 'group' else 'organization' end as actor_type,
        case
            when org_type in ('legislature', 'judiciary') then 'government'
            when org_type in ('political_party', 'armed_group') then 'other'
            else org_type
        end as source_type,
        2 as precedence,
        unnest(
            list_concat([org_name, acronym], string_split(coalesce(aliases, ''), '|'))
        ) as alias,
    from organizations
),

unioned as (
    select * from country_aliases
    union all
    select * from organization_aliases
),

final as (
    select
        {{ name_key('alias') }} as alias_key,
        canonical_name,
        actor_type,
        source_type,
    from unioned
    where alias is not null and {{ name_key('alias') }} <> ''
    qualify row_number() over (
        partition by {{ name_key('alias') }} order by precedence, canonical_name
    ) = 1
)

select * from final
