create or replace transient table "<schema>"."FRESH" as (

select 1 as id
);

grant select on "<schema>"."FRESH" to reporter;

grant select on "<schema>"."FRESH" to bi;
