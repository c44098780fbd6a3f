-- Most-cited sources per outlet
-- For each outlet, the three sources its articles attribute the most claims to.
with cited as (
    select
        coalesce(articles.outlet, '(unknown outlet)') as outlet,
        sources.name as source,
        sources.source_type,
        count(*) as claims,
    from marts.claims as claims
    inner join marts.articles as articles on claims.article_id = articles.article_id
    inner join marts.sources as sources on claims.source_id = sources.source_id
    group by all
)

select outlet, source, source_type, claims,
from cited
qualify row_number() over (partition by outlet order by claims desc, source) <= 3
order by outlet, claims desc, source;
