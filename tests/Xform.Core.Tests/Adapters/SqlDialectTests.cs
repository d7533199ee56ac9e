using Xform.Core.Adapters;
using Xform.Core.Project;

namespace Xform.Core.Tests.Adapters;

/// <summary>The shared dialect chooses its SQL by the engine's capabilities.</summary>
public class SqlDialectTests
{
    static readonly RelationName T = new(null, "s", "t");
    static readonly AdapterCapabilities Transactional = new(TransactionalDdl: true, CreateOrReplaceTable: false, SwapWith: false, Merge: true);
    static readonly AdapterCapabilities AutoCommitDdl = new(TransactionalDdl: false, CreateOrReplaceTable: true, SwapWith: true, Merge: true);

    static SqlDialect Dialect(AdapterCapabilities capabilities) => new(s => s, capabilities);

    [Test]
    public void With_transactional_ddl_a_table_is_built_beside_the_old_one_and_renamed_in()
    {
        Assert.That(Dialect(Transactional).BuildTable(T, "select 1", RelationKind.Table), Is.EqualTo(new[]
        {
            "drop table if exists s.t__xform_tmp", "create table s.t__xform_tmp as (\nselect 1\n)", "drop table if exists s.t",
            "alter table s.t__xform_tmp rename to t",
        }));
    }

    [Test]
    public void Where_ddl_commits_on_its_own_a_table_is_replaced_in_one_statement_and_a_loaded_one_swapped_with()
    {
        var d = Dialect(AutoCommitDdl);
        Assert.That(d.BuildTable(T, "select 1", RelationKind.Table), Is.EqualTo(new[] { "create or replace table s.t as (\nselect 1\n)" }));
        Assert.That(d.BuildTable(T, "select 1", RelationKind.View), Is.EqualTo(new[]
        {
            "create or replace table s.t__xform_tmp as (\nselect 1\n)", "drop view if exists s.t", "alter table s.t__xform_tmp rename to t",
        }));
        Assert.That(d.SwapIn(T with { Identifier = "n" }, T, RelationKind.Table), Is.EqualTo(new[] { "alter table s.t swap with s.n", "drop table if exists s.n" }));
        Assert.That(Dialect(Transactional).SwapIn(T with { Identifier = "n" }, T, null), Is.EqualTo(new[] { "alter table s.n rename to t" }));
        Assert.Throws<NotSupportedException>(() => Dialect(AutoCommitDdl with { CreateOrReplaceTable = false }).BuildTable(T, "select 1", null));
    }

    [Test]
    public void Without_merge_a_merge_updates_the_matched_rows_then_inserts_the_others()
    {
        var input = new IncrementalStatementsInput(T, "st", ["id", "v"], ["id"], ["v"], ["DBT_INTERNAL_DEST.v > 0"], null);
        Assert.That(Dialect(Transactional).Merge(input).Single(), Does.StartWith("merge into s.t as DBT_INTERNAL_DEST"));
        var fallback = Dialect(Transactional with { Merge = false }).Merge(input);
        Assert.That(fallback, Has.Count.EqualTo(2));
        Assert.That(fallback[0], Does.StartWith("update s.t as DBT_INTERNAL_DEST set\n        v = DBT_INTERNAL_SOURCE.v\nfrom st as DBT_INTERNAL_SOURCE"));
        Assert.That(fallback[1], Does.EndWith("where not exists (select 1 from s.t as DBT_INTERNAL_DEST where DBT_INTERNAL_SOURCE.id = DBT_INTERNAL_DEST.id\n    and (DBT_INTERNAL_DEST.v > 0))"));
    }
}
