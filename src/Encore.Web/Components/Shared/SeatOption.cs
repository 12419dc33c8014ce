namespace Encore.Web.Components.Shared;

/// <summary>A seat a buyer may pick on the map: its spoken name (section, row, seat, price, features), price, and whether it is free now.</summary>
public sealed record SeatOption(string Name, long PriceMinor, bool Available);
