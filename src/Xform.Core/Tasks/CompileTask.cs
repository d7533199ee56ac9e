using System.Globalization;
using Xform.Core.Compilation;
using Xform.Core.Diagnostics;
using Xform.Core.Project;

namespace Xform.Core.Tasks;

/// <summary>What a compile did: how many models and analyses it compiled, and the SQL of the only one when it compiled one.</summary>
public sealed record CompileResult(int Models, int Analyses, string? OnlySql);

/// <summary><c>xform compile</c>: renders the selected models and analyses to target/compiled and records them in manifest.json.</summary>
public static class CompileTask
{
    /// <summary>Every error of every model is reported together.</summary>
    public static CompileResult Run(Workspace workspace)
    {
        var outputs = new CommandOutputs(workspace, "compile",
            workspace.Options.Select.Append("\0").Concat(workspace.Options.Exclude).Append("\0").Append(workspace.Options.Selector));
        if (outputs.Replay() is { } facts)
        {
            workspace.Debug("compile: nothing changed since the same compile: its SQL files and manifest.json are current");
            CompilePatch.Replayed(workspace, outputs);
            return Reported(workspace, facts);
        }
        if (CompilePatch.TryRun(workspace, outputs, compile: true) is { } patched) return Reported(workspace, patched);
        // The saved SQL is read while the project is read back or parsed (the key is the saved parse's, known already).
        var saved = workspace.Prepared.Key is { } key ? Task.Run(() => CompiledSqlCache.Open(Path.Combine(workspace.TargetDir, "partial_compile.bin"), key)) : null;
        var stamps = Task.Run(() => CompiledFileStamps.Open(workspace.TargetDir));
        _ = workspace.Graph; // parsed and built first, so the timing of the selection is its own
        var models = workspace.Timed("select", () => workspace.Selected(ResourceType.Model, ResourceType.Analysis));
        var compiler = new Compiler(workspace.Loaded, workspace.Graph, workspace.Adapter.External, workspace.DeferredFor(models), () => workspace.Connect())
        {
            EmptyInputs = workspace.Options.Empty ? workspace.Adapter.Dialect.EmptySubquery : null,
            Reuse = saved?.GetAwaiter().GetResult(),
        };
        var known = stamps.GetAwaiter().GetResult();
        var files = new SqlFileWriter(workspace.TargetDir, workspace.Project.Name) { Stamps = known };
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
        known.Save(); // the files written so far, whatever the errors
        if (compiler.FromParse > 0) workspace.Debug($"compile: the SQL of {compiler.FromParse} of {models.Count} models was what their parse render printed");
        if (errors.Count > 0) throw errors.Count == 1 ? errors[0] : new XformAggregateException(errors);
        var result = compiled.Select(c => c!).ToList();
        if (compiler.Reuse is { } reuse)
        {
            reuse.Save(workspace.Loaded.Session.EnvReads, workspace.Manifest.Nodes.Keys.ToHashSet(StringComparer.Ordinal));
            workspace.Debug($"partial compile: reused the SQL of {reuse.Counts.Reused} of {reuse.Counts.Reused + reuse.Counts.Rendered} models");
        }
        var code = result.ToDictionary(c => c.Node.UniqueId, c => c.Sql);
        var nodesSaved = CompilePatch.SaveNodes(workspace);
        var manifestKey = workspace.WriteManifest(code);
        var analyses = result.Count(c => c.Node.ResourceType == ResourceType.Analysis);
        var done = new CompileResult(result.Count - analyses, analyses, workspace.Options.Select.Count > 0 && result.Count == 1 ? result[0].Sql : null);
        var paths = result.Select(c => files.CompiledPath(c.Node)).ToList();
        var reported = new Dictionary<string, string>(StringComparer.Ordinal)
        {
            ["models"] = done.Models.ToString(CultureInfo.InvariantCulture),
            ["analyses"] = done.Analyses.ToString(CultureInfo.InvariantCulture),
        };
        if (done.OnlySql is not null) reported["only"] = Path.GetRelativePath(workspace.TargetDir, paths[0]);
        var kept = outputs.Keep(manifestKey, pure: !compiler.ReadOutside, paths, reported);
        CompilePatch.Remember(workspace, outputs, kept, code, nodesSaved);
        return done;
    }

    /// <summary>What a compile reported, as its note holds it (<see cref="CommandOutputs"/>).</summary>
    static CompileResult Reported(Workspace workspace, IReadOnlyDictionary<string, string> facts) =>
        new(int.Parse(facts["models"], CultureInfo.InvariantCulture), int.Parse(facts["analyses"], CultureInfo.InvariantCulture),
            facts.TryGetValue("only", out var only) ? File.ReadAllText(Path.Combine(workspace.TargetDir, only)) : null);
}
