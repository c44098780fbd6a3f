with

claimed as (
    select * from {{ ref('int_figures_claimed') }}
    where subject_key is not null
),

final as (
    select
        figure_claim_id,
        {{ short_hash(['subject_key', 'measure']) }} as figure_id,
        article_id,
        claim_id,
        source_id,
        source_name,
        value,
        high,
        qualifier,
        text,
        claimed_on,
        incident,
        sentence,
        start_char,
        end_char,
    from claimed
)

select * from final
