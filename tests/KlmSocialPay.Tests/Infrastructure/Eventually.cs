namespace KlmSocialPay.Tests.Infrastructure;

internal static class Eventually
{
    /// <summary>Polls <paramref name="probe"/> until it returns a value, for at most <paramref name="timeout"/>.</summary>
    public static async Task<T> Get<T>(Func<Task<T?>> probe, TimeSpan? timeout = null, string? what = null) where T : class
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(20));
        while (true)
        {
            if (await probe() is { } value)
            {
                return value;
            }

            if (DateTime.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out waiting for {what ?? "the condition"}.");
            }

            await Task.Delay(100);
        }
    }
}
