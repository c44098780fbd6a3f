-- Who said what about North Korean troops
-- Every claim that speaks of North Korean troops, soldiers or forces, with its speaker, the
-- outlet that reported it and the date, earliest first.
select
    claims.speaker_name,
    claims.kind,
    claims.text,
    articles.outlet,
    coalesce(claims.claim_date, articles.published_date) as said_on,
from marts.claims as claims
inner join marts.articles as articles on claims.article_id = articles.article_id
where regexp_matches(
    claims.text, '(north korean|pyongyang|dprk)[^.]{0,40}(troops|soldiers|forces)', 'i'
)
order by said_on nulls last, claims.article_id, claims.start_char;
