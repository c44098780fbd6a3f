{#- The actor network: who is mentioned with whom (same sentence, undirected, the pair stored
    once with the smaller actor_id first) and who claims about whom (an actor named inside a
    claim's text, directed from the speaker). -#}
with

mentions as (
    select * from {{ ref('int_mentions_resolved') }}
),

actors as (
    select * from {{ ref('int_actors_merged') }}
),

claims as (
    select * from {{ ref('claims') }}
),

articles as (
    select * from {{ ref('articles') }}
),

actor_mentions as (
    select distinct
        mentions.article_id,
        mentions.sentence_index,
        mentions.start_char,
        mentions.end_char,
        actors.actor_id,
    from mentions
    inner join actors on mentions.actor_key = actors.actor_key
),

mentioned_with as (
    select
        'mentioned_with' as relation,
        one.actor_id,
        other.actor_id as other_actor_id,
        one.article_id,
        one.article_id || ':' || one.sentence_index as occurrence,
    from actor_mentions as one
    inner join actor_mentions as other
        on one.article_id = other.article_id
        and one.sentence_index = other.sentence_index
        and one.actor_id < other.actor_id
),

claims_about as (
    select
        'claims_about' as relation,
        claims.speaker_actor_id as actor_id,
        actor_mentions.actor_id as other_actor_id,
        claims.article_id,
        claims.claim_id as occurrence,
    from claims
    inner join actor_mentions
        on claims.article_id = actor_mentions.article_id
        and actor_mentions.start_char >= claims.start_char
        and actor_mentions.end_char <= claims.end_char
    where claims.speaker_actor_id is not null
        and actor_mentions.actor_id <> claims.speaker_actor_id
),

links as (
    select * from mentioned_with
    union all
    select * from claims_about
),

counted as (
    select
        links.relation,
        links.actor_id,
        links.other_actor_id,
        count(distinct links.occurrence) as n_times,
        count(distinct links.article_id) as n_articles,
        min(articles.published_date) as first_seen,
        max(articles.published_date) as last_seen,
    from links
    inner join articles on links.article_id = articles.article_id
    group by all
),

final as (
    select
        {{ short_hash(['counted.relation', 'counted.actor_id', 'counted.other_actor_id']) }}
            as link_id,
        counted.relation,
        counted.actor_id,
        one.name as actor_name,
        counted.other_actor_id,
        other.name as other_actor_name,
        counted.n_times,
        counted.n_articles,
        counted.first_seen,
        counted.last_seen,
    from counted
    inner join actors as one on counted.actor_id = one.actor_id
    inner join actors as other on counted.other_actor_id = other.actor_id
)

select * from final
