namespace Xform.Core.Diagnostics;

/// <summary>
/// dbt's secret environment variables: any whose name starts with <c>DBT_ENV_SECRET</c> (a git token in
/// packages.yml, a password in profiles.yml). Their values are replaced by <c>*****</c> in everything xform prints,
/// as dbt scrubs them, so an error that echoes a rendered url or a driver message cannot leak one.
/// </summary>
public static class Secrets
{
    public const string Prefix = "DBT_ENV_SECRET";
    public const string Mask = "*****";

    /// <summary>The secret values set now, longest first (so a value containing another is masked whole).</summary>
    public static IReadOnlyList<string> Values() =>
        Environment.GetEnvironmentVariables().Keys.OfType<string>()
            .Where(k => k.StartsWith(Prefix, StringComparison.Ordinal))
            .Select(Environment.GetEnvironmentVariable)
            .OfType<string>()
            .Where(v => v.Length > 0)
            .OrderByDescending(v => v.Length)
            .ToList();

    public static string Scrub(string text, IReadOnlyList<string> values)
    {
        foreach (var v in values) text = text.Replace(v, Mask, StringComparison.Ordinal);
        return text;
    }
}
