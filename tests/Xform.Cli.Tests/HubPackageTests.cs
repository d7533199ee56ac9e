using System.Formats.Tar;
using System.IO.Compression;
using System.Net;
using System.Net.Sockets;
using System.Text;
using System.Text.Json;

namespace Xform.Cli.Tests;

/// <summary>
/// <c>xform deps</c> with hub and tarball packages, against a stand-in for the dbt package hub that answers as
/// dbt's hub API does (<c>api/v1/&lt;owner&gt;/&lt;name&gt;.json</c> with each release's tarball and
/// dependencies, <c>api/v1/index.json</c>), serving tarballs laid out as the hub's are (one top folder, a pax
/// global header first). The hub's address comes from <c>DBT_PACKAGE_HUB_URL</c>, as in dbt.
/// </summary>
[NonParallelizable]
public class HubPackageTests
{
    /// <summary>A tiny HTTP server holding files by path.</summary>
    sealed class StandInHub : IDisposable
    {
        readonly HttpListener _listener = new();
        readonly Dictionary<string, byte[]> _files = new();
        readonly Dictionary<string, Dictionary<string, object>> _packages = new();
        public List<string> Requests { get; } = [];

        public StandInHub()
        {
            var probe = new TcpListener(IPAddress.Loopback, 0);
            probe.Start();
            var port = ((IPEndPoint)probe.LocalEndpoint).Port;
            probe.Stop();
            Url = $"http://127.0.0.1:{port}/";
            _listener.Prefixes.Add(Url);
            _listener.Start();
            _ = Task.Run(Serve);
        }

        public string Url { get; }

        async Task Serve()
        {
            while (_listener.IsListening)
            {
                HttpListenerContext context;
                try { context = await _listener.GetContextAsync(); }
                catch (Exception) { return; }
                var path = context.Request.Url!.AbsolutePath.TrimStart('/');
                lock (Requests) Requests.Add(path);
                byte[]? body;
                lock (_files) body = _files.GetValueOrDefault(path);
                context.Response.StatusCode = body is null ? 404 : 200;
                if (body is not null) await context.Response.OutputStream.WriteAsync(body);
                context.Response.Close();
            }
        }

        /// <summary>Publishes a release: its tarball (a folder holding a dbt project) and its entry in the package's JSON.</summary>
        public void Publish(string package, string version, string projectName, Dictionary<string, string> files,
            object[]? dependencies = null, string[]? requireDbt = null)
        {
            var project = $"name: {projectName}\nversion: '{version}'\nmacro-paths: ['macros']\n";
            var tarPath = $"tarballs/{package.Replace('/', '-')}-{version}.tar.gz";
            var tarball = Tarball($"{package.Replace('/', '-')}-{version}", new Dictionary<string, string>(files) { ["dbt_project.yml"] = project });
            lock (_files)
            {
                _files[tarPath] = tarball;
                if (!_packages.TryGetValue(package, out var versions)) _packages[package] = versions = new();
                versions[version] = new Dictionary<string, object?>
                {
                    ["id"] = $"{package}/{version}", ["name"] = projectName, ["version"] = version,
                    ["packages"] = dependencies ?? [], ["require_dbt_version"] = requireDbt ?? [">=1.0.0", "<2.0.0"],
                    ["downloads"] = new Dictionary<string, string> { ["tarball"] = Url + tarPath },
                };
                _files[$"api/v1/{package}.json"] = JsonSerializer.SerializeToUtf8Bytes(new Dictionary<string, object>
                {
                    ["name"] = package[(package.IndexOf('/') + 1)..], ["namespace"] = package[..package.IndexOf('/')], ["versions"] = versions,
                });
                _files["api/v1/index.json"] = JsonSerializer.SerializeToUtf8Bytes(_packages.Keys.ToList());
            }
        }

        public void Serve(string path, byte[] body)
        {
            lock (_files) _files[path] = body;
        }

        public void Dispose() => _listener.Close();
    }

