using Xform.Core.Adapters;
using Xform.Core.Execution.Incremental;
using Xform.Core.Project;

namespace Xform.Core.Tests.Execution.Incremental;

/// <summary>
/// Each dbt incremental strategy chooses the statements that apply the staged new rows (table
/// <c>events__xform_incr</c>) to the model's table, written here in the plain dialect with double-quoted names.
/// </summary>
public class IncrementalStrategyTests
{
    static readonly SqlDialect Dialect = new(name => $"\"{name}\"", new AdapterCapabilities(TransactionalDdl: true, CreateOrReplaceTable: false, SwapWith: false, Merge: true));

    const string Target = "\"analytics\".\"events\"";
    const string Staged = "\"events__xform_incr\"";

    static IncrementalStatementsInput Input(string[]? uniqueKey = null, string? partition = null, string[]? predicates = null) =>
        new(new RelationName(null, "analytics", "events"), "events__xform_incr", ["id", "day", "amount"], uniqueKey ?? [],
            (uniqueKey ?? []).Length == 0 ? [] : ["day", "amount"], predicates ?? [], partition);

    static string Squash(string sql) => System.Text.RegularExpressions.Regex.Replace(sql, @"\s+", " ").Trim();

    static IReadOnlyList<string> Apply(string strategy, IncrementalStatementsInput input) =>
        IncrementalStrategy.For(strategy).Apply(Dialect, input).Select(Squash).ToList();

    const string InsertAll = $"insert into {Target} (\"id\", \"day\", \"amount\") select \"id\", \"day\", \"amount\" from {Staged}";

    [TestCase("append", typeof(Append))]
    [TestCase("merge", typeof(Merge))]
    [TestCase("delete+insert", typeof(DeleteInsert))]
    [TestCase("insert_overwrite", typeof(InsertOverwrite))]
    public void Each_dbt_strategy_name_has_its_class(string name, Type type) =>
        Assert.That(IncrementalStrategy.For(name), Is.TypeOf(type));

    [TestCase("microbatch")]
    [TestCase("upsert")]
    public void Microbatch_and_unknown_names_have_no_statement_strategy(string name) =>
        Assert.Throws<ArgumentOutOfRangeException>(() => IncrementalStrategy.For(name));

    [Test]
    public void Append_inserts_every_new_row_even_with_a_unique_key()
    {
        Assert.That(Apply("append", Input()), Is.EqualTo(new[] { InsertAll }));
        Assert.That(Apply("append", Input(["id"])), Is.EqualTo(new[] { InsertAll }), "dbt's append ignores unique_key");
    }

    [Test]
    public void Merge_without_a_unique_key_appends() => Assert.That(Apply("merge", Input()), Is.EqualTo(new[] { InsertAll }));

    [Test]
    public void Merge_with_a_unique_key_updates_matching_rows_and_inserts_the_others()
    {
        var statements = Apply("merge", Input(["id"]));
        Assert.That(statements, Has.Count.EqualTo(1));
        var merge = statements[0];
        Assert.That(merge, Does.StartWith($"merge into {Target} as DBT_INTERNAL_DEST using {Staged} as DBT_INTERNAL_SOURCE"));
        Assert.That(merge, Does.Contain("on DBT_INTERNAL_SOURCE.\"id\" = DBT_INTERNAL_DEST.\"id\""));
        Assert.That(merge, Does.Contain("when matched then update set \"day\" = DBT_INTERNAL_SOURCE.\"day\", \"amount\" = DBT_INTERNAL_SOURCE.\"amount\""));
        Assert.That(merge, Does.EndWith("when not matched then insert (\"id\", \"day\", \"amount\") values " +
            "(DBT_INTERNAL_SOURCE.\"id\", DBT_INTERNAL_SOURCE.\"day\", DBT_INTERNAL_SOURCE.\"amount\")"));
    }

    [Test]
    public void Merge_on_a_composite_key_matches_every_part()
    {
        var merge = Apply("merge", Input(["id", "day"]))[0];
        Assert.That(merge, Does.Contain("on DBT_INTERNAL_SOURCE.\"id\" = DBT_INTERNAL_DEST.\"id\" and DBT_INTERNAL_SOURCE.\"day\" = DBT_INTERNAL_DEST.\"day\""));
    }

    [Test]
    public void Merge_with_nothing_to_update_only_inserts_new_keys()
    {
        var input = Input(["id"]) with { UpdateColumns = [] };
        var merge = Apply("merge", input)[0];
        Assert.That(merge, Does.Not.Contain("when matched"));
        Assert.That(merge, Does.Contain("when not matched then insert"));
    }

    [Test]
    public void Merge_adds_the_incremental_predicates_to_the_match()
    {
        var merge = Apply("merge", Input(["id"], predicates: ["DBT_INTERNAL_DEST.\"day\" > '2024-01-01'"]))[0];
        Assert.That(merge, Does.Contain("on DBT_INTERNAL_SOURCE.\"id\" = DBT_INTERNAL_DEST.\"id\" and (DBT_INTERNAL_DEST.\"day\" > '2024-01-01')"));
    }

    [TestCase("delete+insert", "id", null, $"delete from {Target} as DBT_INTERNAL_DEST where exists (select 1 from {Staged} as DBT_INTERNAL_SOURCE " +
        "where DBT_INTERNAL_SOURCE.\"id\" = DBT_INTERNAL_DEST.\"id\")", TestName = "delete+insert deletes the rows whose key is among the new rows, then inserts")]
    [TestCase("insert_overwrite", null, "day", $"delete from {Target} as DBT_INTERNAL_DEST where DBT_INTERNAL_DEST.\"day\" in (select distinct \"day\" from {Staged})",
        TestName = "insert_overwrite deletes the partitions present in the new rows, then inserts")]
    public void Deletes_then_inserts(string strategy, string? key, string? partition, string delete) =>
        Assert.That(Apply(strategy, Input(key is null ? null : [key], partition)), Is.EqualTo(new[] { delete, InsertAll }));

    // A key repeated in the new rows must fail the build where the strategy matches rows by key.
    [TestCase("append", false, TestName = "append never checks the unique key (dbt's append ignores it)")]
    [TestCase("merge", true, TestName = "merge checks the unique key when it has one")]
    [TestCase("delete+insert", true, TestName = "delete+insert checks the unique key when it has one")]
    [TestCase("insert_overwrite", false, TestName = "insert_overwrite never checks the unique key (partitions are replaced whole)")]
    public void Checks_the_unique_key(string strategy, bool withKey)
    {
        Assert.That(IncrementalStrategy.For(strategy).ChecksUniqueKey(Input(["id"], "day")), Is.EqualTo(withKey));
        Assert.That(IncrementalStrategy.For(strategy).ChecksUniqueKey(Input(partition: "day")), Is.False, "no key to check");
    }

    [Test]
    public void Delete_insert_narrows_the_delete_with_the_incremental_predicates()
    {
        var delete = Apply("delete+insert", Input(["id"], predicates: ["DBT_INTERNAL_DEST.\"day\" > '2024-01-01'"]))[0];
        Assert.That(delete, Does.EndWith(" and (DBT_INTERNAL_DEST.\"day\" > '2024-01-01')"));
    }
}
