{#- One row per figure a source states in an article: what it counts (measure), whose it is
    (subject) and who claims it (source), by key, and when. The rules are in
    _intermediate__models.yml (int_figures_claimed). Computed article by article: a refresh
    recomputes only the articles whose inputs changed. -#}
{{ config(article_scoped=true) }}
{%- set casualty_measures = "'killed', 'wounded', 'killed_or_wounded', 'missing', 'captured'" -%}
{#- money, weapons, vessels, buildings and distances are not casualties, whatever follows -#}
{%- set non_casualty_units =
    '^(usd|eur|gbp|jpy|inr|cad|aud|hkd|twd|krw|cny|rub|uah)$'
    ~ '|missiles|drones|rockets|ships|vessels|boats|tankers|buildings|meters|miles'
-%}
{#- what an attacker fires or sends, as opposed to what its target loses -#}
{%- set weapon_pattern =
    'troops|drones|missiles|rockets|shells|bombs|munitions|aircraft|jets|planes'
    ~ '|helicopters|tanks|decoys'
-%}
{%- set killed_words = "'(?i)\\b(killed|dead|died|deaths?)\\b'" -%}
{%- set wounded_words = "'(?i)\\b(wounded|injured|injur(y|ies))\\b'" -%}

with

quantities as (
    select * from {{ article_scoped(ref('stg_nlp__quantities')) }}
),

events as (
    select * from {{ article_scoped(ref('int_events_attributed')) }}
),

sentences as (
    select * from {{ article_scoped(ref('stg_nlp__sentences')) }}
),

articles as (
    select * from {{ article_scoped(ref('stg_raw__articles')) }}
),

mentions as (
    select * from {{ article_scoped(ref('int_mentions_resolved')) }}
),

aliases as (
    select * from {{ ref('int_aliases_unioned') }}
),

countries as (
    select * from {{ ref('countries') }}
),

claims as (
    select * from {{ article_scoped(ref('int_claims_attributed')) }}
),

event_counts as (
    select
        event_id, article_id, sentence_index, start_char, end_char, event_type, modality,
        event_date, location, actor_actor_key, target_actor_key,
        'killed' as role,
        killed as value,
        null::double as high,
    from events
    where killed is not null
    union all
    select
        event_id, article_id, sentence_index, start_char, end_char, event_type, modality,
        event_date, location, actor_actor_key, target_actor_key,
        'wounded' as role,
        wounded as value,
        null::double as high,
    from events
    where wounded is not null
    union all
    select
        event_id, article_id, sentence_index, start_char, end_char, event_type, modality,
        event_date, location, actor_actor_key, target_actor_key,
        quantity_unit as role,
        quantity as value,
        quantity_high as high,
    from events
    where quantity is not null
),

stated as (
    select
        quantities.article_id,
        quantities.sentence_index,
        quantities.value,
        quantities.high,
        quantities.unit,
        quantities.qualifier,
        quantities.text,
        quantities.start_char,
        quantities.end_char,
        lower(regexp_extract(
            substr(articles.body, quantities.end_char + 1, 40), '^[\s(]*([A-Za-z-]+)', 1
        )) as next_word,
    from quantities
    inner join articles on quantities.article_id = articles.article_id
),

restatement_candidates as (
    select
        stated.article_id,
        sentences.sentence_index,
        stated.value,
        stated.high,
        stated.unit,
        stated.qualifier,
        stated.text,
        sentences.start_char + length(regexp_extract(
            sentences.text,
            '^((?:.*?[^0-9.,$])?)' || regexp_escape(stated.text) || '(?:$|[^0-9])',
            1
        )) as start_char,
        stated.next_word,
    from stated
    inner join sentences
        on stated.article_id = sentences.article_id
        and sentences.sentence_index > stated.sentence_index
    -- only figures written with digits: "three" recurs in prose without meaning the figure
    where regexp_matches(stated.text, '[0-9]')
        -- a plain substring test first spares most rows the regex built for each of them
        and contains(sentences.text, stated.text)
        and regexp_matches(
            sentences.text, '(^|[^0-9.,$])' || regexp_escape(stated.text) || '($|[^0-9])'
        )
),

restated as (
    select
        candidates.article_id,
        candidates.sentence_index,
        candidates.value,
        candidates.high,
        candidates.unit,
        candidates.qualifier,
        candidates.text,
        candidates.start_char,
        candidates.start_char + length(candidates.text) as end_char,
        candidates.next_word,
    from restatement_candidates as candidates
    inner join articles on candidates.article_id = articles.article_id
    where not exists (
            select 1
            from stated
            where stated.article_id = candidates.article_id
                and stated.start_char <= candidates.start_char
                and candidates.start_char < stated.end_char
        )
        and (
            lower(regexp_extract(
                substr(
                    articles.body, candidates.start_char + length(candidates.text) + 1, 40
                ),
                '^[\s(]*([A-Za-z-]+)',
                1
            )) = candidates.next_word
            or exists (
                select 1
                from event_counts
                where event_counts.article_id = candidates.article_id
                    and event_counts.sentence_index = candidates.sentence_index
                    and event_counts.value = candidates.value
            )
        )
),

stated_and_restated as (
    select *, 0 as restatement, from stated
    union all
    select *, 1 as restatement, from restated
),

located as (
    select * exclude (restatement),
    from stated_and_restated
    -- one figure per place: the stated one, else the longest restatement
    qualify row_number() over (
        partition by article_id, start_char
        order by restatement, end_char desc, value, high nulls first, unit nulls first,
            qualifier nulls first
    ) = 1
),

event_only as (
    select event_counts.*,
    from event_counts
    where event_counts.modality = 'asserted'
        and not exists (
            select 1
            from located
            where located.article_id = event_counts.article_id
                and located.sentence_index = event_counts.sentence_index
                and located.value = event_counts.value
        )
    -- one count per sentence, value and role, whichever events of the clause carry it
    qualify row_number() over (
        partition by article_id, sentence_index, value, role order by event_id
    ) = 1
),

figure_mentions as (
    select
        {{ short_hash(['article_id', 'start_char', 'value']) }} as figure_mention_id,
        article_id,
        sentence_index,
        value,
        high,
        unit,
        qualifier,
        text,
        start_char,
        end_char,
        true as is_located,
    from located
    union all
    select
        {{ short_hash(['event_id', 'role']) }} as figure_mention_id,
        article_id,
        sentence_index,
        value,
        high,
        null as unit,
        null as qualifier,
        null as text,
        start_char,
        end_char,
        false as is_located,
    from event_only
),

event_matches as (
    select
        figure_mentions.figure_mention_id,
        event_counts.role,
        event_counts.modality,
        event_counts.event_type,
        event_counts.event_date,
        event_counts.location,
        event_counts.actor_actor_key,
        event_counts.target_actor_key,
    from figure_mentions
    inner join event_counts
        on figure_mentions.article_id = event_counts.article_id
        and figure_mentions.sentence_index = event_counts.sentence_index
        and figure_mentions.value = event_counts.value
        and figure_mentions.high is not distinct from event_counts.high
    qualify row_number() over (
        partition by figure_mentions.figure_mention_id
        order by event_counts.modality = 'asserted' desc, event_counts.event_id
    ) = 1
),

next_figures as (
    select
        figure_mentions.*,
        lead(figure_mentions.start_char) over (
            partition by figure_mentions.article_id, figure_mentions.is_located
            order by figure_mentions.start_char
        ) as next_start_char,
    from figure_mentions
),

clauses as (
    select
        next_figures.* exclude (next_start_char),
        -- the rest of the clause after the figure, up to the next figure, for casualty words
        regexp_extract(
            substr(
                articles.body,
                next_figures.end_char + 1,
                least(120, coalesce(next_figures.next_start_char - next_figures.end_char, 120))
            ),
            '^[^,;:.]*'
        ) as clause_after,
        substr(articles.body, next_figures.end_char + 1, 60) as text_after,
    from next_figures
    inner join articles on next_figures.article_id = articles.article_id
),

measured as (
    select
        clauses.*,
        event_matches.actor_actor_key as event_actor_key,
        event_matches.target_actor_key as event_target_key,
        event_matches.modality as event_modality,
        event_matches.event_type,
        event_matches.event_date,
        event_matches.location,
        coalesce(
            event_matches.role,
            case
                when not clauses.is_located
                    or regexp_matches(coalesce(clauses.unit, ''), '{{ non_casualty_units }}')
                    then null
                when regexp_matches(clauses.clause_after, {{ killed_words }})
                    and regexp_matches(clauses.clause_after, {{ wounded_words }})
                    then 'killed_or_wounded'
                when regexp_matches(clauses.clause_after, {{ killed_words }})
                    then 'killed'
                when regexp_matches(clauses.clause_after, {{ wounded_words }})
                    then 'wounded'
                when regexp_matches(clauses.clause_after, '(?i)\bmissing\b')
                    then 'missing'
                when regexp_matches(clauses.clause_after, '(?i)\b(captured|taken prisoner)\b')
                    then 'captured'
            end,
            clauses.unit
        ) as measure,
    from clauses
    left join event_matches on clauses.figure_mention_id = event_matches.figure_mention_id
),

-- materialized: every subject rule reads it
figures as materialized (
    select * from measured
    where measure is not null
        and measure not in (
            'seconds', 'minutes', 'hours', 'days', 'weeks', 'fortnights', 'months', 'years',
            'decades', 'centuries'
        )
        and coalesce(event_modality, 'asserted') in ('asserted', 'denied')
),

-- the text the name rules read around each figure: the sentence up to it, and the text after
-- it (taken where the clauses are cut). Joining whole article bodies into those rules, or here,
-- would carry every body through their joins.
figure_context as materialized (
    select
        figures.figure_mention_id,
        figures.text_after,
        substr(sentences.text, 1, figures.start_char - sentences.start_char) as sentence_before,
    from figures
    inner join sentences
        on figures.article_id = sentences.article_id
        and figures.sentence_index = sentences.sentence_index
    where figures.is_located
),

-- names a subject can be written as: reference names and aliases, and country demonyms
forms as (
    select alias_key as form_key, canonical_name, {{ name_key('canonical_name') }} as subject_key,
    from aliases
    union all
    select
        {{ name_key('demonym') }} as form_key,
        country_name as canonical_name,
        {{ name_key('country_name') }} as subject_key,
    from (select country_name, unnest(string_split(demonyms, '|')) as demonym from countries)
    where demonym <> ''
),

named_mentions as materialized (
    select
        mentions.article_id,
        mentions.sentence_index,
        mentions.start_char,
        mentions.end_char,
        mentions.actor_key,
        coalesce(mentions.reference_name, mentions.name) as name,
    from mentions
    where mentions.actor_type in ('country', 'organization', 'group')
),

-- the narrowest claims whose content holds the figure: one, or several with one span when
-- co-speakers share it ("the US and Ukraine announced that ...")
holding_claims as (
    select
        figures.figure_mention_id,
        claims.claim_id,
        claims.source_key,
        claims.speaker_actor_key,
        claims.speaker_name,
        claims.claim_date,
        claims.start_char,
        claims.end_char,
    from figures
    inner join claims
        on figures.article_id = claims.article_id
        and claims.start_char <= figures.start_char
        and figures.start_char < claims.end_char
    qualify rank() over (
        partition by figures.figure_mention_id order by claims.end_char - claims.start_char
    ) = 1
),

claim_spans as (
    select figure_mention_id, min(start_char) as start_char,
    from holding_claims
    group by figure_mention_id
),

-- rule 1: a name right after the figure, as tagged
named_after as (
    select
        figures.figure_mention_id,
        1 as precedence,
        'name_after' as subject_rule,
        named_mentions.start_char - figures.end_char as distance,
        named_mentions.actor_key as subject_key,
        named_mentions.name as subject_name,
    from figures
    inner join figure_context on figures.figure_mention_id = figure_context.figure_mention_id
    inner join named_mentions
        on figures.article_id = named_mentions.article_id
        and figures.sentence_index = named_mentions.sentence_index
        and named_mentions.start_char >= figures.end_char
        and named_mentions.start_char <= figures.end_char + 40
    where regexp_full_match(
            substr(figure_context.text_after, 1, named_mentions.start_char - figures.end_char),
            '[\s(]*'
        )
),

-- rule 1, reference data: a country, demonym or organization name right after the figure
following_words as (
    select
        figure_mention_id,
        string_split({{ name_key('text_after') }}, ' ') as words,
    from figure_context
),

form_after as (
    select
        following_words.figure_mention_id,
        1 as precedence,
        'name_after' as subject_rule,
        -- longer names first: "north korean" before "north"
        100 - n_words as distance,
        forms.subject_key,
        forms.canonical_name as subject_name,
    from following_words
    cross join range(1, 5) as prefixes(n_words)
    inner join forms
        on forms.form_key = array_to_string(list_slice(following_words.words, 1, n_words), ' ')
    where len(following_words.words) >= n_words
),

-- rule 2: the counted noun, then from/of and a name ("troops from North Korea")
named_from as (
    select
        figures.figure_mention_id,
        2 as precedence,
        'name_from_of' as subject_rule,
        named_mentions.start_char - figures.end_char as distance,
        named_mentions.actor_key as subject_key,
        named_mentions.name as subject_name,
    from figures
    inner join figure_context on figures.figure_mention_id = figure_context.figure_mention_id
    inner join named_mentions
        on figures.article_id = named_mentions.article_id
        and figures.sentence_index = named_mentions.sentence_index
        and named_mentions.start_char > figures.end_char
        and named_mentions.start_char <= figures.end_char + 40
    where regexp_full_match(
            substr(figure_context.text_after, 1, named_mentions.start_char - figures.end_char),
            '(?i)\s*[a-z][a-z-]*(\s+[a-z][a-z-]*)?\s+(from|of)\s+(the\s+)?'
        )
),

-- rule 3: the participant of an event that carries the value: the victims' side of a casualty
-- count, the attacker's of an interception, the sender's of troops, arms or money, the
-- attacker's weapons and the target's losses in an attack, the target's of sanctions
event_owner as (
    select
        figure_mention_id,
        3 as precedence,
        'event_participant' as subject_rule,
        0 as distance,
        case
            when measure in ({{ casualty_measures }}) or event_type in ('interception', 'sanctions')
                then event_target_key
            when event_type in ('troop_deployment', 'arms_transfer', 'aid_or_funding')
                then event_actor_key
            when event_type in ('attack', 'airstrike_or_shelling', 'drone_or_missile_attack')
                then case
                    when regexp_matches(measure, '{{ weapon_pattern }}') then event_actor_key
                    else event_target_key
                end
        end as subject_key,
    from figures
),

-- named from int_actors_merged, in int_figures_claimed
event_owner_named as (
    select event_owner.*, null as subject_name,
    from event_owner
),

-- rule 4: the nearest name before the figure in the same clause, for what is not a casualty
-- count (a name before a toll is the place or the attacker, not the victims' side)
named_before as (
    select
        figures.figure_mention_id,
        4 as precedence,
        'name_before' as subject_rule,
        figures.start_char - named_mentions.end_char as distance,
        named_mentions.actor_key as subject_key,
        named_mentions.name as subject_name,
        right(figure_context.sentence_before, figures.start_char - named_mentions.end_char)
            as text_between,
        regexp_replace(text_between, '\s+$', '') as text_between_trimmed,
        coalesce(figures.qualifier, '') as qualifier_text,
        -- the text between without the figure's qualifier ("at least") at its end; matched
        -- literally, as a pattern made from each row's qualifier is compiled for every row
        case
            when ends_with(lower(text_between_trimmed), lower(qualifier_text))
                then regexp_replace(
                    left(
                        text_between_trimmed,
                        length(text_between_trimmed) - length(qualifier_text)
                    ),
                    '\s+$',
                    ''
                ) || ' '
            else text_between
        end as between_text,
        lower(regexp_extract(
            substr(figure_context.text_after, 1, 40), '^[\s(]*([A-Za-z-]+)', 1
        )) as counted_word,
        figures.measure,
        -- "Turkey and Syria": a name coordinated with the one before it is not one subject
        exists (
            select 1
            from named_mentions as previous
            inner join articles on previous.article_id = articles.article_id
            where previous.article_id = named_mentions.article_id
                and previous.end_char <= named_mentions.start_char
                and previous.end_char >= named_mentions.start_char - 20
                and regexp_full_match(
                    substr(
                        articles.body,
                        previous.end_char + 1,
                        named_mentions.start_char - previous.end_char
                    ),
                    '(?i)\s*(,|and|or|&)\s*([a-z-]+\s+)?'
                )
        ) as is_coordinated,
    from figures
    inner join figure_context on figures.figure_mention_id = figure_context.figure_mention_id
    inner join named_mentions
        on figures.article_id = named_mentions.article_id
        and figures.sentence_index = named_mentions.sentence_index
        and named_mentions.end_char <= figures.start_char
    left join claim_spans on figures.figure_mention_id = claim_spans.figure_mention_id
    where figures.measure not in ({{ casualty_measures }})
        and (claim_spans.start_char is null or named_mentions.start_char >= claim_spans.start_char)
),

named_before_in_clause as (
    select figure_mention_id, precedence, subject_rule, distance, subject_key, subject_name,
    from named_before
    -- same clause: no punctuation or other figure between, at most four words, no preposition
    -- ("missiles fired at two vessels"), not naming another lot of the counted noun
    -- ("Ukrainian troops were facing 50,000 troops")
    where not is_coordinated
        and regexp_full_match(between_text, '[^,;:()\[\]"“”—–0-9]*')
        and len(string_split(trim(between_text), ' ')) <= 4
        and not regexp_matches(
            lower(between_text),
            '\b(at|on|in|into|onto|against|toward|towards|to|by|from|with|for|of|across|near)\b'
        )
        and not regexp_matches(
            lower(between_text),
            '\b(' || regexp_escape(coalesce(nullif(counted_word, ''), measure)) || '|'
            || regexp_escape(measure) || ')\b'
        )
),

subject_candidates as (
    select * from named_after
    union all
    select * from form_after
    union all
    select * from named_from
    union all
    select * from event_owner_named
    union all
    select * from named_before_in_clause
),

subjects as (
    select figure_mention_id, subject_key, subject_name, subject_rule,
    from subject_candidates
    where subject_key is not null
    qualify row_number() over (
        partition by figure_mention_id order by precedence, distance, subject_key
    ) = 1
),

claim_sources as (
    select
        holding_claims.figure_mention_id,
        holding_claims.claim_id,
        holding_claims.source_key,
        holding_claims.speaker_actor_key,
        holding_claims.speaker_name,
        holding_claims.claim_date,
    from holding_claims
    where holding_claims.source_key is not null
),

attributed as (
    select
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
        subjects.subject_key,
        subjects.subject_name,
        subjects.subject_rule,
        claim_sources.claim_id,
        coalesce(claim_sources.source_key, {{ name_key('articles.outlet') }}) as source_key,
        claim_sources.speaker_actor_key,
        coalesce(claim_sources.speaker_name, articles.outlet) as source_name,
        coalesce(claim_sources.claim_date, articles.published_date) as claimed_on,
        figures.event_type,
        figures.event_date,
        figures.location,
        sentences.text as sentence,
    from figures
    inner join articles on figures.article_id = articles.article_id
    left join sentences
        on figures.article_id = sentences.article_id
        and figures.sentence_index = sentences.sentence_index
    left join subjects on figures.figure_mention_id = subjects.figure_mention_id
    left join claim_sources on figures.figure_mention_id = claim_sources.figure_mention_id
),

final as (
    select
        {{ short_hash(['figure_mention_id', 'source_key']) }} as figure_claim_id,
        figure_mention_id,
        article_id,
        sentence_index,
        start_char,
        end_char,
        text,
        value,
        high,
        qualifier,
        unit,
        measure,
        subject_key,
        subject_name,
        subject_rule,
        claim_id,
        source_key,
        {{ short_hash(['source_key']) }} as source_id,
        speaker_actor_key,
        source_name,
        claimed_on,
        event_type,
        case
            when event_type in (
                'attack', 'airstrike_or_shelling', 'drone_or_missile_attack', 'interception',
                'battle', 'casualties', 'disaster_or_accident'
            )
                then concat_ws(
                    ' | ', coalesce(event_date, claimed_on), nullif(trim(location), '')
                )
        end as incident,
        sentence,
    from attributed
    qualify row_number() over (
        partition by article_id, subject_key, measure, source_key, value, high
        order by start_char, figure_mention_id
    ) = 1
)

select * from final
