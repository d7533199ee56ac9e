using System.Diagnostics;
using Xform.Adapters.DuckDb;
using Xform.Core.Diagnostics;
using Xform.Core.Graph;
using Xform.Core.Parsing;
using Xform.Core.Planning;
using Xform.Core.Project;
using Xform.Core.Selection;

namespace Xform.Bench;

/// <summary>
/// Node selection on a whole project's graph, warm and in process: each selector form dbt users write, timed on its
/// own (one untimed call first, then R timed calls), so a slow form is seen, not averaged away.
/// </summary>
static class Selection
{
    public static IReadOnlyList<(string Selector, int Matched, double MinMs, double MedianMs)> Run(string projectDir, int runs, Action<string> log)
    {
        var dir = Path.GetFullPath(projectDir);
        var warnings = new List<Warning>();
        var project = ProjectFileReader.Read(dir, warnings);
        var target = ProfileReader.Read(ProfileReader.ResolveDir(null, dir), project.ProfileName, null, dir);
        using var adapter = new DuckDbAdapter(target, project.RootDir);
        var loaded = ProjectLoader.Load(new LoadOptions(dir, target, new Dictionary<string, object?>(), adapter.Macros, adapter.Quote, _ => { }), project, warnings);
        var graph = DependencyGraph.Build(loaded.Manifest);
        var models = graph.Order.Select(id => graph.Manifest.Nodes[id]).Where(n => n.ResourceType == ResourceType.Model).ToList();
        var middle = models[models.Count / 2];
        var early = models[models.Count / 20];
        var folder = Path.GetDirectoryName(middle.OriginalFilePath)!.Replace('\\', '/');
        string[][] forms =
        [
            ["*"], [middle.Name], ["+" + middle.Name], [middle.Name + "+"], ["+" + middle.Name + "+"], ["2+" + middle.Name + "+2"],
            ["@" + early.Name], [early.Name + "+"], ["tag:marts"], ["path:" + folder], [$"{project.Name}.marts.*"],
            ["config.materialized:table"], ["resource_type:test"], ["test_type:generic"], ["package:" + project.Name],
            ["file:" + Path.GetFileName(middle.OriginalFilePath)], ["tag:marts,config.materialized:view"], [middle.Name, early.Name + "+"],
        ];
        var rows = new List<(string, int, double, double)>();
        // What a command does with --select: the planner's selection, in graph order.
        IReadOnlyList<Node> Select(IReadOnlyList<string> select, IReadOnlyList<string> exclude) => Planner.Select(graph, new PlanRequest("ls", [], select, exclude), null);
        foreach (var form in forms)
        {
            var matched = Select(form, []).Count;
            var times = new List<double>();
            for (var i = 0; i < runs; i++)
            {
                var watch = Stopwatch.StartNew();
                Select(form, []);
                times.Add(watch.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            rows.Add((string.Join(" ", form), matched, times[0], times[times.Count / 2]));
            log(FormattableString.Invariant($"{rows[^1].Item1}: {matched} nodes, median {rows[^1].Item4:0.0} ms"));
        }
        // --exclude, and a selection then ordered for a run, as the planner does.
        {
            var times = new List<double>();
            var matched = 0;
            for (var i = 0; i <= runs; i++)
            {
                var watch = Stopwatch.StartNew();
                matched = Select(["*"], ["tag:staging"]).Count;
                if (i > 0) times.Add(watch.Elapsed.TotalMilliseconds);
            }
            times.Sort();
            rows.Add(("* --exclude tag:staging, in graph order", matched, times[0], times[times.Count / 2]));
        }
        return rows;
    }
}
