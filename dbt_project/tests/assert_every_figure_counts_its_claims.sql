{#- marts.figures: n_claims is the number of the figure's rows in marts.figure_claims, and every
    figure has at least one. It reads two models; the Dagster asset check it becomes sits on
    marts.figures. -#}
{{ config(meta={'dagster': {'ref': {'name': 'figures'}}}) }}

with

figures as (
    select * from {{ ref('figures') }}
),

claims as (
    select figure_id, count(*) as n_claims,
    from {{ ref('figure_claims') }}
    group by figure_id
),

final as (
    select figures.figure_id, figures.n_claims, claims.n_claims as rows_in_figure_claims,
    from figures
    left join claims on figures.figure_id = claims.figure_id
    where claims.n_claims is distinct from figures.n_claims
)

select * from final
