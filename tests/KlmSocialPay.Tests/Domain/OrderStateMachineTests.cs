namespace KlmSocialPay.Tests.Domain;

public sealed class OrderStateMachineTests
{
    /// <summary>Every legal transition, written out independently of the table under test.</summary>
    public static TheoryData<OrderStatus, OrderTrigger, OrderStatus> LegalTransitions => new()
    {
        { OrderStatus.Requested, OrderTrigger.SendLink, OrderStatus.LinkSent },
        { OrderStatus.Requested, OrderTrigger.Cancel, OrderStatus.Cancelled },
        { OrderStatus.Requested, OrderTrigger.PaymentSucceeded, OrderStatus.Paid },
        { OrderStatus.LinkSent, OrderTrigger.PaymentSucceeded, OrderStatus.Paid },
        { OrderStatus.LinkSent, OrderTrigger.PaymentProcessing, OrderStatus.Processing },
        { OrderStatus.Processing, OrderTrigger.PaymentSucceeded, OrderStatus.Paid },
        { OrderStatus.Processing, OrderTrigger.PaymentFailed, OrderStatus.Failed },
        { OrderStatus.Paid, OrderTrigger.PartialRefund, OrderStatus.PartiallyRefunded },
        { OrderStatus.Paid, OrderTrigger.FullRefund, OrderStatus.Refunded },
        { OrderStatus.PartiallyRefunded, OrderTrigger.PartialRefund, OrderStatus.PartiallyRefunded },
        { OrderStatus.PartiallyRefunded, OrderTrigger.FullRefund, OrderStatus.Refunded },
        { OrderStatus.LinkSent, OrderTrigger.PaymentFailed, OrderStatus.Failed },
        { OrderStatus.LinkSent, OrderTrigger.LinkExpired, OrderStatus.Expired },
        { OrderStatus.LinkSent, OrderTrigger.Cancel, OrderStatus.Cancelled },
        { OrderStatus.Expired, OrderTrigger.SendLink, OrderStatus.LinkSent },
        { OrderStatus.Failed, OrderTrigger.SendLink, OrderStatus.LinkSent },
        { OrderStatus.Expired, OrderTrigger.Cancel, OrderStatus.Cancelled },
        { OrderStatus.Failed, OrderTrigger.Cancel, OrderStatus.Cancelled },
        { OrderStatus.Expired, OrderTrigger.PaymentSucceeded, OrderStatus.Paid },
        { OrderStatus.Failed, OrderTrigger.PaymentSucceeded, OrderStatus.Paid },
        { OrderStatus.Cancelled, OrderTrigger.PaymentSucceeded, OrderStatus.Paid },
    };

    public static TheoryData<OrderStatus, OrderTrigger> IllegalTransitions()
    {
        var legal = LegalTransitions.Select(row => ((OrderStatus)row[0], (OrderTrigger)row[1])).ToHashSet();
        var data = new TheoryData<OrderStatus, OrderTrigger>();
        foreach (var status in Enum.GetValues<OrderStatus>())
        {
            foreach (var trigger in Enum.GetValues<OrderTrigger>().Where(t => t != OrderTrigger.Create))
            {
                if (!legal.Contains((status, trigger)))
                {
                    data.Add(status, trigger);
                }
            }
        }

        return data;
    }

    [Theory]
    [MemberData(nameof(LegalTransitions))]
    public void LegalTransition_MovesToExpectedStatus(OrderStatus from, OrderTrigger trigger, OrderStatus expected)
    {
        Assert.Equal(expected, OrderStateMachine.Next("ord_test", from, trigger));
    }

    [Theory]
    [MemberData(nameof(IllegalTransitions))]
    public void IllegalTransition_RaisesTypedError(OrderStatus from, OrderTrigger trigger)
    {
        var error = Assert.Throws<IllegalOrderTransitionException>(() => OrderStateMachine.Next("ord_test", from, trigger));

        Assert.Equal(from, error.From);
        Assert.Equal(trigger, error.Trigger);
    }

    [Fact]
    public void Table_HasExactlyTheLegalRows()
    {
        Assert.Equal(LegalTransitions.Count(), OrderStateMachine.Transitions.Count);
    }

    [Fact]
    public void PaidOrder_MovesOnlyToRefunds()
    {
        var exits = Enum.GetValues<OrderTrigger>()
            .Where(t => OrderStateMachine.TryNext(OrderStatus.Paid, t, out _))
            .ToHashSet();

        Assert.Equal([OrderTrigger.PartialRefund, OrderTrigger.FullRefund], exits);
    }

    [Fact]
    public void RefundedOrder_NeverMovesAgain()
    {
        var exits = Enum.GetValues<OrderTrigger>().Where(t => OrderStateMachine.TryNext(OrderStatus.Refunded, t, out _));

        Assert.Empty(exits);
    }

    [Fact]
    public void PaidOrRefunded_NeverGoesBackToUnpaid()
    {
        var unpaid = new[] { OrderStatus.Requested, OrderStatus.LinkSent, OrderStatus.Processing, OrderStatus.Expired, OrderStatus.Cancelled, OrderStatus.Failed };
        var settled = new[] { OrderStatus.Paid, OrderStatus.PartiallyRefunded, OrderStatus.Refunded };

        var backwards = OrderStateMachine.Transitions.Where(t => settled.Contains(t.From) && unpaid.Contains(t.To));

        Assert.Empty(backwards);
    }
}
