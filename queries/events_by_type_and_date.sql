-- Events by type and date
-- How many event mentions of each type fall on each day (the event's own date where the text
-- gives one, else the article's date), with the people killed and wounded they report.
select
    coalesce(events.event_date, articles.published_date) as day,
    events.event_type,
    count(*) as mentions,
    sum(events.killed) as killed,
    sum(events.wounded) as wounded,
from marts.events as events
inner join marts.articles as articles on events.article_id = articles.article_id
group by all
order by day nulls last, mentions desc, events.event_type;
