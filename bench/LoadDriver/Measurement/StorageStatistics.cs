using Npgsql;

namespace KlmSocialPay.LoadDriver.Measurement;

/// <summary>
/// Statement counters of the product database from <c>pg_stat_statements</c>: calls, rows and execution
/// time per normalized statement. They are updated when a statement ends, unlike <c>pg_stat_user_tables</c>,
/// whose counters an idle backend publishes only up to 10 s later (PostgreSQL 15).
/// </summary>
public static class StorageStatistics
{
    public static async Task<StorageSnapshot> SnapshotAsync(string connectionString, CancellationToken cancellationToken)
    {
        await using var connection = new NpgsqlConnection(connectionString);
        await connection.OpenAsync(cancellationToken);

        var statements = new Dictionary<long, StatementCounters>();
        await using var command = new NpgsqlCommand(
            """
            SELECT queryid, query, calls, rows, total_exec_time
            FROM pg_stat_statements
            WHERE dbid = (SELECT oid FROM pg_database WHERE datname = current_database()) AND queryid IS NOT NULL;
            """, connection);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken);
        while (await reader.ReadAsync(cancellationToken))
        {
            // The driver's own sampling and snapshot queries are not the product's.
            var query = reader.GetString(1);
            if (query.Contains("pg_stat_", StringComparison.Ordinal))
            {
                continue;
            }

            var id = reader.GetInt64(0);
            var counters = new StatementCounters(query, reader.GetInt64(2), reader.GetInt64(3), reader.GetDouble(4));
            statements[id] = statements.TryGetValue(id, out var existing) ? existing.Add(counters) : counters;
        }

        return new StorageSnapshot(statements);
    }
}

/// <summary>Calls, rows and total execution time (ms) of one normalized statement.</summary>
public sealed record StatementCounters(string Query, long Calls, long Rows, double TotalMilliseconds)
{
    public StatementCounters Add(StatementCounters other) =>
        this with { Calls = Calls + other.Calls, Rows = Rows + other.Rows, TotalMilliseconds = TotalMilliseconds + other.TotalMilliseconds };

    public StatementCounters Subtract(StatementCounters? earlier) => earlier is null
        ? this
        : this with { Calls = Calls - earlier.Calls, Rows = Rows - earlier.Rows, TotalMilliseconds = TotalMilliseconds - earlier.TotalMilliseconds };

    /// <summary>The statement on one line, cut to <paramref name="length"/> characters.</summary>
    public string ShortQuery(int length)
    {
        var oneLine = string.Join(' ', Query.Split((char[])[' ', '\n', '\r', '\t'], StringSplitOptions.RemoveEmptyEntries));
        return oneLine.Length <= length ? oneLine : oneLine[..length] + "…";
    }
}

public sealed record StorageSnapshot(IReadOnlyDictionary<long, StatementCounters> Statements)
{
    /// <summary>Each statement's counters since <paramref name="before"/>, for statements that ran meanwhile.</summary>
    public IReadOnlyList<StatementCounters> Since(StorageSnapshot before) =>
        [.. Statements
            .Select(pair => pair.Value.Subtract(before.Statements.GetValueOrDefault(pair.Key)))
            .Where(counters => counters.Calls > 0)];
}

/// <summary>What the product asked of PostgreSQL during a window, from <see cref="StorageSnapshot"/> differences.</summary>
public sealed record StorageActivity(IReadOnlyList<StatementCounters> Statements)
{
    /// <summary>Grain state rows written: rows returned by the grain storage's write query (one per successful write).</summary>
    public long GrainStateWrites => Sum("INSERT INTO OrleansStorage", counters => counters.Rows);

    public long GrainStateReads => Sum("SELECT PayloadBinary", counters => counters.Calls);

    /// <summary>Reminder rows inserted, updated or deleted. The delete query starts with a WITH clause, so it is matched anywhere.</summary>
    public long ReminderWrites =>
        Sum("INSERT INTO OrleansRemindersTable", counters => counters.Rows)
        + Statements.Where(counters => counters.Query.Contains("DELETE FROM OrleansRemindersTable", StringComparison.OrdinalIgnoreCase)).Sum(counters => counters.Rows);

    public long Calls => Statements.Sum(counters => counters.Calls);

    public double ExecutionMilliseconds => Statements.Sum(counters => counters.TotalMilliseconds);

    private long Sum(string prefix, Func<StatementCounters, long> value) =>
        Statements.Where(counters => counters.Query.TrimStart().StartsWith(prefix, StringComparison.OrdinalIgnoreCase)).Sum(value);
}
