-- Top speakers
-- Who is quoted or paraphrased most, named speakers and unnamed ones ("officials") alike.
select
    speaker_name,
    count(*) as claims,
    count(*) filter (where kind = 'direct_quote') as direct_quotes,
    count(distinct article_id) as articles,
from marts.claims
group by speaker_name
order by claims desc, speaker_name
limit 10;
