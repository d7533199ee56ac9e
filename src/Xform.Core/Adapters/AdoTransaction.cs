using System.Data.Common;

namespace Xform.Core.Adapters;

/// <summary>
/// <see cref="IAdapterConnection.ExecuteTransaction"/> for engines with an ADO.NET driver (DuckDB, PostgreSQL): the
/// statements run inside the driver's transaction object, which rolls back when it is disposed uncommitted.
/// </summary>
public static class AdoTransaction
{
    /// <param name="connection">the open driver connection</param>
    /// <param name="statements">run in order, all or nothing</param>
    /// <param name="error">the engine error for a driver exception and the statement that raised it; null rethrows it as it is</param>
    /// <param name="annotation">the query comment each statement is sent with (the errors name the statement as written)</param>
    public static void Run(DbConnection connection, IReadOnlyList<string> statements, Func<Exception, string, DatabaseException?> error,
        QueryAnnotation? annotation = null)
    {
        var current = "begin";
        try
        {
            using var transaction = connection.BeginTransaction();
            // A blank statement has nothing to run (DuckDB's client fails natively on one).
            foreach (var sql in statements.Where(s => !string.IsNullOrWhiteSpace(s)))
            {
                current = sql;
                using var command = connection.CreateCommand();
                command.Transaction = transaction;
                command.CommandText = annotation?.Apply(sql) ?? sql;
                command.ExecuteNonQuery();
            }
            current = "commit";
            transaction.Commit();
        }
        catch (Exception e) when (error(e, current) is { } engineError)
        {
            engineError.Statement ??= current;
            throw engineError;
        }
    }
}

/// <summary><see cref="IAdapterConnection.Begin"/> for an ADO.NET driver: its transaction object, which commands on the connection join.</summary>
/// <param name="ended">called once the transaction is committed or disposed (commands then stop joining it)</param>
public sealed class AdoOpenTransaction(DbTransaction transaction, Func<Exception, DatabaseException?> error, Action? ended = null) : IOpenTransaction
{
    public DbTransaction Transaction => transaction;

    public void Commit()
    {
        try
        {
            transaction.Commit();
        }
        catch (Exception e) when (error(e) is { } engineError)
        {
            throw engineError;
        }
        finally
        {
            ended?.Invoke();
        }
    }

    public void Dispose()
    {
        transaction.Dispose();
        ended?.Invoke();
    }
}
