{#- Models configured `article_scoped=true` recompute only the articles whose inputs changed.
    Such a model reads each input that has an article_id column through `article_scoped(...)`
    and only article by article: every join between those inputs is on article_id, and no
    window or aggregate spans articles. Its other inputs (reference data) are read whole.

    Before the build (`article_scope_start`, a pre-hook) each article gets a fingerprint of its
    rows in the per-article inputs. The scope is the articles whose fingerprint differs from
    the one kept at the last build, new and removed ones included, or every article when the
    model's compiled code, its inputs' columns or the reference inputs' rows differ, or the table
    is not as it was built (its row_diff mark); row_diff then compares only the scope's rows.
    After the build (`article_scope_keep`, a post-hook) the fingerprints are kept beside the
    table, so a refresh that adds a few articles computes a few articles, and the table still
    equals a full rebuild. -#}

{#- An input of the model, restricted to the articles in scope when the table is refreshed (a
    unit test renders the model for no table: `this` is none). -#}
{% macro article_scoped(relation) -%}
    {%- set refreshed = this is not none and is_incremental() -%}
    (select * from {{ relation }} {{ article_scope_filter() if refreshed }})
{%- endmacro %}


{% macro article_scope_filter() -%}
    where article_id in (select article_id from {{ article_scope_relation('scope') }})
{%- endmacro %}


{#- The scope and the fingerprints of this build are temporary tables of the node's connection;
    the fingerprints of the last build sit beside the model's table. -#}
{% macro article_scope_relation(part) -%}
    {%- if part == 'kept' -%}
        {%- set identifier = this.identifier ~ '__article_fingerprints' -%}
        {%- do return(this.incorporate(path={'identifier': identifier})) -%}
    {%- endif -%}
    {%- do return(api.Relation.create(identifier=this.identifier ~ '__article_' ~ part)) -%}
{%- endmacro %}


{% macro article_scope_start() -%}
    {%- if config.get('article_scoped') and execute -%}
        {%- set per_article = [] -%}
        {%- set whole = [] -%}
        {%- set described = [model.compiled_code | replace(article_scope_filter(), '')] -%}
        {%- for unique_id in model.depends_on.nodes -%}
            {%- set node = graph.nodes[unique_id] -%}
            {%- set relation = api.Relation.create(schema=node.schema, identifier=node.alias) -%}
            {%- set columns = adapter.get_columns_in_relation(relation) -%}
            {%- do described.append(relation ~ ': ' ~ row_diff_shape(columns)) -%}
            {%- if 'article_id' in columns | map(attribute='name') -%}
                {%- do per_article.append(relation) -%}
            {%- else -%}
                {%- do whole.append(relation) -%}
            {%- endif -%}
        {%- endfor -%}
        {%- if not per_article -%}
            {%- do exceptions.raise_compiler_error(
                model.name ~ ' is article_scoped, but none of its inputs has an article_id column'
            ) -%}
        {%- endif %}
        create or replace temporary table {{ article_scope_relation('fingerprints') }} as
        select article_id, sum(row_hash::hugeint) as fingerprint,
        from (
            {%- for relation in per_article %}
            select article_id, hash({{ loop.index }}, input_row) as row_hash,
            from {{ relation }} as input_row
            where article_id is not null
            {{ 'union all' if not loop.last }}
            {%- endfor %}
        )
        group by article_id
        union all
        -- the row of what every article depends on
        select
            null as article_id,
            hash(
                '{{ local_md5(described | join("\n")) }}'
                {%- for relation in whole -%}
                , (select sum(hash(input_row)::hugeint) from {{ relation }} as input_row)
                {%- endfor %}
            )::hugeint as fingerprint,
        ;
        {%- if is_incremental() %}
        {%- set kept = article_scope_relation('kept') %}
        {#- row_diff rebuilds a table that is not as it was built whole: every article in scope -#}
        {%- set table_changed = (
            row_diff_mark_of(this) != row_diff_shape(adapter.get_columns_in_relation(this))
        ) %}
        create or replace temporary table {{ article_scope_relation('scope') }} as
        with
        fingerprints as (
            select * from {{ article_scope_relation('fingerprints') }}
        ),
        kept as (
            {%- if load_cached_relation(kept) is not none %}
            select article_id, fingerprint, from {{ kept }}
            {%- else %}
            select null::varchar as article_id, null::hugeint as fingerprint, where false
            {%- endif %}
        ),
        shared_inputs_unchanged as (
            select count(*) = 1 as unchanged,
            from fingerprints
            inner join kept using (fingerprint)
            where fingerprints.article_id is null and kept.article_id is null
        )
        select article_id,
        from fingerprints
        full join kept using (article_id)
        where article_id is not null
            and (
                fingerprints.fingerprint is distinct from kept.fingerprint
                or not (select unchanged from shared_inputs_unchanged)
                or {{ table_changed }}
            )
        {%- endif %}
    {%- endif -%}
{%- endmacro %}


{% macro article_scope_keep() -%}
    {%- if config.get('article_scoped') and execute -%}
        create or replace table {{ article_scope_relation('kept') }} as
        select * from {{ article_scope_relation('fingerprints') }};
        drop table {{ article_scope_relation('fingerprints') }};
        drop table if exists {{ article_scope_relation('scope') }}
    {%- endif -%}
{%- endmacro %}
