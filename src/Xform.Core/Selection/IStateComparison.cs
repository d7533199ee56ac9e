using Xform.Core.Project;

namespace Xform.Core.Selection;

/// <summary>
/// What <c>state:</c> selectors ask of a previous run. Implemented where manifests are read (Artifacts), so
/// selection never depends on an artifact's format.
/// </summary>
public interface IStateComparison
{
    /// <summary>The previous run has no node of this id.</summary>
    bool IsNew(Node node);

    /// <summary>New or changed in the given part (<c>body</c>, <c>configs</c>, ...; empty for any part).</summary>
    bool IsModified(Node node, string sub);
}
