with

events as (
    select * from {{ ref('int_events_attributed') }}
),

actors as (
    select * from {{ ref('int_actors_merged') }}
),

final as (
    select
        events.event_id,
        events.article_id,
        events.event_type,
        actors.actor_id,
        coalesce(actors.name, events.actor_name) as actor_name,
        targets.actor_id as target_id,
        coalesce(targets.name, events.target_name) as target_name,
        events.location,
        events.event_date,
        events.date_text,
        events.killed,
        events.wounded,
        events.quantity,
        events.quantity_high,
        events.quantity_unit,
        events.modality,
        {{ short_hash(['events.source_key']) }} as source_id,
        events.trigger,
        events.sentence,
        events.start_char,
        events.end_char,
    from events
    left join actors on events.actor_actor_key = actors.actor_key
    left join actors as targets on events.target_actor_key = targets.actor_key
    where events.modality in ('asserted', 'denied')
)

select * from final
