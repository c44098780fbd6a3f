with

quantities as (
    select * from {{ ref('stg_nlp__quantities') }}
),

claims as (
    select * from {{ ref('int_claims_attributed') }}
),

articles as (
    select * from {{ ref('stg_raw__articles') }}
),

final as (
    select
        quantities.quantity_id,
        quantities.article_id,
        quantities.value,
        quantities.high,
        quantities.unit,
        quantities.qualifier,
        quantities.text,
        {{ short_hash(["coalesce(claims.source_key, " ~ name_key('articles.outlet') ~ ")"]) }}
            as source_id,
        quantities.sentence_index,
        quantities.start_char,
        quantities.end_char,
    from quantities
    inner join articles on quantities.article_id = articles.article_id
    left join claims
        on quantities.article_id = claims.article_id
        and quantities.claim_index = claims.claim_index
)

select * from final
