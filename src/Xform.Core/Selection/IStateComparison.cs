using Xform.Core.Project;

namespace Xform.Core.Selection;

/// <summary>
/// What <c>state:</c>, <c>result:</c> and <c>source_status:</c> selectors ask of a previous run. Implemented where
/// artifacts are read (Artifacts), so selection never depends on an artifact's format.
/// </summary>
public interface IStateComparison
{
    /// <summary>The previous run has no node of this id.</summary>
    bool IsNew(Node node);

    /// <summary>New or changed in the given part (<c>body</c>, <c>configs</c>, ...; empty for any part).</summary>
    bool IsModified(Node node, string sub);

    /// <summary>Each node's status in the previous run's results (<c>success</c>, <c>error</c>, <c>fail</c>, ...), by id.</summary>
    IReadOnlyDictionary<string, string> PreviousResults();

    /// <summary>The sources whose newest row is newer now than at the previous freshness check (dbt's <c>source_status:fresher</c>).</summary>
    IReadOnlySet<string> FresherSources();
}
