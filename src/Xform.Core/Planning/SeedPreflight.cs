using System.Collections.Concurrent;
using Xform.Core.Diagnostics;
using Xform.Core.Project;
using Xform.Core.Seeds;

namespace Xform.Core.Planning;

/// <summary>
/// Reads every seed file of a plan before the first statement runs: the one streaming pass of
/// <see cref="SeedAnalyzer"/> (structure, encoding, widths, column_types, inferred types). A bad file is a user error
/// reported with the others, all at once, and nothing has touched the database; a good file's schema goes into the
/// plan, so loading it reads the file only for the bulk load, as before.
/// </summary>
public static class SeedPreflight
{
    /// <summary>The plan with the schema of each of its seeds; throws every seed file's first mistake at once.</summary>
    public static ExecutionPlan Check(ExecutionPlan plan, string projectRoot, SeedTypeNames names, int threads)
    {
        var seeds = plan.Nodes.Where(n => n.ResourceType == ResourceType.Seed).ToList();
        if (seeds.Count == 0) return plan;
        var schemas = new ConcurrentDictionary<string, SeedSchema>(StringComparer.Ordinal);
        var errors = new ConcurrentBag<XformException>();
        Parallel.ForEach(seeds, new ParallelOptions { MaxDegreeOfParallelism = Math.Max(1, threads) }, seed =>
        {
            var file = seed.OriginalFilePath;
            try
            {
                var options = SeedOptions.From(seed.Config, file);
                schemas[seed.UniqueId] = SeedAnalyzer.Analyze(Path.Combine(projectRoot, file), file, options, names);
            }
            catch (XformException e)
            {
                errors.Add(e);
            }
            catch (Exception e) when (e is IOException or UnauthorizedAccessException)
            {
                errors.Add(new XformException($"cannot read the seed file: {e.Message}", new SourceLocation(file, 0, 0)));
            }
        });
        if (!errors.IsEmpty)
        {
            var ordered = errors.OrderBy(e => e.Location.File, StringComparer.Ordinal).ThenBy(e => e.Location.Line).ToList();
            throw ordered.Count == 1 ? ordered[0] : new XformAggregateException(ordered);
        }
        return plan with { SeedSchemas = schemas };
    }
}
