namespace Xform.Cli.Tests;

/// <summary>Loader behaviour pinned while its internals were made faster.</summary>
public class LoaderOrderTests
{

    static List<string> Lines(string text, string kind) =>
        text.Split('\n').Where(l => l.Contains(kind)).Select(ConsoleText.Untimed).ToList();

    [Test]
    public void Of_two_names_with_properties_twice_the_one_declared_first_is_reported()
    {
        using var p = new TestProject();
        p.Write("models/a.sql", "select 1").Write("models/b.sql", "select 2");
        p.Write("models/one.yml", "version: 2\nmodels:\n  - name: a\n  - name: b\n");
        p.Write("models/two.yml", "version: 2\nmodels:\n  - name: b\n  - name: a\n");
        var r = p.Run("parse");
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.That(Lines(r.Err, "error:"), Is.EqualTo(new[]
        {
            "models/two.yml:4:5: error: model 'a' has properties in two places (first at models/one.yml:3:5)",
        }));
    }

    [Test]
    public void Yaml_outside_the_quick_readers_subset_loads_as_before()
    {
        using var p = new TestProject();
        p.Write("models/a.sql", "select 1").Write("models/b.sql", "select 2");
        // Anchors, CRLF line ends and a multi-line plain scalar: read by YamlDotNet.
        p.Write("models/a.yml", "version: 2\r\nmodels:\r\n  - name: a\r\n    config: &c\r\n      tags: [x]\r\n    description: one\r\n      two\r\n  - name: b\r\n    config: *c\r\n");
        var r = p.Run("ls", "--select", "tag:x");
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(r.Out, Does.Contain("proj.a").And.Contain("proj.b"));
    }
}
