using System.Text.RegularExpressions;
using Xform.Core.Artifacts;
using Xform.Core.Graph;
using Xform.Core.Parsing;
using Xform.Core.Project;

namespace Xform.Core.Tests.Artifacts;

/// <summary>manifest.json's nodes written on several threads, each by a writer of its own, are byte for byte what one writer writes.</summary>
public class ManifestParallelTests : TempFolderTest
{
    [Test]
    public void Parallel_nodes_are_the_same_bytes_as_one_writer()
    {
        Write("project.yml", "name: proj\nprofile: proj\n");
        Write("macros/cents.sql", "{% macro cents(x) %}{{ x }} / 100{% endmacro %}\n{% macro twice(x) %}{{ cents(x) }} * 2{% endmacro %}");
        Write("seeds/countries.csv", "country\nNL\n");
        var yaml = new System.Text.StringBuilder("version: 2\nmodels:\n");
        // More nodes than one window of the parallel writer holds, so windows and chunks both end mid-list.
        for (var i = 0; i < 3700; i++)
        {
            var parent = i == 0 ? "{{ ref('countries') }}" : $"{{{{ ref('m{i / 2:D4}') }}}}";
            var config = (i % 3) switch
            {
                0 => "{{ config(materialized='table', tags=['a', 'ü'], meta={'owner': 'x \"q\"', 'n': " + i + "}) }}\n",
                1 => "{{ config(materialized='view') }}\n",
                _ => "",
            };
            Write($"models/m{i:D4}.sql", $"{config}-- line with a tab\t and ünïcode\nselect {{{{ twice('id') }}}} as id from {parent}\n");
            if (i % 7 == 0)
                yaml.Append($"  - name: m{i:D4}\n    description: \"two\\nlines\"\n    columns:\n      - name: id\n        data_tests: [unique, not_null]\n");
        }
        Write("models/schema.yml", yaml.ToString());
        var loaded = TestManifests.Load(Dir);
        var graph = DependencyGraph.Build(loaded.Manifest);
        Assert.That(graph.Order, Has.Count.GreaterThan(1024 * 4 + 128), "more than one window");
        var compiled = graph.Order.Where((_, i) => i % 5 == 0).ToDictionary(id => id, id => $"select 1\n  -- {id}\n");

        string Manifest(string folder, bool inParallel)
        {
            var dir = Path.Combine(Dir, folder);
            ManifestWriter.Write(dir, loaded, graph, compiled, "same-invocation", inParallel);
            return Regex.Replace(File.ReadAllText(Path.Combine(dir, "manifest.json")), "\"generated_at\":\"[^\"]*\"", "\"generated_at\":\"-\"");
        }

        var one = Manifest("one", inParallel: false);
        var parallel = Manifest("parallel", inParallel: true);
        // compact, as dbt writes it: a line break only where a text holds one (escaped)
        Assert.That(one, Does.Contain("\"model.proj.m3699\":{\"database\""));
        Assert.That(one, Does.Not.Contain("\n"));
        Assert.That(one, Does.Contain("two\\nlines"));
        Assert.That(parallel, Is.EqualTo(one));
    }
}
