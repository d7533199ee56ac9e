select
    cast(null as TEXT) as source_file,
    cast(_loaded_at as timestamp) as loaded_at,
    cast(count(*) as bigint) as raw_rows,
    convert_timezone('UTC', current_timestamp()) as ingested_at
from "POS"."TRANSACTION_LOGS" as raw_rows
group by 1, 2
