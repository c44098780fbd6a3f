-- Figures that disagree
-- Numbers that sources state differently (see marts.figures for the rules), with every value
-- claimed and who claimed it, earliest first.
select
    figures.subject,
    figures.measure,
    figures.low,
    figures.best,
    figures.high,
    figures.n_sources,
    list(
        claims.value
        order by claims.claimed_on nulls last, claims.article_id, claims.start_char,
            claims.source_name
    ) as values_claimed,
    list(
        claims.source_name
        order by claims.claimed_on nulls last, claims.article_id, claims.start_char,
            claims.source_name
    ) as claimed_by,
from marts.figures as figures
inner join marts.figure_claims as claims on figures.figure_id = claims.figure_id
where figures.disagreement
group by
    figures.figure_id, figures.subject, figures.measure, figures.low, figures.best, figures.high,
    figures.n_sources, figures.n_claims
order by figures.n_claims desc, figures.subject, figures.measure;
