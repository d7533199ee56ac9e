alter session set week_start = 1;

drop table if exists "INC__XFORM_INCR";

create or replace temporary table "INC__XFORM_INCR" as (


select 1 as id
);

insert into "<schema>"."INC" ("ID")
select "ID" from "INC__XFORM_INCR";

drop table if exists "INC__XFORM_INCR";
