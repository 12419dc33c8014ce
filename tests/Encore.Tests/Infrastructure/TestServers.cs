using System.Diagnostics;
using System.Net;
using System.Net.Sockets;

namespace Encore.Tests.Infrastructure;

/// <summary>
/// The real PostgreSQL and Redis the scaled-topology tests run against. The test command
/// (scripts/test) starts both on free loopback ports and passes them in ENCORE_TEST_POSTGRES and
/// ENCORE_TEST_REDIS; a plain `dotnet test` without them starts its own from the local binaries,
/// once per test run, and stops them by PID when the run ends.
/// </summary>
public static class TestServers
{
    static readonly Lazy<string> postgres = new(() => Environment.GetEnvironmentVariable("ENCORE_TEST_POSTGRES") ?? StartPostgres());
    static readonly Lazy<string> redis = new(() => Environment.GetEnvironmentVariable("ENCORE_TEST_REDIS") ?? StartRedis());
    static readonly List<Action> stops = [];

    static TestServers() => AppDomain.CurrentDomain.ProcessExit += (_, _) => { foreach (var stop in stops) stop(); };

    /// <summary>A connection string to a server where tests may create databases (user postgres).</summary>
    public static string PostgresServer => postgres.Value;

    public static string Redis => redis.Value;

    /// <summary>A multiplexer to a loopback port nothing listens on: every command fails fast, as in a Redis outage.</summary>
    public static async Task<StackExchange.Redis.ConnectionMultiplexer> UnreachableRedisAsync()
    {
        var probe = new TcpListener(IPAddress.Loopback, 0);
        probe.Start();
        var port = ((IPEndPoint)probe.LocalEndpoint).Port;
        probe.Stop();
        return await StackExchange.Redis.ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{port},abortConnect=false,connectTimeout=200,syncTimeout=300,connectRetry=0");
    }

    /// <summary>A fresh, empty database for one test class, so classes never see each other's rows.</summary>
    public static string NewPostgresDatabase(string prefix)
    {
        var name = $"{prefix}_{Guid.NewGuid():N}"[..Math.Min(60, prefix.Length + 33)].ToLowerInvariant();
        using var connection = new Npgsql.NpgsqlConnection(PostgresServer);
        connection.Open();
        using var command = connection.CreateCommand();
        command.CommandText = $"CREATE DATABASE \"{name}\"";
        command.ExecuteNonQuery();
        return new Npgsql.NpgsqlConnectionStringBuilder(PostgresServer) { Database = name }.ConnectionString;
    }

    static string StartPostgres()
    {
        var bin = FindPostgresBin();
        var dir = Path.Combine(Path.GetTempPath(), $"encore-pg-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
        Directory.CreateDirectory(dir);
        var asRoot = Environment.UserName == "root";
        if (asRoot) Run("chown", $"postgres {dir}");
        var port = FreePort();
        RunAs(asRoot, Path.Combine(bin, "initdb"), $"-D {dir}/data -U postgres -A trust --no-sync -E UTF8");
        RunAs(asRoot, Path.Combine(bin, "pg_ctl"),
            $"-D {dir}/data -l {dir}/log -w -o \"-p {port} -k {dir} -c listen_addresses=127.0.0.1 -c fsync=off -c synchronous_commit=off -c full_page_writes=off -c max_connections=1000\" start");
        var pid = int.Parse(File.ReadLines($"{dir}/data/postmaster.pid").First());
        stops.Add(() => Stop(pid, "INT"));
        Watch(pid, "INT", dir);
        return $"Host=127.0.0.1;Port={port};Username=postgres;Database=postgres;Pooling=true;Maximum Pool Size=50";
    }

    static string StartRedis()
    {
        var port = FreePort();
        var psi = new ProcessStartInfo("redis-server", $"--port {port} --bind 127.0.0.1 --save \"\" --appendonly no")
        {
            RedirectStandardOutput = true,
            UseShellExecute = false,
        };
        var process = Process.Start(psi) ?? throw new InvalidOperationException("redis-server did not start");
        stops.Add(() => Stop(process.Id, "TERM"));
        Watch(process.Id, "TERM", null);
        for (var i = 0; i < 100; i++)
        {
            try
            {
                using var client = new TcpClient();
                client.Connect(IPAddress.Loopback, port);
                return $"127.0.0.1:{port}";
            }
            catch (SocketException) { Thread.Sleep(50); }
        }
        throw new InvalidOperationException("redis-server did not accept connections");
    }

    static string FindPostgresBin()
    {
        var root = "/usr/lib/postgresql";
        var version = Directory.Exists(root)
            ? Directory.GetDirectories(root).OrderByDescending(d => int.TryParse(Path.GetFileName(d), out var v) ? v : 0).FirstOrDefault()
            : null;
        return version is not null ? Path.Combine(version, "bin")
            : throw new InvalidOperationException("PostgreSQL server binaries not found: install the postgresql package or run scripts/test.");
    }

    /// <summary>
    /// The test host can be ended before its exit handlers finish (or killed outright), so each
    /// server gets a detached watchdog that stops it by PID once this process is gone, then
    /// removes its directory.
    /// </summary>
    static void Watch(int serverPid, string signal, string? directory)
    {
        var cleanup = directory is null ? "" : $"; for i in $(seq 1 300); do kill -0 {serverPid} 2>/dev/null || break; sleep 0.1; done; rm -rf '{directory}'";
        var script = $"while kill -0 {Environment.ProcessId} 2>/dev/null; do sleep 1; done; kill -{signal} {serverPid} 2>/dev/null{cleanup}";
        Process.Start(new ProcessStartInfo("setsid", ["sh", "-c", script]) { UseShellExecute = false })?.Dispose();
    }

    // PostgreSQL shuts down cleanly on SIGINT (fast shutdown), Redis on SIGTERM.
    static void Stop(int pid, string signal)
    {
        try { Run("kill", $"-{signal} {pid}"); } catch (InvalidOperationException) { }
    }

    static int FreePort()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    static void RunAs(bool asRoot, string file, string arguments)
    {
        if (asRoot) Run("runuser", $"-u postgres -- {file} {arguments}");
        else Run(file, arguments);
    }

    static void Run(string file, string arguments)
    {
        var psi = new ProcessStartInfo(file, arguments) { RedirectStandardOutput = true, RedirectStandardError = true, UseShellExecute = false, WorkingDirectory = "/tmp" };
        using var process = Process.Start(psi)!;
        var output = process.StandardOutput.ReadToEndAsync();
        var error = process.StandardError.ReadToEnd();
        process.WaitForExit();
        if (process.ExitCode != 0)
            throw new InvalidOperationException($"{file} {arguments} failed ({process.ExitCode}): {error} {output.Result}");
    }
}
