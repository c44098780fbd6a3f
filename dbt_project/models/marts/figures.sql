with

claimed as (
    select * from {{ ref('int_figures_claimed') }}
    where subject_key is not null
),

-- what each claim allows: a stated range or point, a one-sided bound for "at least 3,000"
-- or "up to 12,000"; approximate wording ("about") is covered by the comparison's tolerance
bounded as (
    select
        *,
        case
            when qualifier in (
                'at most', 'less than', 'fewer than', 'up to', 'under', 'just under',
                'as many as', 'as much as'
            )
                then null
            else value
        end as lower_bound,
        case
            when qualifier in (
                'at least', 'more than', 'over', 'upwards of', 'in excess of', 'just over',
                'well over', 'as few as'
            )
                then null
            else coalesce(high, value)
        end as upper_bound,
        (value + coalesce(high, value)) / 2 as point_estimate,
    from claimed
),

-- claims are compared with each other when they count the same thing: every figure of a
-- standing total (troops sent, money approved) together; a tally of one incident (drones
-- downed, people killed) only with tallies of the same incident (day and place)
compared as (
    select
        subject_key,
        measure,
        max(lower_bound) > min(upper_bound) * 1.1 as values_disagree,
    from bounded
    group by subject_key, measure, incident
),

disagreements as (
    select
        subject_key,
        measure,
        coalesce(bool_or(values_disagree), false) as disagreement,
    from compared
    group by subject_key, measure
),

aggregated as (
    select
        subject_key,
        measure,
        coalesce(
            first(subject_name order by subject_actor_id nulls last, subject_name), subject_key
        ) as subject,
        first(subject_actor_id order by subject_actor_id nulls last) as subject_actor_id,
        count(*) as n_claims,
        count(distinct source_key) as n_sources,
        min(value) as low,
        median(point_estimate) as best,
        max(coalesce(high, value)) as high,
        min(claimed_on) as first_claimed_on,
        max(claimed_on) as last_claimed_on,
    from bounded
    group by subject_key, measure
),

final as (
    select
        {{ short_hash(['aggregated.subject_key', 'aggregated.measure']) }} as figure_id,
        aggregated.subject,
        aggregated.subject_actor_id,
        aggregated.measure,
        aggregated.n_claims,
        aggregated.n_sources,
        aggregated.low,
        aggregated.best,
        aggregated.high,
        disagreements.disagreement,
        aggregated.first_claimed_on,
        aggregated.last_claimed_on,
    from aggregated
    inner join disagreements
        on aggregated.subject_key = disagreements.subject_key
        and aggregated.measure = disagreements.measure
)

select * from final
