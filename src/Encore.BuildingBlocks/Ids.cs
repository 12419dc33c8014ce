namespace Encore.BuildingBlocks;

public static class Ids
{
    /// <summary>UUIDv7: time-ordered, so new rows land at the end of B-tree indexes.</summary>
    public static Guid New() => Guid.CreateVersion7();
}
