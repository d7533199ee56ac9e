namespace Xform.Cli.Tests;

/// <summary>
/// project.yml's query-comment on DuckDB, seen where the engine sees it: a model that selects <c>current_query()</c>
/// stores the text of the statement that built it, comment included.
/// </summary>
public class QueryCommentTests
{
    static string Built(string projectYml)
    {
        using var p = new TestProject();
        if (projectYml.Length > 0) p.Write("project.yml", "name: proj\nprofile: proj\n" + projectYml);
        p.Write("models/m.sql", "{{ config(materialized='table') }}\nselect current_query() as q");
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(p.Read("target/run/proj/models/m.sql"), Does.Not.Contain("/*"), "target/run keeps the statements as compiled, as dbt's");
        return (string)p.Scalar("select q from main.m")!;
    }

    [Test]
    public void By_default_each_statement_starts_with_dbts_json_comment_naming_the_node()
    {
        var q = Built("");
        Assert.That(q, Does.StartWith("""/* {"app": "dbt", "dbt_version": "1.10.0", "profile_name": "proj", "target_name": "dev", "node_id": "model.proj.m"} */""" + "\n"));
    }

    [Test]
    public void A_templated_comment_sees_node_and_target_and_append_puts_it_last()
    {
        var q = Built("query-comment:\n  comment: \"ran {{ node.unique_id }} ({{ node.resource_type }}) on {{ target.name }}\"\n  append: true\n  job-label: true\n");
        Assert.That(q.TrimEnd(), Does.EndWith("/* ran model.proj.m (model) on dev */").Or.EndWith("/* ran model.proj.m (model) on dev */;"));
        Assert.That(q, Does.Not.StartWith("/*"));
    }

    [Test]
    public void A_string_comment_is_prepended_and_null_or_empty_turns_comments_off()
    {
        Assert.That(Built("query-comment: \"team {{ var('team', 'data') }}\"\n"), Does.StartWith("/* team data */\n"));
        Assert.That(Built("query-comment: null\n"), Does.Not.Contain("/*"));
        Assert.That(Built("query-comment: ''\n"), Does.Not.Contain("/*"));
    }

    [Test]
    public void A_comment_that_would_close_itself_is_an_error_at_its_line_before_anything_runs()
    {
        using var p = new TestProject();
        p.Write("project.yml", "name: proj\nprofile: proj\nquery-comment: \"a */ b\"\n");
        p.Write("models/m.sql", "select 1 as id");
        var r = p.Run("run");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain("project.yml:3:16: error: query comment contains illegal value '*/'"));
        Assert.That(r.All, Does.Not.Contain("   at "));
    }

    [Test]
    public void A_query_comment_of_the_wrong_shape_is_an_error_at_its_line()
    {
        using var p = new TestProject();
        p.Write("project.yml", "name: proj\nprofile: proj\nquery-comment:\n  comment: x\n  append: sometimes\n");
        var r = p.Run("parse");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain("project.yml:5:11: error: 'append' of 'query-comment' must be true or false"));
    }
}
