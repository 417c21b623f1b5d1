using Orleans.Serialization;

namespace KlmSocialPay.Silo.Hosting;

/// <summary>
/// Lets grain storage errors travel from a silo to an API process. Orleans 10 serializes an exception only when
/// its namespace starts with a supported prefix (Microsoft, System and Azure by default). A grain storage error
/// carries an NpgsqlException inside, so without the Npgsql prefix the response fails with
/// CodecNotFoundException, and the API returns 500 where a storage fault should return 503.
/// </summary>
public static class ExceptionSerializationSetup
{
    public static IServiceCollection AddStorageExceptionSerialization(this IServiceCollection services) =>
        services.Configure<ExceptionSerializationOptions>(options => options.SupportedNamespacePrefixes.Add("Npgsql"));
}
