-- Figures that disagree
-- Numbers that sources state differently (see marts.figures for the rules), with every value
-- claimed and who claimed it.
select
    subject,
    measure,
    low,
    best,
    high,
    n_sources,
    [c.value for c in claims] as values_claimed,
    [c.source_name for c in claims] as claimed_by,
from marts.figures
where disagreement
order by n_claims desc, subject, measure;
