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

    [Test]
    public void A_package_declared_but_not_installed_says_to_run_deps()
    {
        using var p = new TestProject();
        p.Write("packages.yml", "packages:\n  - package: dbt-labs/dbt_utils\n    version: 1.3.0\n");
        p.Write("models/a.sql", "select\n  {{ dbt_utils.generate_surrogate_key(['id']) }} as k");
        var r = p.Run("parse");
        Assert.That(r.ExitCode, Is.EqualTo(2));
        Assert.That(r.Err, Does.Contain("models/a.sql:2:6: error: 'dbt_utils' is undefined: package 'dbt_utils' is declared in packages.yml but not installed; run 'xform deps'"));
    }

    [Test]
    public void A_mistyped_namespace_names_the_installed_package()
    {
        using var p = new TestProject();
        p.Write("dbt_packages/dbt_utils/dbt_project.yml", "name: dbt_utils\n");
        p.Write("dbt_packages/dbt_utils/macros/k.sql", "{% macro generate_surrogate_key(cols) %}md5('x'){% endmacro %}");
        p.Write("models/a.sql", "select {{ dbt_utilz.generate_surrogate_key(['id']) }} as k");
        var r = p.Run("parse");
        Assert.That(r.ExitCode, Is.EqualTo(2));
        Assert.That(r.Err, Does.Contain("'dbt_utilz' is undefined. Did you mean 'dbt_utils'?"));
    }
}
