create or replace transient table "<schema>"."KEPT" copy grants as (

select 1 as id
);

grant select on "<schema>"."KEPT" to reporter;

grant select on "<schema>"."KEPT" to bi;
