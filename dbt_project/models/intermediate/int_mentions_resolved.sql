{#- Actor mentions with the key of the real-world actor they belong to. Reference names win;
    across articles a bare surname joins the one full name that ends with it (unless a full name
    of its own article contains it, which makes it ambiguous), and spelling variants of a full
    name (same first name, near-identical rest) join the commoner form. -#}
with

mentions as (
    select * from {{ ref('stg_nlp__entity_mentions') }}
    where entity_type in ('person', 'organization', 'country', 'group')
),

aliases as (
    select * from {{ ref('int_aliases_unioned') }}
),

referenced as (
    select
        mentions.*,
        {{ name_key('coalesce(by_name.canonical_name, by_text.canonical_name)') }} as reference_key,
        coalesce(by_name.canonical_name, by_text.canonical_name) as reference_name,
        coalesce(by_name.actor_type, by_text.actor_type) as reference_type,
    from mentions
    left join aliases as by_name on mentions.name_key = by_name.alias_key
    left join aliases as by_text on {{ name_key('mentions.text') }} = by_text.alias_key
),

person_keys as (
    select name_key, count(*) as n_mentions, len(string_split(name_key, ' ')) as n_tokens,
    from referenced
    where reference_key is null and entity_type = 'person'
    group by name_key
),

surname_merges as (
    select short.name_key, min(full_name.name_key) as merged_key,
    from person_keys as short
    inner join person_keys as full_name
        on short.n_tokens = 1
        and full_name.n_tokens > 1
        and full_name.name_key like '% ' || short.name_key
    group by short.name_key
    having count(*) = 1
),

full_name_tokens as (
    select distinct article_id, unnest(string_split(name_key, ' ')) as token,
    from referenced
    where reference_key is null and entity_type = 'person' and contains(name_key, ' ')
),

variant_merges as (
    select
        variant.name_key,
        first(
            common.name_key order by common.n_mentions desc, common.name_key
        ) as merged_key,
    from person_keys as variant
    inner join person_keys as common
        on variant.n_tokens > 1
        and common.n_tokens = variant.n_tokens
        and variant.name_key <> common.name_key
        and split_part(variant.name_key, ' ', 1) = split_part(common.name_key, ' ', 1)
        and jaro_winkler_similarity(variant.name_key, common.name_key) >= 0.93
        and (
            common.n_mentions > variant.n_mentions
            or (common.n_mentions = variant.n_mentions and common.name_key < variant.name_key)
        )
    group by variant.name_key
),

final as (
    select
        referenced.* exclude (reference_key, reference_name, reference_type),
        coalesce(
            referenced.reference_key,
            variant_merges.merged_key,
            case when full_name_tokens.token is null then surname_merges.merged_key end,
            referenced.name_key
        ) as actor_key,
        referenced.reference_name,
        coalesce(referenced.reference_type, referenced.entity_type) as actor_type,
    from referenced
    left join surname_merges on referenced.name_key = surname_merges.name_key
    left join variant_merges on referenced.name_key = variant_merges.name_key
    left join full_name_tokens
        on referenced.article_id = full_name_tokens.article_id
        and referenced.name_key = full_name_tokens.token
)

select * from final
