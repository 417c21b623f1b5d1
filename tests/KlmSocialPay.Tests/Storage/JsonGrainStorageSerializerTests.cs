using System.Text;
using KlmSocialPay.Silo.Storage;

namespace KlmSocialPay.Tests.Storage;

public sealed class JsonGrainStorageSerializerTests
{
    public enum SampleStatus
    {
        Draft,
        AwaitingPayment,
    }

    public sealed record SampleLine(string Sku, long AmountMinor);

    public sealed record SampleState
    {
        public required string OrderId { get; init; }

        public SampleStatus Status { get; init; }

        public IReadOnlyList<SampleLine> Lines { get; init; } = [];

        public Dictionary<string, long> TotalsByCurrency { get; init; } = [];

        public DateTimeOffset CreatedAt { get; init; }
    }

    private static readonly SampleState Sample = new()
    {
        OrderId = "ord_1",
        Status = SampleStatus.AwaitingPayment,
        Lines = [new SampleLine("SEAT-12A", 4_500), new SampleLine("BAG-23KG", 6_000)],
        TotalsByCurrency = new Dictionary<string, long> { ["EUR"] = 10_500 },
        CreatedAt = new DateTimeOffset(2025, 3, 1, 10, 30, 0, TimeSpan.FromHours(1)),
    };

    [Fact]
    public void RoundTrip_RecordWithCollections_KeepsEveryValue()
    {
        var serializer = new JsonGrainStorageSerializer();

        var copy = serializer.Deserialize<SampleState>(serializer.Serialize(Sample))!;

        Assert.Equal(Sample.OrderId, copy.OrderId);
        Assert.Equal(Sample.Status, copy.Status);
        Assert.Equal(Sample.Lines, copy.Lines);
        Assert.Equal(Sample.TotalsByCurrency, copy.TotalsByCurrency);
        Assert.Equal(Sample.CreatedAt, copy.CreatedAt);
        Assert.Equal(Sample.CreatedAt.Offset, copy.CreatedAt.Offset);
    }

    [Theory]
    [InlineData("\"orderId\":\"ord_1\"")]
    [InlineData("\"status\":\"AwaitingPayment\"")]
    [InlineData("\"amountMinor\":4500")]
    [InlineData("\"EUR\":10500")]
    [InlineData("\"createdAt\":\"2025-03-01T10:30:00+01:00\"")]
    public void Serialize_State_WritesReadableJson(string expectedFragment)
    {
        var json = Encoding.UTF8.GetString(new JsonGrainStorageSerializer().Serialize(Sample).ToArray());

        Assert.Contains(expectedFragment, json);
    }

    [Fact]
    public void Deserialize_JsonNull_ReturnsNull()
    {
        var state = new JsonGrainStorageSerializer().Deserialize<SampleState>(BinaryData.FromString("null"));

        Assert.Null(state);
    }
}
