create or replace transient table "<schema>"."INC" as (

select 1 as id
);

grant select on "<schema>"."INC" to reporter;

grant select on "<schema>"."INC" to bi;

grant select on "<schema>"."INC" to auditor;
