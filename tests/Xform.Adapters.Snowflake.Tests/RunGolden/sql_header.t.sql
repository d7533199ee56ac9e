alter session set week_start = 1;

create or replace transient table "<schema>"."T" as (


select 1 as id
);
