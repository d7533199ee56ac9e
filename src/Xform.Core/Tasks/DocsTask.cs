using Xform.Core.Adapters;
using Xform.Core.Artifacts;
using Xform.Core.Compilation;
using Xform.Core.Diagnostics;
using Xform.Core.Docs;
using Xform.Core.Project;

namespace Xform.Core.Tasks;

/// <summary>What <c>xform docs generate</c> wrote and found.</summary>
public sealed record DocsOutcome(string CatalogPath, string HtmlPath, Catalog Catalog, int CompileFailures, int? LineageColumns, int? ResolvedColumns);

/// <summary>
/// <c>xform docs generate</c> and <c>docs lineage --columns</c>: the catalog read from the engine, column lineage
/// through the adapter's SQL parser, catalog.json and the self-contained docs page.
/// </summary>
public static class DocsTask
{
    /// <summary>Compiles every node it can (a failure is a warning and counted), reads the catalog, writes catalog.json and index.html.</summary>
    public static DocsOutcome Generate(Workspace workspace, Action<string> warn, string version)
    {
        var graph = workspace.Graph;
        var compiler = new Compiler(workspace.Loaded, graph, workspace.Adapter.External, open: () => workspace.Connect());
        var compiled = new Dictionary<string, string?>(StringComparer.Ordinal);
        var failures = 0;
        foreach (var id in graph.Order)
        {
            var node = graph.Manifest.Nodes[id];
            if (node.ResourceType is ResourceType.Source or ResourceType.Seed) continue;
            try
            {
                compiled[id] = compiler.Compile(node).Sql;
            }
            catch (XformException e)
            {
                failures++;
                warn($"{node.Name}: could not compile: {e.Message}");
            }
        }
        var catalog = ReadCatalog(workspace, compiler, warn);
        foreach (var e in catalog.Errors) warn($"catalog: {e}");
        var found = Lineage(workspace, catalog, null, warn);
        var lineage = found ?? new Dictionary<string, NodeLineage>();

        Directory.CreateDirectory(workspace.TargetDir);
        var now = DateTime.UtcNow;
        var catalogPath = Path.Combine(workspace.TargetDir, "catalog.json");
        File.WriteAllText(catalogPath, CatalogBuilder.ToJson(catalog, now, workspace.InvocationId, version));
        var htmlPath = Path.Combine(workspace.TargetDir, "index.html");
        File.WriteAllText(htmlPath, DocsSite.Html(DocsSite.Data(graph, catalog, n => compiled.GetValueOrDefault(n.UniqueId), lineage, now)));
        return new DocsOutcome(catalogPath, htmlPath, catalog, failures,
            found is null ? null : lineage.Values.Sum(l => l.Columns.Count),
            found is null ? null : lineage.Values.Sum(l => l.Columns.Count(c => c.IsComplete)));
    }

    /// <summary>The engine's view of the project's relations; empty (with a warning) when the database cannot be read.</summary>
    public static Catalog ReadCatalog(Workspace workspace, Compiler compiler, Action<string> warn)
    {
        try
        {
            // a connection error comes from Open, or (an engine without sessions: Snowflake) from the first query
            using var connection = workspace.Connect();
            return CatalogBuilder.Build(workspace.Manifest, connection, workspace.Adapter.Quote, node =>
            {
                try
                {
                    return compiler.SourceRelation(node);
                }
                catch (XformException)
                {
                    return null;
                }
            });
        }
        catch (XformException e)
        {
            // The page is still useful without the engine (columns from YAML and SQL); say why types are missing.
            warn($"catalog: could not read the database, so column types and row counts are missing: {e.Message}");
            return Catalog.Empty with { Errors = [$"could not connect: {e.Message}"] };
        }
    }

    /// <summary>
    /// Column lineage from the compiled SQL, with sources read in place written as their relation names; null (said once)
    /// when the adapter has no parser for its engine's SQL.
    /// </summary>
    public static IReadOnlyDictionary<string, NodeLineage>? Lineage(Workspace workspace, Catalog catalog, IReadOnlySet<string>? only, Action<string> warn)
    {
        var adapter = workspace.Adapter;
        using var parser = adapter.OpenLineageParser();
        if (parser is null)
        {
            warn($"no column lineage: the {adapter.Type} adapter has no SQL parser for it");
            return null;
        }
        var sources = workspace.Manifest.Of(ResourceType.Source).Where(s => s.Source is not null)
            .ToDictionary(s => (s.Source!.SourceName, s.Name));
        var lineageCompiler = new Compiler(workspace.Loaded, workspace.Graph, (info, _) =>
            sources.TryGetValue((info.SourceName, info.TableName), out var s) ? s.Relation.Render(adapter.Quote)
                : throw new XformException($"unknown source {info.SourceName}.{info.TableName}"));
        return ProjectLineage.Build(workspace.Graph, catalog, n => lineageCompiler.Compile(n).Sql, parser, only);
    }
}
