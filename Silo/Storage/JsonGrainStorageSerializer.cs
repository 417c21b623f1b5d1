using System.Text.Json;
using System.Text.Json.Serialization;
using Orleans.Storage;

namespace KlmSocialPay.Silo.Storage;

/// <summary>
/// Grain state serializer for the ADO.NET grain storage: UTF-8 JSON, so a stored row can be read
/// with plain SQL (SQLite: <c>CAST(PayloadBinary AS TEXT)</c>, PostgreSQL:
/// <c>convert_from(PayloadBinary, 'UTF8')</c>).
/// </summary>
/// <remarks>
/// State types must round-trip through System.Text.Json: public settable or init properties, or a
/// constructor whose parameters match the property names (records). Orleans' [Id] and
/// [GenerateSerializer] attributes play no part here. Renaming a property or an enum member
/// changes the stored format, and rows written before the rename lose that value when read.
/// </remarks>
public sealed class JsonGrainStorageSerializer : IGrainStorageSerializer
{
    /// <summary>The options used for every grain state: camelCase names, enums as their member names.</summary>
    public static JsonSerializerOptions Options { get; } = CreateOptions();

    public BinaryData Serialize<T>(T? input) =>
        new(JsonSerializer.SerializeToUtf8Bytes(input, Options));

    public T? Deserialize<T>(BinaryData input) =>
        JsonSerializer.Deserialize<T>(input.ToMemory().Span, Options);

    private static JsonSerializerOptions CreateOptions()
    {
        var options = new JsonSerializerOptions(JsonSerializerDefaults.General)
        {
            PropertyNamingPolicy = JsonNamingPolicy.CamelCase,

            // Dictionary keys are data (ids, currency codes), not member names, so they stay as written.
            DictionaryKeyPolicy = null,
            PropertyNameCaseInsensitive = true,
            Converters = { new JsonStringEnumConverter() },
        };

        options.MakeReadOnly(populateMissingResolver: true);
        return options;
    }
}
