using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Text.Json;
using Xform.Core.Diagnostics;
using Xform.Core.Parsing;
using Xform.Core.Project;

namespace Xform.Core.Packages;

/// <summary>One release of a hub package: the project name it installs as, where its tarball is, what it needs.</summary>
public sealed record HubRelease(SemanticVersion Version, string ProjectName, string Tarball, IReadOnlyList<HubPackage> Packages, IReadOnlyList<string> RequireDbtVersion);

/// <summary>The network could not be reached: the installer may fall back to a copy already in place.</summary>
public sealed class PackageSourceUnreachable(string message, SourceLocation location) : XformException(message, location);

/// <summary>
/// The dbt package hub's API, as dbt reads it: <c>api/v1/&lt;owner&gt;/&lt;name&gt;.json</c> lists every release
/// with its tarball and dependencies; <c>api/v1/index.json</c> lists every package. The base address is dbt's,
/// or <c>DBT_PACKAGE_HUB_URL</c> as in dbt (a mirror, or a test's stand-in). Tarballs (hub releases and
/// <c>tarball:</c> packages) are downloaded over HTTP and unpacked here.
/// </summary>
public sealed class PackageHub
{
    const string DefaultUrl = "https://hub.getdbt.com/";
    const long MaxDownloadBytes = 200L * 1024 * 1024;
    static readonly HttpClient Http = new() { Timeout = TimeSpan.FromSeconds(30) };

    readonly string _baseUrl;
    readonly Dictionary<string, IReadOnlyList<HubRelease>> _releases = new(StringComparer.OrdinalIgnoreCase);

    public PackageHub(string baseUrl) => _baseUrl = baseUrl.EndsWith('/') ? baseUrl : baseUrl + "/";

    public static PackageHub FromEnvironment() =>
        new(Environment.GetEnvironmentVariable("DBT_PACKAGE_HUB_URL") is { Length: > 0 } url ? url : DefaultUrl);

    /// <summary>Every release of a package the hub lists (read once per deps).</summary>
    public IReadOnlyList<HubRelease> Releases(HubPackage spec)
    {
        if (_releases.TryGetValue(spec.Name, out var known)) return known;
        var url = $"{_baseUrl}api/v1/{spec.Name}.json";
        var json = Get(url, spec, $"the package hub ({_baseUrl})", out var status);
        if (status == HttpStatusCode.NotFound)
            throw new XformException($"package '{spec.Name}' is not on the package hub ({_baseUrl}).{Suggest(spec)}", spec.Location);
        var releases = ReadReleases(json!, spec, url);
        _releases[spec.Name] = releases;
        return releases;
    }

    string Suggest(HubPackage spec)
    {
        try
        {
            var json = Get($"{_baseUrl}api/v1/index.json", spec, "the package hub", out var status);
            if (status != HttpStatusCode.OK) return "";
            using var doc = JsonDocument.Parse(json!);
            return Suggestions.DidYouMean(spec.Name, doc.RootElement.EnumerateArray().Select(e => e.GetString() ?? ""));
        }
        catch (Exception e) when (e is XformException or JsonException or InvalidOperationException)
        {
            return ""; // the hint is a courtesy; the error above stands
        }
    }

    static List<HubRelease> ReadReleases(byte[] json, HubPackage spec, string url)
    {
        try
        {
            using var doc = JsonDocument.Parse(json);
            var releases = new List<HubRelease>();
            foreach (var version in doc.RootElement.GetProperty("versions").EnumerateObject())
            {
                if (SemanticVersion.Parse(version.Name) is not { } v) continue; // a tag the hub lists but no semantic version
                var info = version.Value;
                var deps = info.TryGetProperty("packages", out var p) && p.ValueKind == JsonValueKind.Array
                    ? p.EnumerateArray().Where(d => d.TryGetProperty("package", out _)).Select(d => new HubPackage(
                        d.GetProperty("package").GetString()!, Strings(d, "version"), false, spec.Location)).ToList()
                    : [];
                releases.Add(new HubRelease(v, info.GetProperty("name").GetString()!,
                    info.GetProperty("downloads").GetProperty("tarball").GetString()!, deps, Strings(info, "require_dbt_version")));
            }
            return releases;
        }
        catch (Exception e) when (e is JsonException or KeyNotFoundException or InvalidOperationException)
        {
            throw new XformException($"the package hub's answer for '{spec.Name}' ({url}) is not what dbt's hub sends: {e.Message}", spec.Location);
        }
    }

