{#- A stable 16-hex-digit identifier from one or more expressions; null when all are null. -#}
{% macro short_hash(expressions) -%}
    left(md5(nullif(concat_ws('|', {{ expressions | join(', ') }}), '')), 16)
{%- endmacro %}
