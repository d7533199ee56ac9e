using Xform.Core.Compilation;
using Xform.Core.Diagnostics;
using Xform.Core.Project;

namespace Xform.Core.Tasks;

/// <summary><c>xform compile</c>: renders the selected models and analyses to target/compiled and records them in manifest.json.</summary>
public static class CompileTask
{
    /// <summary>The compiled models in graph order; every error of every model is reported together.</summary>
    public static IReadOnlyList<CompiledNode> Run(Workspace workspace)
    {
        _ = workspace.Graph; // parsed and built first, so the timing of the selection is its own
        var models = workspace.Timed("select", () => workspace.Selected(ResourceType.Model, ResourceType.Analysis));
        var compiler = new Compiler(workspace.Loaded, workspace.Graph, workspace.Adapter.External, workspace.DeferredFor(models), workspace.Adapter.Open)
        {
            EmptyInputs = workspace.Options.Empty ? workspace.Adapter.Dialect.EmptySubquery : null,
            Reuse = workspace.Loaded.PartialParseKey is { } key ? CompiledSqlCache.Open(Path.Combine(workspace.TargetDir, "partial_compile.bin"), key) : null,
        };
        var files = new SqlFileWriter(workspace.TargetDir, workspace.Project.Name);
        var errors = new List<XformException>();
        var compiled = new CompiledNode?[models.Count];
        workspace.Timed("compile and write SQL", () => Parallel.For(0, models.Count, i =>
        {
            try
            {
                compiled[i] = compiler.Compile(models[i]);
                files.WriteCompiled(models[i], compiled[i]!.Sql);
            }
            catch (XformException e)
            {
                lock (errors) errors.Add(e);
            }
        }));
        if (errors.Count > 0) throw errors.Count == 1 ? errors[0] : new XformAggregateException(errors);
        var result = compiled.Select(c => c!).ToList();
        if (compiler.Reuse is { } reuse)
        {
            reuse.Save(workspace.Loaded.Session.EnvReads, workspace.Manifest.Nodes.Keys.ToHashSet(StringComparer.Ordinal));
            workspace.Debug($"partial compile: reused the SQL of {reuse.Counts.Reused} of {reuse.Counts.Reused + reuse.Counts.Rendered} models");
        }
        workspace.WriteManifest(result.ToDictionary(c => c.Node.UniqueId, c => c.Sql));
        return result;
    }
}
