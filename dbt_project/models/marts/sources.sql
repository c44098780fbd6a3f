with

appearances as (
    select * from {{ ref('int_sources_unioned') }}
),

actors as (
    select * from {{ ref('int_actors_merged') }}
),

type_ranked as (
    select
        source_key,
        first(
            source_type order by case source_type
                when 'unnamed' then 3 when 'other' then 2 when 'person' then 1 else 0
            end, source_type
        ) as source_type,
    from appearances
    group by source_key
),

aggregated as (
    select
        source_key,
        first(name order by case appearance when 'claimed' then 0 else 1 end, name) as name,
        count(distinct article_id) filter (where appearance = 'published') as articles_published,
        count(distinct article_id) filter (where appearance = 'credited') as articles_credited,
        count(*) filter (where appearance = 'claimed') as claims_made,
        min(published_date) as first_seen,
        max(published_date) as last_seen,
    from appearances
    group by source_key
),

final as (
    select
        {{ short_hash(['aggregated.source_key']) }} as source_id,
        aggregated.name,
        type_ranked.source_type,
        actors.actor_id,
        aggregated.articles_published,
        aggregated.articles_credited,
        aggregated.claims_made,
        aggregated.first_seen,
        aggregated.last_seen,
    from aggregated
    inner join type_ranked on aggregated.source_key = type_ranked.source_key
    left join actors on aggregated.source_key = actors.actor_key
)

select * from final
