using System.Diagnostics;
using System.Net;
using System.Net.Sockets;
using Npgsql;

namespace Xform.Adapters.Postgres.Tests;

/// <summary>
/// A throwaway PostgreSQL server from the machine's binaries: <c>initdb</c> into a fresh temp directory, started
/// on a free loopback port (unix socket in that directory), password authentication over TCP, no fsync.
/// <c>initdb</c> refuses to run as root: as root, the server runs as the <c>postgres</c> user (<c>runuser</c>)
/// in a directory that user owns.
/// </summary>
public sealed class PostgresServer : IDisposable
{
    public const string User = "postgres";
    public const string Database = "xform_test";

    readonly string _bin;
    readonly string _root;
    readonly bool _asPostgresUser;
    bool _started;

    PostgresServer(string bin, string root, bool asPostgresUser)
    {
        _bin = bin;
        _root = root;
        _asPostgresUser = asPostgresUser;
        Password = "pw-" + Guid.NewGuid().ToString("N")[..12];
    }

    public int Port { get; private set; }
    public string Password { get; }
    public string Host => "127.0.0.1";
    public string Version { get; private set; } = "";
    public TimeSpan StartupTime { get; private set; }

    string DataDir => Path.Combine(_root, "data");
    string LogFile => Path.Combine(_root, "server.log");

    /// <summary>The directory holding initdb, pg_ctl and postgres, or null when none is installed.</summary>
    public static string? FindBinaries()
    {
        static bool Has(string dir) => File.Exists(Path.Combine(dir, "initdb")) && File.Exists(Path.Combine(dir, "pg_ctl")) && File.Exists(Path.Combine(dir, "postgres"));
        var candidates = new List<string>();
        candidates.AddRange((Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries));
        if (Directory.Exists("/usr/lib/postgresql"))
            candidates.AddRange(Directory.GetDirectories("/usr/lib/postgresql")
                .OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0)
                .Select(d => Path.Combine(d, "bin")));
        candidates.AddRange(["/usr/local/bin", "/usr/local/pgsql/bin", "/usr/pgsql/bin", "/opt/homebrew/bin"]);
        return candidates.FirstOrDefault(Has);
    }

    /// <summary>Starts a server, or returns null with the reason when no PostgreSQL binaries are installed.</summary>
    public static PostgresServer? Start(out string? skipReason)
    {
        skipReason = null;
        var bin = FindBinaries();
        if (bin is null)
        {
            skipReason = "no PostgreSQL binaries (initdb, pg_ctl, postgres) on PATH, in /usr/lib/postgresql/*/bin or /usr/local/bin; install postgresql to run these tests";
            return null;
        }
        var asPostgres = !OperatingSystem.IsWindows() && Environment.UserName == "root";
        // as root, under /tmp (TMPDIR may be a directory the postgres user cannot reach)
        var root = asPostgres && !OperatingSystem.IsWindows()
            ? Directory.CreateDirectory(Path.Combine("/tmp", "xform-pg-" + Guid.NewGuid().ToString("N")[..10]),
                UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute).FullName
            : Directory.CreateTempSubdirectory("xform-pg-").FullName;
        var server = new PostgresServer(bin, root, asPostgres);
        try
        {
            server.StartServer();
            return server;
        }
        catch
        {
            server.Dispose();
            throw;
        }
    }

    void StartServer()
    {
        var watch = Stopwatch.StartNew();
        var pwfile = Path.Combine(_root, "pwfile");
        File.WriteAllText(pwfile, Password + "\n");
        if (_asPostgresUser) Exec("chown", ["-R", $"{User}:", _root]);
        Pg("initdb", ["-D", DataDir, "-U", User, "--pwfile", pwfile, "--auth-local=trust", "--auth-host=scram-sha-256",
            "-E", "UTF8", "--no-locale", "--no-sync", "--no-instructions"]);
        File.Delete(pwfile);
        Exception? last = null;
        for (var attempt = 0; attempt < 3 && !_started; attempt++)
        {
            Port = FreePort();
            try
            {
                Pg("pg_ctl", ["-D", DataDir, "-l", LogFile, "-w", "-t", "60", "-o",
                    $"-h {Host} -p {Port} -k {_root} -F -c shared_buffers=16MB -c fsync=off -c full_page_writes=off " +
                    "-c synchronous_commit=off -c max_connections=100 -c max_wal_size=256MB", "start"]);
                _started = true;
            }
            catch (InvalidOperationException e)
            {
                last = e; // the port was taken meanwhile: try another
            }
        }
        if (!_started) throw last!;
        using (var connection = new NpgsqlConnection(ConnectionString("postgres")))
        {
            connection.Open();
            using var cmd = connection.CreateCommand();
            cmd.CommandText = $"create database {Database}";
            cmd.ExecuteNonQuery();
            Version = connection.PostgreSqlVersion.ToString();
        }
        StartupTime = watch.Elapsed;
    }

    public string ConnectionString(string database = Database) =>
        new NpgsqlConnectionStringBuilder { Host = Host, Port = Port, Username = User, Password = Password, Database = database, Pooling = false }.ConnectionString;

    public NpgsqlConnection Connect()
    {
        var c = new NpgsqlConnection(ConnectionString());
        c.Open();
        return c;
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    void Pg(string tool, IReadOnlyList<string> args)
    {
        var path = Path.Combine(_bin, tool);
        if (_asPostgresUser) Exec("runuser", ["-u", User, "--", path, .. args]);
        else Exec(path, args);
    }

    void Exec(string file, IReadOnlyList<string> args)
    {
        var info = new ProcessStartInfo(file) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = _root };
        foreach (var a in args) info.ArgumentList.Add(a);
        foreach (var v in new[] { "PGHOST", "PGPORT", "PGUSER", "PGPASSWORD", "PGDATABASE", "PGDATA" }) info.Environment.Remove(v);
        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        if (!process.WaitForExit(TimeSpan.FromSeconds(90)))
        {
            process.Kill(entireProcessTree: true);
            throw new InvalidOperationException($"{file} {string.Join(' ', args)} did not finish in 90s");
        }
        if (process.ExitCode != 0)
        {
            var log = File.Exists(LogFile) ? File.ReadAllText(LogFile) : "";
            throw new InvalidOperationException(
                $"{file} {string.Join(' ', args)} exited with {process.ExitCode}\n{stdout.Result}\n{stderr.Result}\n{log}");
        }
    }

    public void Dispose()
    {
        if (_started)
        {
            NpgsqlConnection.ClearAllPools();
            try { Pg("pg_ctl", ["-D", DataDir, "-m", "immediate", "-w", "stop"]); }
            catch (InvalidOperationException e) { TestContext.Progress.WriteLine($"stopping the test PostgreSQL server: {e.Message}"); }
            _started = false;
        }
        try { Directory.Delete(_root, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
    }
}
