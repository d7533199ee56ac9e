{{ config(materialized='incremental', incremental_strategy='append', on_schema_change='fail') }}
{#- Every raw row, typed and standardised, with exactly one transaction_category (rules in the
    order of the spec: the first that matches wins). Codes, keywords and countries come from seeds;
    everything dialect-specific goes through dispatched macros.
    Incremental (append): a run reads only the raw rows it has not read (new files on DuckDB, later loads
    elsewhere: retail_new_raw_rows) and stamps them with ingested_at, which the incremental models below
    use to find what is new for them. -#}
with raw as (
    select
        trim(cast("InvoiceNo" as {{ type_string() }})) as invoice_no,
        trim(cast("StockCode" as {{ type_string() }})) as stock_code,
        nullif(trim(cast("Description" as {{ type_string() }})), '') as description,
        cast(trim(cast("Quantity" as {{ type_string() }})) as {{ type_int() }}) as quantity,
        trim(cast("InvoiceDate" as {{ type_string() }})) as invoice_date_text,
        cast(trim(cast("UnitPrice" as {{ type_string() }})) as {{ type_money() }}) as unit_price,
        nullif(trim(cast("CustomerID" as {{ type_string() }})), '') as customer_id_text,
        trim(cast("Country" as {{ type_string() }})) as country_raw,
        cast(_loaded_at as {{ type_timestamp() }}) as loaded_at,
        {%- if target.type == 'duckdb' %}
        cast(_source_file as {{ type_string() }}) as source_file
        {%- else %}
        cast(null as {{ type_string() }}) as source_file
        {%- endif %}
    from {{ retail_new_raw_rows(source('pos', 'transaction_logs')) }} as raw_rows
),

typed as (
    select
        raw.*,
        {{ parse_invoice_timestamp('invoice_date_text') }} as invoice_date,
        {#- '17850.0' and '17850' are the same customer; anything else fails the build. -#}
        cast(cast(customer_id_text as {{ type_numeric(18, 1) }}) as {{ type_int() }}) as customer_id
    from raw
),

codes as (
    select upper(trim(stock_code)) as stock_code_key, category
    from {{ ref('non_product_stock_codes') }}
),

countries as (
    select lower(trim(raw_country)) as country_key, mapped_country
    from {{ ref('country_mapping') }}
),

categorised as (
    select
        typed.*,
        coalesce(countries.mapped_country, typed.country_raw) as country,
        case
            when lower(description) = 'adjust bad debt' then 'bad_debt'
            when upper(invoice_no) like 'C%' or quantity < 0 then 'return'
            when codes.category = 'manual' then 'manual_adjustment'
            when codes.category is not null then 'non_product'
            when unit_price <= 0 then 'zero_value'
            when customer_id is null
                or description is null
                or lower(description) in {{ lower_literal_list(var('incomplete_descriptions')) }}
                or lower(typed.country_raw) in {{ lower_literal_list(var('unknown_countries')) }}
                then 'incomplete'
            else 'sale'
        end as transaction_category
    from typed
    left join codes on codes.stock_code_key = upper(typed.stock_code)
    left join countries on countries.country_key = lower(typed.country_raw)
),

keyed as (
    {#- Raw rows have no key and the real file has exact duplicate lines: the key is a hash of every raw
        field plus the row's batch (its file on DuckDB, its load time elsewhere) and its position among its
        identical twins of that batch (so twins get distinct keys, the same on every engine and every run, and a
        batch read alone numbers its twins as a full read does). -#}
    select
        categorised.*,
        {{ hash(concat([
            "coalesce(invoice_no, '')", "'|'", "coalesce(stock_code, '')", "'|'", "coalesce(description, '')", "'|'",
            "coalesce(cast(quantity as " ~ type_string() ~ "), '')", "'|'", "coalesce(invoice_date_text, '')", "'|'",
            "coalesce(cast(unit_price as " ~ type_string() ~ "), '')", "'|'", "coalesce(customer_id_text, '')", "'|'",
            "coalesce(country_raw, '')", "'|'", "coalesce(source_file, cast(loaded_at as " ~ type_string() ~ "), '')", "'|'",
            "cast(row_number() over (partition by source_file, loaded_at, invoice_no, stock_code, description, quantity, invoice_date_text, unit_price, customer_id_text, country_raw order by invoice_no) as " ~ type_string() ~ ")"
        ])) }} as transaction_line_id
    from categorised
),

note_matches as (
    {#- Notes only on zero-value and adjustment rows: keywords occur inside real product names. The
        longest matching keyword wins (then alphabetical). -#}
    select
        keyed.transaction_line_id,
        k.note_group,
        row_number() over (
            partition by keyed.transaction_line_id
            order by length(trim(k.keyword)) desc, k.keyword
        ) as match_rank
    from keyed
    inner join {{ ref('adjustment_keywords') }} as k
        on lower(keyed.description) like '%' || lower(trim(k.keyword)) || '%'
    where keyed.transaction_category in ('bad_debt', 'manual_adjustment', 'zero_value')
)

select
    keyed.transaction_line_id,
    keyed.invoice_no,
    keyed.stock_code,
    keyed.description,
    keyed.quantity,
    keyed.invoice_date,
    cast(keyed.invoice_date as {{ type_date() }}) as invoice_day,
    keyed.unit_price,
    keyed.customer_id,
    keyed.country,
    keyed.country_raw,
    keyed.transaction_category,
    case
        when keyed.transaction_category in ('bad_debt', 'manual_adjustment', 'zero_value')
            then coalesce(note_matches.note_group, 'Unknown / Incomplete')
    end as note_group,
    cast(keyed.quantity * keyed.unit_price as {{ type_money() }}) as line_amount,
    keyed.loaded_at,
    keyed.source_file,
    {{ current_timestamp() }} as ingested_at
from keyed
left join note_matches
    on note_matches.transaction_line_id = keyed.transaction_line_id
    and note_matches.match_rank = 1
