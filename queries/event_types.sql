-- Event types
-- How often each type of event is mentioned, and the casualties those mentions report.
select
    event_type,
    count(*) as mentions,
    count(distinct article_id) as articles,
    sum(killed) as killed,
    sum(wounded) as wounded,
from marts.events
group by event_type
order by mentions desc, event_type;