    static List<string> Strings(JsonElement owner, string key) =>
        !owner.TryGetProperty(key, out var v) ? []
        : v.ValueKind == JsonValueKind.Array ? v.EnumerateArray().Select(x => x.GetString() ?? "").ToList()
        : v.ValueKind == JsonValueKind.String ? [v.GetString()!]
        : [];

    /// <summary>
    /// Downloads a <c>.tar.gz</c> and unpacks it into <paramref name="into"/>; returns its one top folder, as dbt
    /// expects. Messages name the url as written (<paramref name="shown"/>), never with a rendered credential.
    /// </summary>
    public static string DownloadPackage(string url, string shown, PackageSpec spec, string into)
    {
        var bytes = Get(url, spec, shown, out var status);
        if (status != HttpStatusCode.OK) throw new XformException($"cannot install '{spec.Describe()}': {shown} answered HTTP {(int)status}", spec.Location);
        Directory.CreateDirectory(into);
        try
        {
            using var gzip = new GZipStream(new MemoryStream(bytes!), CompressionMode.Decompress);
            // Refuses entries that would land outside the folder ("../"), as a downloaded archive must not write elsewhere.
            TarFile.ExtractToDirectory(gzip, into, overwriteFiles: false);
        }
        catch (Exception e) when (e is InvalidDataException or IOException or FormatException or UnauthorizedAccessException)
        {
            throw new XformException($"cannot install '{spec.Describe()}': {shown} is not a readable .tar.gz archive ({e.Message})", spec.Location);
        }
        var top = Directory.GetDirectories(into);
        if (top.Length != 1 || Directory.GetFiles(into).Length > 0)
            throw new XformException(
                $"cannot install '{spec.Describe()}': the archive must hold one folder with the package inside (found {top.Length} folders and {Directory.GetFiles(into).Length} files at its top)",
                spec.Location);
        return top[0];
    }

    /// <summary>GETs a resource's bytes (null when it is not found); a network failure is <see cref="PackageSourceUnreachable"/>. Messages name <paramref name="what"/>, not the url.</summary>
    static byte[]? Get(string url, PackageSpec spec, string what, out HttpStatusCode status)
    {
        try
        {
            using var response = Http.Send(new HttpRequestMessage(HttpMethod.Get, url));
            status = response.StatusCode;
            if (status == HttpStatusCode.NotFound) return null;
            if (!response.IsSuccessStatusCode)
                throw new XformException($"cannot install '{spec.Describe()}': {what} answered HTTP {(int)status}", spec.Location);
            if (response.Content.Headers.ContentLength > MaxDownloadBytes)
                throw new XformException($"cannot install '{spec.Describe()}': {what} is larger than {MaxDownloadBytes / 1024 / 1024} MB", spec.Location);
            using var stream = response.Content.ReadAsStream();
            using var copy = new MemoryStream();
            stream.CopyTo(copy);
            return copy.ToArray();
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or IOException)
        {
            throw new PackageSourceUnreachable(
                $"cannot install '{spec.Describe()}': {what} cannot be reached ({Reason(e)}). If this machine is offline, vendor the package: " +
                "put its folder (with its dbt_project.yml) under the install path, or declare it as a local: package", spec.Location);
        }
    }

    static string Reason(Exception e) => e is TaskCanceledException ? "no answer within 30 s" : e.InnerException?.Message ?? e.Message;
}
