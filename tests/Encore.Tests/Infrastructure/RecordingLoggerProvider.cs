using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace Encore.Tests.Infrastructure;

/// <summary>Keeps the category, level and event id of every entry, for tests that check what the app logs.</summary>
public sealed class RecordingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(string Category, LogLevel Level, int EventId)> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, Entries);
    public void Dispose() { }

    sealed class Logger(string category, ConcurrentQueue<(string, LogLevel, int)> entries) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;
        public bool IsEnabled(LogLevel logLevel) => true;
        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            entries.Enqueue((category, logLevel, eventId.Id));
    }
}
