using Xform.Core.Adapters;
using Xform.Core.Project;

namespace Xform.Adapters.Conformance;

/// <summary>
/// What an adapter's test project provides once, to run every conformance fixture on its engine: the
/// profiles.yml output block of a throwaway project, and how to create the adapter that reads results back.
/// </summary>
public abstract class ConformanceTarget
{
    /// <summary>The profile <c>type</c>.</summary>
    public abstract string Type { get; }

    /// <summary>
    /// Why the engine cannot be tested here (a missing tool), or null. The tests are then ignored with this
    /// reason, printed, or failed with it when CI=true (<see cref="Xform.Tests.Unavailable"/>).
    /// </summary>
    public virtual string? SkipReason => null;

    /// <summary>
    /// The schema a throwaway project builds into: by default <paramref name="fresh"/>, a new name per project (so
    /// projects sharing a database never see each other's relations). An engine with one database per project
    /// may keep its default schema.
    /// </summary>
    public virtual string Schema(string fresh) => fresh;

    /// <summary>
    /// A known engine or core issue that makes the named conformance test fail here, or null. The test is
    /// then ignored with this reason (printed), so the gap stays visible until it is fixed.
    /// </summary>
    public virtual string? KnownIssue(string testName) => null;

    /// <summary>
    /// The settings of the <c>dev</c> output for a project in <paramref name="projectDir"/> that builds into
    /// <paramref name="schema"/> (a fresh name per project, so projects never see each other's relations).
    /// <c>type</c> is added from <see cref="Type"/>.
    /// </summary>
    public abstract IReadOnlyDictionary<string, string> Output(string projectDir, string schema);

    /// <summary>
    /// The settings of a pull request's <c>ci</c> output beside <see cref="Output"/>'s production (<c>--defer</c> tests): by
    /// default the same database, another schema; DuckDB overrides it with a file of its own.
    /// </summary>
    public virtual IReadOnlyDictionary<string, string> CiOutput(string projectDir, string schema) => Output(projectDir, schema + "_ci");

    /// <summary>The schema the <c>ci</c> output builds into.</summary>
    public virtual string CiSchema(string schema) => schema + "_ci";

    /// <summary>The adapter for the project's target, used to read results back through the adapter's own connection.</summary>
    public abstract IAdapter CreateAdapter(TargetConfig target, string projectRoot);

    /// <summary>
    /// persist_docs: a query returning the comments of relation <paramref name="relation"/> in <paramref name="schema"/> (names
    /// as the suite writes them, in lower case), one row per comment: the column's name in lower case (null for the relation
    /// itself) and the comment. Each engine reads its own catalog.
    /// </summary>
    public abstract string CommentsQuery(string schema, string relation);
}
