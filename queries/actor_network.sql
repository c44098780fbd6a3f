-- The actor network
-- The strongest links between actors: named together in a sentence, or one claiming about the
-- other.
select relation, actor_name, other_actor_name, n_times, n_articles,
from marts.actor_links
order by n_times desc, n_articles desc, relation, actor_name, other_actor_name
limit 15;
