using System.Data.Common;
using System.Numerics;

namespace Xform.Adapters.DuckDb;

/// <summary>
/// A value of a query's row as DuckDB.NET reads it, except a BLOB (its bytes) and a LIST of numbers, dates or booleans
/// holding a NULL: DuckDB.NET reads a LIST of INTEGER as a <c>List&lt;int&gt;</c> and throws at its first NULL, so such a
/// list is read again with nullable elements (<c>[1.5, NULL]</c> is a <c>List&lt;decimal?&gt;</c>). A value DuckDB.NET cannot read otherwise (a
/// list of such lists holding a NULL) is a database error naming the column, with the cast that makes it readable.
/// </summary>
internal static class DuckDbValues
{
    public static object? Read(DbDataReader reader, int i)
    {
        if (reader.IsDBNull(i)) return null;
        try
        {
            // a BLOB comes as a stream over the reader's current chunk, gone with it: its bytes are kept instead
            var value = reader.GetValue(i);
            return value is Stream blob ? Bytes(blob) : value;
        }
        catch (InvalidCastException e)
        {
            return WithNulls(reader, i) ?? throw new Xform.Core.Adapters.DatabaseException(
                $"column '{reader.GetName(i)}' holds a value xform cannot read ({e.Message}); cast it to text in the query ({reader.GetName(i)}::varchar)", e);
        }
    }

    static byte[] Bytes(Stream blob)
    {
        using (blob)
        {
            var copy = new MemoryStream();
            blob.CopyTo(copy);
            return copy.ToArray();
        }
    }

    static object? WithNulls(DbDataReader reader, int i)
    {
        var type = reader.GetFieldType(i);
        if (type == typeof(List<int>)) return reader.GetFieldValue<List<int?>>(i);
        if (type == typeof(List<long>)) return reader.GetFieldValue<List<long?>>(i);
        if (type == typeof(List<short>)) return reader.GetFieldValue<List<short?>>(i);
        if (type == typeof(List<sbyte>)) return reader.GetFieldValue<List<sbyte?>>(i);
        if (type == typeof(List<byte>)) return reader.GetFieldValue<List<byte?>>(i);
        if (type == typeof(List<ushort>)) return reader.GetFieldValue<List<ushort?>>(i);
        if (type == typeof(List<uint>)) return reader.GetFieldValue<List<uint?>>(i);
        if (type == typeof(List<ulong>)) return reader.GetFieldValue<List<ulong?>>(i);
        if (type == typeof(List<BigInteger>)) return reader.GetFieldValue<List<BigInteger?>>(i);
        if (type == typeof(List<double>)) return reader.GetFieldValue<List<double?>>(i);
        if (type == typeof(List<float>)) return reader.GetFieldValue<List<float?>>(i);
        if (type == typeof(List<decimal>)) return reader.GetFieldValue<List<decimal?>>(i);
        if (type == typeof(List<bool>)) return reader.GetFieldValue<List<bool?>>(i);
        if (type == typeof(List<DateTime>)) return reader.GetFieldValue<List<DateTime?>>(i);
        if (type == typeof(List<DateOnly>)) return reader.GetFieldValue<List<DateOnly?>>(i);
        if (type == typeof(List<TimeOnly>)) return reader.GetFieldValue<List<TimeOnly?>>(i);
        if (type == typeof(List<DateTimeOffset>)) return reader.GetFieldValue<List<DateTimeOffset?>>(i);
        if (type == typeof(List<TimeSpan>)) return reader.GetFieldValue<List<TimeSpan?>>(i);
        if (type == typeof(List<Guid>)) return reader.GetFieldValue<List<Guid?>>(i);
        return null;
    }
}
