namespace Xform.Core.Adapters;

/// <summary>
/// What a connection adds to the statements it sends for the node running on it, so warehouse query history shows which
/// node ran what: dbt's query comment (<c>/* ... */</c> before the statement, or after it with <paramref name="Append"/>)
/// and Snowflake's <c>query_tag</c> from the node's config (other engines have no such tag).
/// </summary>
/// <param name="Comment">the rendered comment; null or empty: none</param>
public sealed record QueryAnnotation(string? Comment, bool Append, string? QueryTag = null)
{
    /// <summary><paramref name="sql"/> with the comment, as dbt adds it: appended before a final ';', else prepended.</summary>
    public string Apply(string sql)
    {
        if (string.IsNullOrEmpty(Comment) || string.IsNullOrWhiteSpace(sql)) return sql;
        if (!Append) return $"/* {Comment} */\n{sql}";
        var trimmed = sql.TrimEnd();
        return trimmed.EndsWith(';') ? $"{trimmed[..^1]}\n/* {Comment} */;" : $"{trimmed}\n/* {Comment} */";
    }

    /// <summary>How many characters <see cref="Apply"/> puts before the statement (to map an engine's error position back).</summary>
    public int PrefixLength => string.IsNullOrEmpty(Comment) || Append ? 0 : Comment.Length + 7;
}
