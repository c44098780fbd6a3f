{#- The key names are compared on: accents and case folded, possessive 's, punctuation and a
    leading article dropped. "Kim Jong-un" and "Kim Jong Un" share a key, so do "U.S." and "US". -#}
{% macro name_key(expression) -%}
    regexp_replace(
        trim(regexp_replace(
            regexp_replace(lower(strip_accents({{ expression }})), '[''’]s\b', '', 'g'),
            '[^a-z0-9]+', ' ', 'g'
        )),
        '^(the|a|an) ', ''
    )
{%- endmacro %}
