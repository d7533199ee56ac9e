using DuckDB.NET.Data;

namespace Xform.Retail.Generator;

/// <summary>CSV to Parquet through embedded DuckDB, every column kept as the exact text of the CSV.</summary>
internal static class ParquetConverter
{
    public static void Convert(string csvPath, string parquetPath)
    {
        using var con = new DuckDBConnection("DataSource=:memory:");
        con.Open();
        using var cmd = con.CreateCommand();
        // all_varchar + explicit columns: no type sniffing; nullstr that never occurs: an empty field
        // stays the empty string it is in the CSV (CustomerID, Description), exactly as written.
        cmd.CommandText =
            "COPY (SELECT * FROM read_csv(" + Literal(csvPath) + ", header = true, delim = ',', quote = '\"', escape = '\"', " +
            "new_line = '\\n', auto_detect = false, nullstr = '\\u0001<null>\\u0001', strict_mode = true, " +
            "columns = {'InvoiceNo': 'VARCHAR', 'StockCode': 'VARCHAR', 'Description': 'VARCHAR', 'Quantity': 'VARCHAR', " +
            "'InvoiceDate': 'VARCHAR', 'UnitPrice': 'VARCHAR', 'CustomerID': 'VARCHAR', 'Country': 'VARCHAR'})) " +
            "TO " + Literal(parquetPath) + " (FORMAT parquet, COMPRESSION zstd)";
        cmd.ExecuteNonQuery();
    }

    private static string Literal(string s) => "'" + s.Replace("'", "''", StringComparison.Ordinal) + "'";
}
