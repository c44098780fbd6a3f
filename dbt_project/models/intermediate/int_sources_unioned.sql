{#- Every appearance of an information source: an outlet publishing an article, a wire agency
    credited by one, a speaker making a claim. One row per appearance. -#}
with

articles as (
    select * from {{ ref('stg_raw__articles') }}
),

claims as (
    select * from {{ ref('int_claims_attributed') }}
),

actors as (
    select * from {{ ref('int_actors_merged') }}
),

aliases as (
    select * from {{ ref('int_aliases_unioned') }}
),

outlets as (
    select
        {{ name_key('outlet') }} as source_key,
        outlet as name,
        'outlet' as source_type,
        'published' as appearance,
        article_id,
        published_date,
    from articles
    where outlet is not null
),

credits as (
    select article_id, published_date, unnest(credits) as credit,
    from articles
),

wires as (
    select
        {{ name_key('credit') }} as source_key,
        credit as name,
        'wire_agency' as source_type,
        'credited' as appearance,
        article_id,
        published_date,
    from credits
),

speakers as (
    select
        claims.source_key,
        coalesce(actors.name, claims.speaker_name) as name,
        case
            when claims.speaker_type = 'unnamed' then 'unnamed'
            else coalesce(actors.source_type, reference.source_type, 'other')
        end as source_type,
        'claimed' as appearance,
        claims.article_id,
        articles.published_date,
    from claims
    inner join articles on claims.article_id = articles.article_id
    left join actors on claims.speaker_actor_key = actors.actor_key
    left join aliases as reference on claims.source_key = reference.alias_key
    where claims.source_key is not null
),

final as (
    select * from outlets
    union all
    select * from wires
    union all
    select * from speakers
)

select * from final
