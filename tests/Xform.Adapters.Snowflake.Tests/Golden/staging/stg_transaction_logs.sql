with raw as (
    select
        trim(cast("InvoiceNo" as TEXT)) as invoice_no,
        trim(cast("StockCode" as TEXT)) as stock_code,
        nullif(trim(cast("Description" as TEXT)), '') as description,
        cast(trim(cast("Quantity" as TEXT)) as integer) as quantity,
        trim(cast("InvoiceDate" as TEXT)) as invoice_date_text,
        cast(trim(cast("UnitPrice" as TEXT)) as numeric(18,3)) as unit_price,
        nullif(trim(cast("CustomerID" as TEXT)), '') as customer_id_text,
        trim(cast("Country" as TEXT)) as country_raw,
        cast(_loaded_at as timestamp) as loaded_at,
        cast(null as TEXT) as source_file
    from "POS"."TRANSACTION_LOGS" as raw_rows
),

typed as (
    select
        raw.*,
        case
    when regexp_like(invoice_date_text, '[0-9]{1,2}/[0-9]{1,2}/[0-9]{4} [0-9]{1,2}:[0-9]{2}')
        then to_timestamp_ntz(invoice_date_text, 'MM/DD/YYYY HH24:MI')
    else to_timestamp_ntz(invoice_date_text)
end as invoice_date,cast(cast(customer_id_text as numeric(18,1)) as integer) as customer_id
    from raw
),

codes as (
    select upper(trim(stock_code)) as stock_code_key, category
    from "RETAIL"."NON_PRODUCT_STOCK_CODES"
),

countries as (
    select lower(trim(raw_country)) as country_key, mapped_country
    from "RETAIL"."COUNTRY_MAPPING"
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
                or lower(description) in ('?', '??', '???', 'missing', 'wrongly sold')
                or lower(typed.country_raw) in ('european community', 'unspecified')
                then 'incomplete'
            else 'sale'
        end as transaction_category
    from typed
    left join codes on codes.stock_code_key = upper(typed.stock_code)
    left join countries on countries.country_key = lower(typed.country_raw)
),

keyed as (select
        categorised.*,
        md5(cast(coalesce(invoice_no, '') || '|' || coalesce(stock_code, '') || '|' || coalesce(description, '') || '|' || coalesce(cast(quantity as TEXT), '') || '|' || coalesce(invoice_date_text, '') || '|' || coalesce(cast(unit_price as TEXT), '') || '|' || coalesce(customer_id_text, '') || '|' || coalesce(country_raw, '') || '|' || coalesce(source_file, cast(loaded_at as TEXT), '') || '|' || cast(row_number() over (partition by source_file, loaded_at, invoice_no, stock_code, description, quantity, invoice_date_text, unit_price, customer_id_text, country_raw order by invoice_no) as TEXT) as TEXT)) as transaction_line_id
    from categorised
),

note_matches as (select
        keyed.transaction_line_id,
        k.note_group,
        row_number() over (
            partition by keyed.transaction_line_id
            order by length(trim(k.keyword)) desc, k.keyword
        ) as match_rank
    from keyed
    inner join "RETAIL"."ADJUSTMENT_KEYWORDS" as k
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
    cast(keyed.invoice_date as date) as invoice_day,
    keyed.unit_price,
    keyed.customer_id,
    keyed.country,
    keyed.country_raw,
    keyed.transaction_category,
    case
        when keyed.transaction_category in ('bad_debt', 'manual_adjustment', 'zero_value')
            then coalesce(note_matches.note_group, 'Unknown / Incomplete')
    end as note_group,
    cast(keyed.quantity * keyed.unit_price as numeric(18,3)) as line_amount,
    keyed.loaded_at,
    keyed.source_file,
    convert_timezone('UTC', current_timestamp()) as ingested_at
from keyed
left join note_matches
    on note_matches.transaction_line_id = keyed.transaction_line_id
    and note_matches.match_rank = 1
