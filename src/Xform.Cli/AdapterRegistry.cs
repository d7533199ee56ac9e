using Xform.Adapters.DuckDb;
using Xform.Adapters.Snowflake;
using Xform.Adapters.Postgres;
using Xform.Core.Adapters;
using Xform.Core.Diagnostics;
using Xform.Core.Project;

namespace Xform.Cli;

/// <summary>The adapters this build of xform can connect with, by profile <c>type</c>. One line each.</summary>
static class AdapterRegistry
{
    static readonly Dictionary<string, AdapterFactory> Factories = new(StringComparer.Ordinal)
    {
        ["duckdb"] = (target, root) => new DuckDbAdapter(target, root),
        ["snowflake"] = (target, root) => new SnowflakeAdapter(target, root),
        ["postgres"] = (target, root) => new PostgresAdapter(target, root),
    };

    public static IAdapter Create(TargetConfig target, string projectRoot)
    {
        if (Factories.TryGetValue(target.Type, out var create)) return create(target, projectRoot);
        var hint = Suggestions.DidYouMean(target.Type, Factories.Keys);
        throw new XformException(
            $"target '{target.Name}' has type '{target.Type}', which this build of xform cannot connect to; supported: {string.Join(", ", Factories.Keys)}" +
            (hint.Length > 0 ? "." + hint : ""), target.At("type"));
    }
}
