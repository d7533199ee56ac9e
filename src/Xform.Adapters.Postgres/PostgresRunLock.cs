using System.Diagnostics;
using System.Text;
using Npgsql;
using Xform.Core.Adapters;
using Xform.Core.Diagnostics;

namespace Xform.Adapters.Postgres;

/// <summary>
/// The run-level lock on PostgreSQL: one session advisory lock per schema, exclusive where the run writes and shared
/// where it only reads, taken in name order (so two runs cannot each hold what the other waits for) on a connection
/// of its own and held until the run ends. Without it two runs on one schema deadlock: one swaps a table in under the
/// swap lock (<see cref="PostgresDialect"/>) and waits for a query of the other that reads the old table, while that
/// query's transaction waits for the swap lock.
/// </summary>
sealed class PostgresRunLock : IDisposable
{
    /// <summary>The first key of the two-key form ("xfrn"): apart from the swap lock and from other programs' locks.</summary>
    const int Space = 0x7866726e;

    readonly NpgsqlConnection _connection;

    PostgresRunLock(NpgsqlConnection connection) => _connection = connection;

    public static PostgresRunLock Take(NpgsqlConnection connection, RunSchemas schemas, TimeSpan timeout, Action<string> waiting)
    {
        var held = new PostgresRunLock(connection);
        try
        {
            var clock = Stopwatch.StartNew();
            var wanted = schemas.Written.Select(s => (Schema: s, Exclusive: true))
                .Concat(schemas.Read.Where(s => !schemas.Written.Contains(s)).Select(s => (Schema: s, Exclusive: false)))
                .OrderBy(w => w.Schema, StringComparer.Ordinal);
            foreach (var (schema, exclusive) in wanted) held.Lock(schema, exclusive, timeout, clock, waiting);
            return held;
        }
        catch
        {
            held.Dispose();
            throw;
        }
    }

    void Lock(string schema, bool exclusive, TimeSpan timeout, Stopwatch clock, Action<string> waiting)
    {
        var key = Key(schema);
        var (mode, keys) = (exclusive ? "" : "_shared", $"({Space}, {key})");
        try
        {
            while (!(bool)Scalar($"select pg_try_advisory_lock{mode}{keys}")!)
            {
                var holders = Holders(key);
                if (holders is null) continue; // released in between: try again
                var remaining = timeout - clock.Elapsed;
                if (remaining <= TimeSpan.Zero) throw Busy(schema, holders, timeout);
                waiting($"waiting for another xform run on schema {schema} ({holders})");
                try
                {
                    Scalar($"set lock_timeout = {(long)Math.Min(int.MaxValue, Math.Ceiling(remaining.TotalMilliseconds))}");
                    Scalar($"select pg_advisory_lock{mode}{keys}");
                    return;
                }
                catch (PostgresException e) when (e.SqlState == PostgresErrorCodes.LockNotAvailable)
                {
                    throw Busy(schema, Holders(key) ?? holders, timeout);
                }
                finally
                {
                    Scalar("reset lock_timeout");
                }
            }
        }
        catch (NpgsqlException e) when (e is not PostgresException { SqlState: PostgresErrorCodes.LockNotAvailable })
        {
            throw new XformException($"cannot lock schema {schema} for this run: {e.Message.Split('\n')[0].Trim()}");
        }
    }

    static XformException Busy(string schema, string holders, TimeSpan timeout) => new(timeout <= TimeSpan.Zero
        ? $"another xform run ({holders}) is using schema {schema} and --lock-timeout is 0: retry when it has finished"
        : $"another xform run ({holders}) still held schema {schema} after {timeout.TotalSeconds:0}s: retry when it has finished, or raise --lock-timeout");

    /// <summary>The server processes holding the schema's lock, as "pid 123" or "pids 123, 456"; null when none does.</summary>
    string? Holders(int key)
    {
        var pids = new List<int>();
        using var cmd = new NpgsqlCommand(
            "select distinct pid from pg_locks where locktype = 'advisory' and granted and objsubid = 2 " +
            $"and database = (select oid from pg_database where datname = current_database()) and classid = {Space} and objid = {key} order by 1",
            _connection);
        using (var reader = cmd.ExecuteReader())
            while (reader.Read()) pids.Add(reader.GetInt32(0));
        return pids.Count == 0 ? null : $"pid{(pids.Count == 1 ? "" : "s")} {string.Join(", ", pids)}";
    }

    object? Scalar(string sql)
    {
        using var cmd = new NpgsqlCommand(sql, _connection);
        return cmd.ExecuteScalar();
    }

    /// <summary>FNV-1a of the name's UTF-8, non-negative (an oid in pg_locks): stable across processes and versions.</summary>
    static int Key(string schema)
    {
        var hash = 2166136261u;
        foreach (var b in Encoding.UTF8.GetBytes(schema)) hash = (hash ^ b) * 16777619u;
        return (int)(hash & 0x7fffffff);
    }

    public void Dispose()
    {
        // the connection goes back to Npgsql's pool, which keeps the session (and its locks) open: release them now
        try
        {
            Scalar("select pg_advisory_unlock_all()");
        }
        catch (NpgsqlException)
        {
            // a broken connection holds nothing any more
        }
        _connection.Dispose();
    }
}
