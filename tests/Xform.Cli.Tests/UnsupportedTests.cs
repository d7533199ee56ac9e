namespace Xform.Cli.Tests;

/// <summary>What xform does not do says so clearly, at the file that asks for it, before the database is touched.</summary>
public class UnsupportedTests
{
    [Test]
    public void A_python_model_is_refused_at_its_file()
    {
        using var p = new TestProject();
        p.Write("models/final.sql", "select 1 as id");
        p.Write("models/py_model.py", "def model(dbt, session):\n    return dbt.ref('final')\n");
        var r = p.Run("parse");
        Assert.That(r.ExitCode, Is.EqualTo(2));
        Assert.That(r.Err.Trim(), Does.EndWith("  models/py_model.py:1:1: error: Python models are not supported by xform; write this model in SQL or leave it out of model-paths"));
        Assert.That(p.Exists("target/test.duckdb"), Is.False, "the database is not touched");
    }
}