    /// <summary>A .tar.gz with a pax global header (as GitHub's archives have) and one top folder.</summary>
    static byte[] Tarball(string top, Dictionary<string, string> files, string? secondTop = null)
    {
        var output = new MemoryStream();
        using (var gzip = new GZipStream(output, CompressionLevel.Fastest, leaveOpen: true))
        using (var tar = new TarWriter(gzip, TarEntryFormat.Pax))
        {
            tar.WriteEntry(new PaxGlobalExtendedAttributesTarEntry(new Dictionary<string, string> { ["comment"] = "0123abcd" }));
            foreach (var folder in secondTop is null ? [top] : new[] { top, secondTop })
            {
                tar.WriteEntry(new PaxTarEntry(TarEntryType.Directory, folder + "/"));
                foreach (var (path, text) in files)
                    tar.WriteEntry(new PaxTarEntry(TarEntryType.RegularFile, $"{folder}/{path}") { DataStream = new MemoryStream(Encoding.UTF8.GetBytes(text)) });
            }
        }
        return output.ToArray();
    }

    static StandInHub HubWithTwoPackages()
    {
        var hub = new StandInHub();
        foreach (var v in new[] { "1.0.0", "1.1.0", "1.2.0", "2.0.0", "2.1.0-b1" })
            hub.Publish("acme/core_utils", v, "core_utils", new() { ["macros/v.sql"] = $"{{% macro version() %}}'{v}'{{% endmacro %}}" });
        // A release that needs a newer dbt than xform speaks for: never chosen.
        hub.Publish("acme/core_utils", "1.1.9", "core_utils", new() { ["macros/v.sql"] = "{% macro version() %}'1.1.9'{% endmacro %}" }, requireDbt: [">=2.0.0"]);
        hub.Publish("acme/reporting", "0.5.0", "reporting", new() { ["macros/r.sql"] = "{% macro report() %}'r ' || {{ core_utils.version() }}{% endmacro %}" },
            dependencies: [new Dictionary<string, object> { ["package"] = "acme/core_utils", ["version"] = new[] { ">=1.0.0", "<1.2.0" } }]);
        return hub;
    }

    static CliResult Deps(TestProject p, string hubUrl)
    {
        var before = Environment.GetEnvironmentVariable("DBT_PACKAGE_HUB_URL");
        Environment.SetEnvironmentVariable("DBT_PACKAGE_HUB_URL", hubUrl);
        try { return p.Run("deps"); }
        finally { Environment.SetEnvironmentVariable("DBT_PACKAGE_HUB_URL", before); }
    }

    static TestProject Project(string packages)
    {
        var p = new TestProject("shop");
        p.Write("packages.yml", packages);
        p.Write("models/m.sql", "select {{ core_utils.version() }} as v, {{ reporting.report() }} as r");
        return p;
    }

    const string BothPackages =
        "packages:\n  - package: acme/reporting\n    version: \">=0.5.0\"\n  - package: acme/core_utils\n    version: [\">=1.0.0\", \"<3.0.0\"]\n";

