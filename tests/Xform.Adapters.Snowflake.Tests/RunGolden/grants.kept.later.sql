create or replace transient table "<schema>"."KEPT" copy grants as (

select 1 as id
);

revoke SELECT on "<schema>"."KEPT" from "REPORTER";
