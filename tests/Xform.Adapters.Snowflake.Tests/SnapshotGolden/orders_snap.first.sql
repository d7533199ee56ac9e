create or replace transient table "<schema>"."ORDERS_SNAP" as (
select src.*, md5(coalesce(cast(src."ID" as varchar), '') || '|' || coalesce(cast(src."UPDATED" as varchar), '')) as "VERSION_ID", src."UPDATED" as "CHANGED_AT", src."UPDATED" as "VALID_FROM", coalesce(nullif(src."UPDATED", src."UPDATED"), to_date('9999-12-31')) as "VALID_TO", cast(false as boolean) as "IS_DELETED" from (


select * from "<schema>"."ORDERS"
) as src
);
