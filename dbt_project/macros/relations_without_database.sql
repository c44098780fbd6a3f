{#- Relations are written without their database (the DuckDB catalog, named after the file), so
    that the views stay valid in the published copy of the build database, and in any copy of it
    under another name. -#}
{% macro ref() -%}
    {%- set version = kwargs.get('version') or kwargs.get('v') -%}
    {%- do return(builtins.ref(*varargs, version=version).include(database=false)) -%}
{%- endmacro %}

{% macro source(source_name, table_name) -%}
    {%- do return(builtins.source(source_name, table_name).include(database=false)) -%}
{%- endmacro %}
