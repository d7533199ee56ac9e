using Xform.Core.Adapters;
using Xform.Core.Project;

namespace Xform.Adapters.Postgres;

/// <summary>
/// PostgreSQL's materialization SQL. Postgres has transactional DDL but no <c>create or replace table</c>;
/// <c>create or replace view</c> fails when the columns change; and views bind to the table object, not its
/// name, so dropping a table needs CASCADE and takes its dependent views with it. Every replacement therefore
/// builds the new relation beside the old one (<c>x__xform_tmp</c>) and then runs one swap block, inside the
/// same transaction, that keeps the dependent views working (see <see cref="Swap"/>). MERGE came in PostgreSQL 15:
/// the dialect is built for the server's version, once, and does not change after.
/// </summary>
public class PostgresDialect(Func<string, string> quote, Version serverVersion) : SqlDialect(quote, CapabilitiesOf(serverVersion))
{
    /// <summary>Transactional DDL; no <c>create or replace table</c>, no <c>swap with</c>; MERGE from version 15.</summary>
    static AdapterCapabilities CapabilitiesOf(Version server) =>
        new(TransactionalDdl: true, CreateOrReplaceTable: false, SwapWith: false, Merge: server.Major >= 15);

    public static string Literal(string s) => "'" + s.Replace("'", "''") + "'";

    /// <summary>With <c>using</c>: PostgreSQL converts only implicitly castable types without it (text to integer is not).</summary>
    public override string AlterColumnType(RelationName relation, string column, string type) =>
        $"alter table {Render(relation)} alter column {Quote(column)} type {type} using {Quote(column)}::{type}";

    public override string Drop(RelationName relation, RelationKind kind) =>
        $"drop {(kind == RelationKind.View ? "view" : "table")} if exists {Render(relation)} cascade";

    /// <summary>Only ever the session's temporary table: an unqualified name could reach a real table on the search_path.</summary>
    public override string DropTemp(string name) => $"drop table if exists pg_temp.{Quote(name)}";

    /// <summary>dbt-postgres's: every table and view is rebuilt as a new object (<see cref="Swap"/>), which starts with no grants.</summary>
    public override bool CopiesGrants(NodeConfig config) => false;

    /// <summary>dbt-postgres's: the grants this role gave on the relation, to other roles.</summary>
    public override string ShowGrants(RelationName relation) => $"""
        select grantee, privilege_type
        from information_schema.role_table_grants
        where grantor = current_role
          and grantee != current_role
          and table_schema = {Literal(relation.Schema)}
          and table_name = {Literal(relation.Identifier)}
        """;

    /// <summary>Builds the new view as <c>x__xform_tmp</c>, then swaps it in (run as one transaction).</summary>
    public override IReadOnlyList<string> BuildView(RelationName relation, string sql, RelationKind? existing)
    {
        var tmp = Staging(relation);
        return
        [
            $"drop view if exists {Render(tmp)}",
            $"create view {Render(tmp)} as (\n{sql}\n)",
            Swap(relation, tmp),
        ];
    }

    /// <summary>The swap block, whatever the relation in the way is: it keeps the views that read it.</summary>
    public override IReadOnlyList<string> SwapIn(RelationName built, RelationName target, RelationKind? existing) => [Swap(target, built)];

    /// <summary>
    /// One statement that puts <paramref name="replacement"/> in the place of <paramref name="relation"/>, whatever
    /// <paramref name="relation"/> is now (nothing, a table, a view, a materialized view). Views and materialized
    /// views that depend on the old relation, directly or through other views, are bound to its object: their
    /// definitions are captured first (while they still print the old name), the old relation is dropped with
    /// CASCADE, the replacement is renamed into place, and the captured views are recreated in dependency order,
    /// now reading the new relation. It runs inside the caller's transaction: if a view no longer fits the new
    /// columns the whole build fails and the previous version stays.
    /// </summary>
    /// <summary>The advisory lock that serializes swaps in a database (an arbitrary constant: "xform swap").</summary>
    public const long SwapLockKey = 0x78666f726d5377;

