using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Encore.Inventory.Holds;

/// <summary>
/// Resolves the hold store (and so connects to Redis) before the instance serves. Left to the
/// first request, the connection would be made inside a burst of hold requests, whose threads
/// all wait on it: exactly when an on-sale opens.
/// </summary>
internal sealed class HoldStoreWarmup(IServiceProvider services) : IHostedService
{
    public Task StartAsync(CancellationToken cancellationToken)
    {
        services.GetRequiredService<IHoldStore>();
        return Task.CompletedTask;
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
