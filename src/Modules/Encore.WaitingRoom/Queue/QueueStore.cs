namespace Encore.WaitingRoom.Queue;

/// <summary>What a queue store needs of an on-sale's settings; times in Unix milliseconds.</summary>
internal sealed record QueueRules(
    long StartsAtMs, long PreQueueOpensAtMs, QueueMode Mode, int AdmitPerMinute, int MaxActive,
    long TokenLifetimeMs, int MaxSize, long CheckInMs);

/// <summary>An entry's state as stored: one byte per entry.</summary>
internal enum EntryState : byte
{
    None = 0,
    Waiting = 1,
    /// <summary>The counter reached it while its client was checking in; shopping until its admission ends.</summary>
    Admitted = 2,
    /// <summary>The counter reached it after its client stopped checking in: skipped.</summary>
    Expired = 3,
    /// <summary>Left the line, or left checkout (which frees the slot in capacity mode).</summary>
    Left = 4,
    /// <summary>Shadow-banned: waits like anyone else, is never admitted.</summary>
    Held = 5,
}

/// <summary>One account's entry in one queue.</summary>
/// <param name="Slot">Arrival order over the whole queue (1-based); before the start it is also the public entry id of the draw.</param>
/// <param name="Number">Place in line once drawn: admitted when the serving counter reaches it. Null until the draw at the start.</param>
/// <param name="Serving">The serving counter: every number up to it has been reached.</param>
/// <param name="AdmittedUntilMs">While admitted: when the admission ends (Unix ms); null when not admitted now.</param>
/// <param name="PreQueue">Joined before the draw, so its number comes from the shuffle.</param>
internal sealed record QueueEntry(long Slot, long? Number, long Serving, EntryState State, long? AdmittedUntilMs, bool PreQueue);

internal abstract record JoinOutcome
{
    /// <param name="New">A new place was taken; false when the account already had one (another tab or device).</param>
    public sealed record Joined(QueueEntry Entry, bool New) : JoinOutcome;
    public sealed record Full(long Waiting) : JoinOutcome;
}

/// <param name="Sealed">The pre-queue is closed: later arrivals are FIFO after it.</param>
/// <param name="Ordered">The shuffled order of the pre-queue is stored; the counter may move.</param>
/// <param name="PreQueue">How many joined before the seal (entry ids 1..PreQueue take part in the draw).</param>
internal sealed record SealState(bool Sealed, bool Ordered, long PreQueue);

/// <param name="Last">Numbers given out so far (every entry, whatever became of it).</param>
/// <param name="Waiting">Entries still in line ahead of the counter.</param>
/// <param name="Active">Admitted and still shopping.</param>
internal sealed record QueueCounters(bool Sealed, bool Ordered, long PreQueue, long Last, long Serving, long Waiting, long Active, long AdmittedTotal, long ExpiredTotal);

/// <param name="Ran">This call advanced the queue; false when another instance already did in this tick, or the draw is not stored yet.</param>
internal sealed record AdvanceResult(bool Ran, long Serving, int Admitted, int Skipped);

/// <summary>
/// One queue per on-sale (the event's id). Two implementations behind this one contract: in-process
/// for the embedded topology, Redis (one Lua script per operation) when scaled. Times come from the
/// caller's TimeProvider as Unix milliseconds, so tests drive them with a fake clock.
/// </summary>
internal interface IQueueStore
{
    /// <summary>Takes a place for the account, or returns the place it already has.</summary>
    Task<JoinOutcome> JoinAsync(Guid queueId, QueueRules rules, Guid accountId, bool held, long nowMs);

    /// <summary>The account's entry, and (when <paramref name="touch"/>) records that its client is still there.</summary>
    Task<QueueEntry?> CheckInAsync(Guid queueId, Guid accountId, bool held, bool touch, long nowMs);

    /// <summary>Leaves the line or checkout; an admitted account frees its slot. False when it had no entry to leave.</summary>
    Task<bool> LeaveAsync(Guid queueId, Guid accountId, long nowMs);

    /// <summary>At or after the start: closes the pre-queue (once) and says whether its order is stored yet.</summary>
    Task<SealState> SealAsync(Guid queueId, long startsAtMs, long nowMs);

    /// <summary>Stores the draw: <paramref name="numbers"/>[i] is the number of entry i + 1. The first writer wins.</summary>
    Task SetOrderAsync(Guid queueId, int[] numbers);

    /// <summary>
    /// Moves the serving counter: at the pace, or into free capacity, skipping entries whose client
    /// stopped checking in. At most one call per queue per tick does anything, whichever instance makes it.
    /// </summary>
    Task<AdvanceResult> AdvanceAsync(Guid queueId, QueueRules rules, long nowMs, long tickMs, int maxScan);

    Task<QueueCounters> CountersAsync(Guid queueId, long nowMs);
}
