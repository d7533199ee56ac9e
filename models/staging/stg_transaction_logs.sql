{#- Every raw row, typed and standardised, with exactly one transaction_category (rules in the
    order of the spec: the first that matches wins). Codes and keywords come from seeds. -#}
with raw as (
    select
        trim(cast("InvoiceNo" as varchar)) as invoice_no,
        trim(cast("StockCode" as varchar)) as stock_code,
        nullif(trim(cast("Description" as varchar)), '') as description,
        cast(trim(cast("Quantity" as varchar)) as integer) as quantity,
        trim(cast("InvoiceDate" as varchar)) as invoice_date_text,
        cast(trim(cast("UnitPrice" as varchar)) as decimal(18, 3)) as unit_price,
        nullif(trim(cast("CustomerID" as varchar)), '') as customer_id_text,
        trim(cast("Country" as varchar)) as country_raw
    from {{ source('pos', 'transaction_logs') }}
),

typed as (
    select
        raw.*,
        coalesce(
            try_strptime(invoice_date_text, '%m/%d/%Y %H:%M'),
            try_strptime(invoice_date_text, '%Y-%m-%d %H:%M:%S'),
            try_strptime(invoice_date_text, '%Y-%m-%dT%H:%M:%S'),
            try_strptime(invoice_date_text, '%Y-%m-%d %H:%M'),
            error('InvoiceDate is neither M/D/YYYY H:MM nor ISO: ' || coalesce(invoice_date_text, 'NULL'))
        ) as invoice_date,
        {#- '17850.0' and '17850' are the same customer; anything else fails the build. -#}
        cast(cast(customer_id_text as decimal(18, 1)) as integer) as customer_id,
        upper(stock_code) as stock_code_key
    from raw
),

codes as (
    select upper(trim(stock_code)) as stock_code_key, category from {{ ref('non_product_stock_codes') }}
),

countries as (
    select lower(trim(raw_country)) as country_key, mapped_country from {{ ref('country_mapping') }}
),

categorised as (
    select
        typed.*,
        coalesce(countries.mapped_country, typed.country_raw) as country,
        case
            when lower(description) = 'adjust bad debt' then 'bad_debt'
            when invoice_no like 'C%' or quantity < 0 then 'return'
            when codes.category = 'manual' then 'manual_adjustment'
            when codes.category is not null then 'non_product'
            when unit_price <= 0 then 'zero_value'
            when customer_id is null
                or description is null
                or lower(description) in ({% for d in var('incomplete_descriptions') %}'{{ d | lower }}'{% if not loop.last %}, {% endif %}{% endfor %})
                or typed.country_raw in ({% for c in var('unknown_countries') %}'{{ c }}'{% if not loop.last %}, {% endif %}{% endfor %})
                then 'incomplete'
            else 'sale'
        end as transaction_category
    from typed
    left join codes on codes.stock_code_key = typed.stock_code_key
    left join countries on countries.country_key = lower(typed.country_raw)
)

select
    invoice_no,
    stock_code,
    description,
    quantity,
    invoice_date,
    unit_price,
    customer_id,
    country,
    country_raw,
    transaction_category,
    case
        when transaction_category in ('bad_debt', 'manual_adjustment', 'zero_value') then coalesce((
            select k.note_group
            from {{ ref('adjustment_keywords') }} as k
            where lower(categorised.description) like '%' || lower(trim(k.keyword)) || '%'
            order by length(trim(k.keyword)) desc, k.keyword
            limit 1
        ), 'Unknown / Incomplete')
    end as note_group,
    cast(quantity * unit_price as decimal(18, 3)) as line_amount
from categorised