    public string Swap(RelationName relation, RelationName replacement)
    {
        var target = Literal(Render(relation));
        var tmp = Render(replacement);
        var name = Literal(Quote(relation.Identifier));
        return $$"""
            do $xform_swap$
            declare
                old_oid oid;
                old_kind "char";
                kept record;
                granted record;
                views text[] := '{}';
                names text[] := '{}';
                i int;
            begin
                -- one swap at a time per database (released at commit): two tables swapped in parallel under a view
                -- that reads both would otherwise each hold one table and wait for the other to recreate the view
                perform pg_advisory_xact_lock({{SwapLockKey}});
                old_oid := to_regclass({{target}});
                if old_oid is not null then
                    select relkind into old_kind from pg_class where oid = old_oid;
                    for kept in
                        with recursive dependents(oid, depth) as (
                            select distinct r.ev_class, 1
                            from pg_depend d join pg_rewrite r on r.oid = d.objid
                            where d.classid = 'pg_rewrite'::regclass and d.refclassid = 'pg_class'::regclass
                              and d.refobjid = old_oid and r.ev_class <> old_oid
                            union
                            select r.ev_class, dependents.depth + 1
                            from dependents
                            join pg_depend d on d.refobjid = dependents.oid and d.classid = 'pg_rewrite'::regclass
                                and d.refclassid = 'pg_class'::regclass
                            join pg_rewrite r on r.oid = d.objid and r.ev_class <> dependents.oid
                            where dependents.depth < 100
                        )
                        select c.oid, n.nspname, c.relname, c.relkind, c.reloptions, c.relacl, c.relowner, max(dependents.depth) as depth
                        from dependents join pg_class c on c.oid = dependents.oid join pg_namespace n on n.oid = c.relnamespace
                        group by c.oid, n.nspname, c.relname, c.relkind, c.reloptions, c.relacl, c.relowner
                        order by max(dependents.depth), n.nspname, c.relname
                    loop
                        names := names || format('%I.%I', kept.nspname, kept.relname);
                        views := views || format('create %s %I.%I%s as %s',
                            case kept.relkind when 'm' then 'materialized view' else 'view' end,
                            kept.nspname, kept.relname,
                            coalesce(' with (' || array_to_string(kept.reloptions, ', ') || ')', ''),
                            rtrim(pg_get_viewdef(kept.oid), ';'));
                        if obj_description(kept.oid, 'pg_class') is not null then
                            names := names || format('%I.%I', kept.nspname, kept.relname);
                            views := views || format('comment on %s %I.%I is %L',
                                case kept.relkind when 'm' then 'materialized view' else 'view' end,
                                kept.nspname, kept.relname, obj_description(kept.oid, 'pg_class'));
                        end if;
                        for granted in select a.privilege_type, a.grantee from aclexplode(kept.relacl) a where a.grantee <> kept.relowner loop
                            names := names || format('%I.%I', kept.nspname, kept.relname);
                            views := views || format('grant %s on %I.%I to %s', granted.privilege_type, kept.nspname, kept.relname,
                                case granted.grantee when 0 then 'public' else granted.grantee::regrole::text end);
                        end loop;
                    end loop;
                    execute format('drop %s %s cascade',
                        case old_kind when 'v' then 'view' when 'm' then 'materialized view' when 'f' then 'foreign table' else 'table' end,
                        old_oid::regclass);
                end if;
                execute format('alter table %s rename to %s', {{Literal(tmp)}}, {{name}});
                for i in 1 .. coalesce(array_length(views, 1), 0) loop
                    begin
                        execute views[i];
                    exception when others then
                        raise exception 'the view % reads % and cannot be rebuilt on its new version: %', names[i], {{target}}, sqlerrm;
                    end;
                end loop;
            end
            $xform_swap$
            """;
    }
}
