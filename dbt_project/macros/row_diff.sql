{#- The incremental strategy of the intermediate models and the marts. The model's query is
    computed whole, into a temporary table; the table then loses the rows the query no longer
    returns (as many times) and gains those it newly returns. So the table always equals a full
    rebuild, whatever changed upstream (new articles, actor keys merged across articles, reference
    data), while a refresh that adds a few articles writes a few rows however large the warehouse.
    An article-scoped model's query returns the rows of the articles in scope, so only those
    rows of the table are compared (macros/article_scope.sql). A table whose shape differs from
    the model's (columns, contract) is rebuilt whole. -#}
{% macro get_incremental_row_diff_sql(arg_dict) -%}
    {%- set target = arg_dict['target_relation'] -%}
    {%- set source = arg_dict['temp_relation'] -%}
    {%- set source_columns = adapter.get_columns_in_relation(source) -%}
    {%- set columns = get_quoted_csv(source_columns | map(attribute='name')) -%}
    {%- if row_diff_shape_changed(target, source_columns) -%}
        drop table {{ target }};
        {% if config.get('contract').enforced -%}
            create table {{ target }} {{ get_table_columns_and_constraints() }};
        {%- else -%}
            create table {{ target }} as select * from {{ source }} limit 0;
        {%- endif %}
        insert into {{ target }} ({{ columns }}) select {{ columns }} from {{ source }};
    {%- else -%}
        {%- set changes = make_temp_relation(target, '__row_diff') -%}
        create or replace temporary table {{ changes.include(database=false, schema=false) }} as
        with
        wanted as (
            select hash({{ columns }}) as row_hash, count(*) as copies,
            from {{ source }}
            group by row_hash
        ),
        present as (
            select hash({{ columns }}) as row_hash, count(*) as copies,
            from {{ target }}
            {{ article_scope_filter() if config.get('article_scoped') }}
            group by row_hash
        )
        select row_hash
        from wanted full join present using (row_hash)
        where wanted.copies is distinct from present.copies;

        delete from {{ target }}
        where hash({{ columns }}) in (
            select row_hash from {{ changes.include(database=false, schema=false) }}
        )
        {%- if config.get('article_scoped') %}
            and article_id in (select article_id from {{ article_scope_relation('scope') }})
        {%- endif %};

        insert into {{ target }} ({{ columns }})
        select {{ columns }}
        from {{ source }}
        where hash({{ columns }}) in (
            select row_hash from {{ changes.include(database=false, schema=false) }}
        );

        drop table {{ changes.include(database=false, schema=false) }};
    {%- endif -%}
{%- endmacro %}


{#- What a table built by the model looks like beyond its rows: its columns (dbt columns) and
    their types, and with an enforced contract its constraints. Kept as the table's comment
    (`row_diff_mark`). -#}
{% macro row_diff_shape(columns) -%}
    {%- set described = [] -%}
    {%- for column in columns -%}
        {%- do described.append(column.name ~ ' ' ~ column.data_type) -%}
    {%- endfor -%}
    {%- if config.get('contract').enforced -%}
        {%- do described.append(get_table_columns_and_constraints()) -%}
    {%- endif -%}
    {{- 'row_diff ' ~ local_md5(described | join(', ')) -}}
{%- endmacro %}


{#- Whether the table differs from what the model builds now in its columns, or was built with
    other constraints (its mark). -#}
{% macro row_diff_shape_changed(target, source_columns) -%}
    {%- set shape = row_diff_shape(source_columns) -%}
    {%- do return(
        row_diff_mark_of(target) != shape
        or row_diff_shape(adapter.get_columns_in_relation(target)) != shape
    ) -%}
{%- endmacro %}


{#- The shape a table was marked with when it was built, if any. -#}
{% macro row_diff_mark_of(target) -%}
    {%- set marked = run_query(
        "select comment from duckdb_tables() where database_name = '" ~ target.database
        ~ "' and schema_name = '" ~ target.schema ~ "' and table_name = '" ~ target.identifier ~ "'"
    ) -%}
    {%- do return(marked.columns[0].values()[0] if marked.rows | length else none) -%}
{%- endmacro %}


{#- The post-hook of the models built with row_diff: marks the table with the model's shape. -#}
{% macro row_diff_mark() -%}
    {%- if config.get('materialized') == 'incremental' -%}
        comment on table {{ this }} is '{{ row_diff_shape(adapter.get_columns_in_relation(this)) }}'
    {%- endif -%}
{%- endmacro %}
