using System.Text.RegularExpressions;

namespace Xform.Adapters.Snowflake.Tests;

/// <summary>
/// The privileges <see cref="FakeSnowflake"/> keeps, as Snowflake documents them: <c>grant P on X to [role] R</c>,
/// <c>revoke P on X from [role] R</c> and <c>show grants on X</c> (rows with SHOW GRANTS' columns, the owner's
/// OWNERSHIP among them); a <c>create or replace</c> of X without <c>copy grants</c>, or a drop, takes X's grants
/// away. Object and role names are compared as Snowflake resolves them: unquoted ones in upper case.
/// </summary>
public sealed partial class FakeSnowflakeGrants
{
    readonly object _gate = new();
    readonly List<(string Object, string Privilege, string Grantee)> _held = [];

    /// <summary>The grants on an object (its name as written in SQL), as "PRIVILEGE:GRANTEE", for assertions.</summary>
    public IReadOnlyList<string> On(string name)
    {
        lock (_gate) return _held.Where(g => g.Object == Name(name)).Select(g => $"{g.Privilege}:{g.Grantee}").Order(StringComparer.Ordinal).ToList();
    }

    /// <summary>
    /// Applies <paramref name="sql"/> if it is a grant or revoke (true: done); for a <c>show grants</c>, gives the query that
    /// answers it in <paramref name="query"/>; tracks the replacements and drops that take grants away (and strips
    /// <c>copy grants</c>, which DuckDB does not read, from <paramref name="sql"/>).
    /// </summary>
    public bool Handle(ref string sql, out string? query)
    {
        query = null;
        lock (_gate)
        {
            if (Grant().Match(sql) is { Success: true } g)
            {
                var (privilege, obj) = (g.Groups[2].Value.ToUpperInvariant(), Name(g.Groups[3].Value));
                foreach (var grantee in g.Groups[4].Value.Split(',').Select(Name))
                {
                    var entry = (obj, privilege, grantee);
                    if (g.Groups[1].Value.Equals("revoke", StringComparison.OrdinalIgnoreCase)) _held.Remove(entry);
                    else if (!_held.Contains(entry)) _held.Add(entry);
                }
                return true;
            }
            if (Show().Match(sql) is { Success: true } s)
            {
                var obj = Name(s.Groups[1].Value);
                var rows = _held.Where(h => h.Object == obj).Select(h => (h.Privilege, h.Grantee)).Prepend(("OWNERSHIP", "XFORM_ROLE"))
                    .Select(r => $"('{r.Item1}', 'TABLE', '{obj}', 'ROLE', '{r.Item2}', 'false', 'XFORM_ROLE')");
                query = "select * from (values " + string.Join(", ", rows) +
                        ") as t(\"privilege\", \"granted_on\", \"name\", \"granted_to\", \"grantee_name\", \"grant_option\", \"granted_by\")";
                return false;
            }
            if (Replace().Match(sql) is { Success: true } r)
            {
                if (Copy().IsMatch(sql)) sql = Copy().Replace(sql, " as (", 1);
                else _held.RemoveAll(h => h.Object == Name(r.Groups[1].Value));
            }
            else if (Drop().Match(sql) is { Success: true } d)
                _held.RemoveAll(h => h.Object == Name(d.Groups[1].Value));
            return false;
        }
    }

    /// <summary>A name as Snowflake resolves it: quoted parts as written, unquoted ones in upper case.</summary>
    static string Name(string written) =>
        string.Join(".", Part().Matches(written.Trim()).Select(m => m.Groups[1].Success ? m.Groups[1].Value : m.Groups[2].Value.ToUpperInvariant()));

    [GeneratedRegex(@"""([^""]+)""|([A-Za-z0-9_$]+)")]
    private static partial Regex Part();

    [GeneratedRegex(@"^\s*(grant|revoke)\s+(\w+)\s+on\s+(?:table\s+|view\s+)?(\S+)\s+(?:to|from)\s+(?:role\s+)?(.+?)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex Grant();

    [GeneratedRegex(@"^\s*show\s+grants\s+on\s+(?:table\s+|view\s+)?(\S+)\s*$", RegexOptions.IgnoreCase)]
    private static partial Regex Show();

    [GeneratedRegex(@"^\s*create\s+or\s+replace\s+(?:transient\s+)?(?:table|view)\s+(\S+)", RegexOptions.IgnoreCase)]
    private static partial Regex Replace();

    [GeneratedRegex(@"\s+copy\s+grants\s+as\s+\(", RegexOptions.IgnoreCase)]
    private static partial Regex Copy();

    [GeneratedRegex(@"^\s*drop\s+(?:table|view)\s+(?:if\s+exists\s+)?(\S+)", RegexOptions.IgnoreCase)]
    private static partial Regex Drop();
}