    [Test]
    public void Hub_packages_resolve_to_one_version_that_meets_every_project_and_the_lock_pins_it()
    {
        using var hub = HubWithTwoPackages();
        using var p = Project(BothPackages);
        var r = Deps(p, hub.Url);
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        // The root allows <3.0.0, reporting <1.2.0: the newest release meeting both (1.1.9 needs dbt 2, 2.1.0-b1 is a prerelease).
        Assert.That(r.Out, Does.Contain("Installed core_utils from package: acme/core_utils [>=1.0.0, <3.0.0] at version 1.1.0"));
        Assert.That(r.Out, Does.Contain("Installed reporting from package: acme/reporting [>=0.5.0] at version 0.5.0"));
        Assert.That(hub.Requests, Has.None.Contains("1.1.9.tar").And.None.Contains("1.2.0.tar"));
        var lockText = p.Read("package-lock.yml");
        Assert.That(lockText, Does.Contain("- package: \"acme/core_utils\"\n    version: \"1.1.0\"\n    name: core_utils"));

        var run = p.Run("run");
        Assert.That(run.ExitCode, Is.Zero, run.ToString());
        Assert.That(p.Query("select v, r from m")[0], Is.EqualTo(new object?[] { "1.1.0", "r 1.1.0" }).AsCollection);

        // A newer release in range appears: the lock keeps 1.1.0 while packages.yml is unchanged.
        hub.Publish("acme/core_utils", "1.1.5", "core_utils", new() { ["macros/v.sql"] = "{% macro version() %}'1.1.5'{% endmacro %}" });
        Assert.That(Deps(p, hub.Url).ExitCode, Is.Zero);
        Assert.That(p.Read("package-lock.yml"), Is.EqualTo(lockText), "idempotent while the lock applies");
        Assert.That(p.Run("run").ExitCode, Is.Zero);
        Assert.That(p.Scalar("select v from m"), Is.EqualTo("1.1.0"));

        p.Write("packages.yml", BothPackages + "# edited\n");
        Assert.That(Deps(p, hub.Url).ExitCode, Is.Zero);
        Assert.That(p.Run("run").ExitCode, Is.Zero);
        Assert.That(p.Scalar("select v from m"), Is.EqualTo("1.1.5"), "packages.yml changed: resolved again");
    }

    [Test]
    public void Contradicting_requirements_name_every_one_and_leave_the_installed_packages_alone()
    {
        using var hub = HubWithTwoPackages();
        using var p = Project(BothPackages);
        Assert.That(Deps(p, hub.Url).ExitCode, Is.Zero);
        p.Write("packages.yml", "packages:\n  - package: acme/reporting\n    version: \">=0.5.0\"\n  - package: acme/core_utils\n    version: \">=1.2.0\"\n");
        var r = Deps(p, hub.Url);
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain("version error for package 'acme/core_utils': no version can meet every requirement on it")
            .And.Contain("[>=1.2.0] at packages.yml:4:").And.Contain("[>=1.0.0, <1.2.0]"));
        Assert.That(r.All, Does.Not.Contain("   at "));
        Assert.That(p.Read("dbt_packages/core_utils/macros/v.sql"), Does.Contain("'1.1.0'"), "nothing replaced");

        p.Write("packages.yml", "packages:\n  - package: acme/core_utils\n    version: \">=3.0.0\"\n");
        var none = Deps(p, hub.Url);
        Assert.That(none.ExitCode, Is.EqualTo(2));
        Assert.That(none.Err, Does.Contain("packages.yml:2:").And.Contain("no version of 'acme/core_utils' meets [>=3.0.0]").And.Contain("1.2.0, 2.0.0"));

        p.Write("packages.yml", "packages:\n  - package: acme/core_util\n    version: \"1.0.0\"\n");
        var unknown = Deps(p, hub.Url);
        Assert.That(unknown.ExitCode, Is.EqualTo(2));
        Assert.That(unknown.Err, Does.Contain("package 'acme/core_util' is not on the package hub").And.Contain("Did you mean 'acme/core_utils'?"));

