drop table if exists "ORDERS_SNAP__XFORM_SNAP";

create or replace temporary table "ORDERS_SNAP__XFORM_SNAP" as (


select * from "<schema>"."ORDERS"
);

alter table "<schema>"."ORDERS_SNAP" add column "NOTE" VARCHAR(16777216);

update "<schema>"."ORDERS_SNAP" as cur set "VALID_TO" = src."UPDATED"
from "ORDERS_SNAP__XFORM_SNAP" as src
where src."ID" = cur."ID" and (cur."VALID_TO" = to_date('9999-12-31') or cur."VALID_TO" is null) and ((src."UPDATED" > cur."CHANGED_AT") or cur."IS_DELETED");

insert into "<schema>"."ORDERS_SNAP" ("ID", "STATUS", "UPDATED", "NOTE", "VERSION_ID", "CHANGED_AT", "VALID_FROM", "VALID_TO", "IS_DELETED")
select src."ID", src."STATUS", src."UPDATED", src."NOTE", md5(coalesce(cast(src."ID" as varchar), '') || '|' || coalesce(cast(src."UPDATED" as varchar), '')), src."UPDATED", src."UPDATED", to_date('9999-12-31'), false
from "ORDERS_SNAP__XFORM_SNAP" as src
where not exists (select 1 from "<schema>"."ORDERS_SNAP" as cur where src."ID" = cur."ID" and (cur."VALID_TO" = to_date('9999-12-31') or cur."VALID_TO" is null));

insert into "<schema>"."ORDERS_SNAP" ("ID", "STATUS", "UPDATED", "NOTE", "VERSION_ID", "CHANGED_AT", "VALID_FROM", "VALID_TO", "IS_DELETED")
select cur."ID", cur."STATUS", cur."UPDATED", cur."NOTE", md5(coalesce(cast(cur."ID" as varchar), '') || '|deleted|' || cast('2024-01-04 00:00:00'::timestamp_ntz as varchar)), '2024-01-04 00:00:00'::timestamp_ntz, '2024-01-04 00:00:00'::timestamp_ntz, to_date('9999-12-31'), true
from "<schema>"."ORDERS_SNAP" as cur where (cur."VALID_TO" = to_date('9999-12-31') or cur."VALID_TO" is null) and not cur."IS_DELETED" and not exists (select 1 from "ORDERS_SNAP__XFORM_SNAP" as src where src."ID" = cur."ID");

update "<schema>"."ORDERS_SNAP" as cur set "VALID_TO" = '2024-01-04 00:00:00'::timestamp_ntz where (cur."VALID_TO" = to_date('9999-12-31') or cur."VALID_TO" is null) and not cur."IS_DELETED" and not exists (select 1 from "ORDERS_SNAP__XFORM_SNAP" as src where src."ID" = cur."ID");

drop table if exists "ORDERS_SNAP__XFORM_SNAP";
