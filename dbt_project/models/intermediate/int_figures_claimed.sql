{#- One row per figure a source states in an article (int_figures_keyed), its subject and
    source named as the corpus names them: an actor's name depends on every article. -#}
with

figures as (
    select * from {{ ref('int_figures_keyed') }}
),

actors as (
    select * from {{ ref('int_actors_merged') }}
),

final as (
    select
        figures.figure_claim_id,
        figures.figure_mention_id,
        figures.article_id,
        figures.sentence_index,
        figures.start_char,
        figures.end_char,
        figures.text,
        figures.value,
        figures.high,
        figures.qualifier,
        figures.unit,
        figures.measure,
        figures.subject_key,
        coalesce(subject_actors.name, figures.subject_name) as subject_name,
        subject_actors.actor_id as subject_actor_id,
        figures.subject_rule,
        figures.claim_id,
        figures.source_key,
        figures.source_id,
        coalesce(speaker_actors.name, figures.source_name) as source_name,
        figures.claimed_on,
        figures.event_type,
        figures.incident,
        figures.sentence,
    from figures
    left join actors as subject_actors on figures.subject_key = subject_actors.actor_key
    left join actors as speaker_actors on figures.speaker_actor_key = speaker_actors.actor_key
)

select * from final