        p.Write("packages.yml", "packages:\n  - package: acme/core_utils\n    version: \"~1.0\"\n");
        var bad = Deps(p, hub.Url);
        Assert.That(bad.ExitCode, Is.EqualTo(2));
        Assert.That(bad.Err, Does.Contain("packages.yml:3:").And.Contain("'~1.0' is not a version requirement"));
    }

    [Test]
    public void Offline_deps_says_how_to_vendor_and_keeps_a_vendored_copy()
    {
        using var p = Project("packages:\n  - package: acme/core_utils\n    version: [\">=1.0.0\", \"<2.0.0\"]\n");
        var closed = new TcpListener(IPAddress.Loopback, 0);
        closed.Start();
        var deadUrl = $"http://127.0.0.1:{((IPEndPoint)closed.LocalEndpoint).Port}/";
        closed.Stop();
        var r = Deps(p, deadUrl);
        Assert.That(r.ExitCode, Is.EqualTo(2), r.ToString());
        Assert.That(r.Err, Does.Contain("packages.yml:2:").And.Contain("the package hub (" + deadUrl + ") cannot be reached")
            .And.Contain("If this machine is offline, vendor the package"));

        p.Write("dbt_packages/core_utils/dbt_project.yml", "name: core_utils\nversion: '1.0.3'\n");
        p.Write("dbt_packages/core_utils/macros/v.sql", "{% macro version() %}'vendored'{% endmacro %}");
        var vendored = Deps(p, deadUrl);
        Assert.That(vendored.ExitCode, Is.Zero, vendored.ToString());
        Assert.That(p.Read("package-lock.yml"), Does.Contain("version: \"1.0.3\""));
        Assert.That(p.Read("dbt_packages/core_utils/macros/v.sql"), Does.Contain("vendored"));
    }

    [Test]
    public void A_tarball_package_installs_under_its_name_and_a_second_source_for_one_name_is_refused()
    {
        using var hub = HubWithTwoPackages();
        hub.Serve("files/extra.tar.gz", Tarball("extra-main", new()
        {
            ["dbt_project.yml"] = "name: extra\nversion: '0.1.0'\n",
            ["macros/e.sql"] = "{% macro e() %}'extra'{% endmacro %}",
        }));
        hub.Serve("files/two.tar.gz", Tarball("a", new() { ["dbt_project.yml"] = "name: a\n" }, secondTop: "b"));
        using var p = new TestProject("shop");
        p.Write("packages.yml", $"packages:\n  - tarball: {hub.Url}files/extra.tar.gz\n    name: extra\n");
        p.Write("models/m.sql", "select {{ extra.e() }} as e");
        var r = Deps(p, hub.Url);
        Assert.That(r.ExitCode, Is.Zero, r.ToString());
        Assert.That(p.Read("package-lock.yml"), Does.Contain($"- tarball: \"{hub.Url}files/extra.tar.gz\"\n    name: extra"));
        Assert.That(p.Run("run").ExitCode, Is.Zero);
        Assert.That(p.Scalar("select e from m"), Is.EqualTo("extra"));

        p.Write("packages.yml", $"packages:\n  - tarball: {hub.Url}files/two.tar.gz\n    name: two\n");
        var two = Deps(p, hub.Url);
        Assert.That(two.ExitCode, Is.EqualTo(2));
        Assert.That(two.Err, Does.Contain("the archive must hold one folder with the package inside (found 2 folders"));

        p.Write("packages.yml", $"packages:\n  - tarball: {hub.Url}files/extra.tar.gz\n");
        Assert.That(Deps(p, hub.Url).Err, Does.Contain("packages.yml:2:").And.Contain("a tarball package needs a 'name'"));

        // A local folder and a hub package that are both 'core_utils': dbt refuses; nothing is replaced.
        p.Write("vendor/core_utils/dbt_project.yml", "name: core_utils\n");
        p.Write("packages.yml", $"packages:\n  - tarball: {hub.Url}files/extra.tar.gz\n    name: extra\n  - local: vendor/core_utils\n  - package: acme/core_utils\n    version: \"1.0.0\"\n");
        p.Write("dbt_packages/extra/macros/e.sql", "{% macro e() %}'kept'{% endmacro %}");
        var twice = Deps(p, hub.Url);
        Assert.That(twice.ExitCode, Is.EqualTo(2), twice.ToString());
        Assert.That(twice.Err, Does.Contain("two packages install as 'core_utils': local: vendor/core_utils (at packages.yml:4:").And.Contain("package: acme/core_utils [1.0.0]"));
        Assert.That(p.Read("dbt_packages/extra/macros/e.sql"), Does.Contain("kept"), "checked before anything is placed");
    }
}
