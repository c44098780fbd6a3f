-- Every spelling of a person
-- The people in the warehouse, most mentioned first, with every surface form, title and
-- affiliation seen.
select name, aliases, roles, affiliation, n_mentions,
from marts.actors
where actor_type = 'person'
order by n_mentions desc, name
limit 10;
