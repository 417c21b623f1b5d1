using Microsoft.Extensions.Logging;

namespace KlmSocialPay.Sandbox.Stripe;

/// <summary>Why the checkout page could not perform an action. The page and the JSON endpoint map it to a status code.</summary>
internal enum CheckoutActionFailure
{
    None,
    NotFound,
    InvalidMethod,
    InvalidAction,
    NotOpen,
    NoDelayedPaymentPending,
}

internal sealed record CheckoutActionResult(CheckoutSessionState? Session, CheckoutActionFailure Failure, string? Message)
{
    public bool Succeeded => Failure == CheckoutActionFailure.None;

    public static CheckoutActionResult Success(CheckoutSessionState session) => new(session, CheckoutActionFailure.None, null);

    public static CheckoutActionResult Fail(CheckoutSessionState? session, CheckoutActionFailure failure, string message) =>
        new(session, failure, message);
}

/// <summary>
/// All Checkout Sessions of the sandbox and every state change, each with its event. One lock guards the
/// sessions, so a payment and an expiry of the same session cannot both happen.
/// </summary>
internal sealed class CheckoutSessionStore
{
    private readonly Lock gate = new();
    private readonly Dictionary<string, CheckoutSessionState> sessions = new(StringComparer.Ordinal);
    private readonly List<string> creationOrder = [];
    private readonly StripeEventLog eventLog;
    private readonly SandboxClock clock;
    private readonly ILogger logger;

    public CheckoutSessionStore(StripeEventLog eventLog, SandboxClock clock, ILoggerFactory loggerFactory)
    {
        this.eventLog = eventLog;
        this.clock = clock;
        logger = loggerFactory.CreateLogger<CheckoutSessionStore>();
        Payments = new StripePaymentStore(eventLog, clock, loggerFactory.CreateLogger<StripePaymentStore>());
    }

    /// <summary>
    /// The PaymentIntents, Charges, Refunds and Disputes that paid sessions lead to. The session store owns
    /// them and calls them while it holds its own lock, so locks are always taken sessions first, then payments.
    /// </summary>
    public StripePaymentStore Payments { get; }

    public CheckoutSessionState Create(CheckoutSessionDraft draft, DateTimeOffset created)
    {
        var session = CheckoutSessionState.Open(SandboxIds.CheckoutSession(), created, draft);

        lock (gate)
        {
            sessions.Add(session.Id, session);
            creationOrder.Add(session.Id);
        }

        logger.LogInformation(
            "Stripe sandbox created Checkout Session {CheckoutSessionId} for {AmountTotal} {Currency}, expiring at {ExpiresAt}",
            session.Id, draft.AmountTotal, draft.Currency, draft.ExpiresAt);

        return session;
    }

    public CheckoutSessionState? Find(string id)
    {
        lock (gate)
        {
            return sessions.GetValueOrDefault(id);
        }
    }

    public IReadOnlyList<CheckoutSessionState> NewestFirst(int count)
    {
        lock (gate)
        {
            return Enumerable.Reverse(creationOrder).Take(count).Select(id => sessions[id]).ToList();
        }
    }

    /// <summary>Every session matching <paramref name="match"/>, newest first, as <c>GET /v1/checkout/sessions</c> lists them.</summary>
    public IReadOnlyList<CheckoutSessionState> NewestFirst(Func<CheckoutSessionState, bool> match)
    {
        lock (gate)
        {
            return Enumerable.Reverse(creationOrder).Select(id => sessions[id]).Where(match).ToList();
        }
    }

    /// <summary>Expires an open session on request (<c>POST /v1/checkout/sessions/{id}/expire</c>).</summary>
    public CheckoutSessionState Expire(string id, StripeRequestReference request)
    {
        lock (gate)
        {
            var session = sessions.GetValueOrDefault(id) ?? throw new StripeRequestException(StripeApiError.NoSuchCheckoutSession(id));

            if (!session.IsOpen)
            {
                throw new StripeRequestException(new StripeApiError(
                    400,
                    "invalid_request_error",
                    $"Only Checkout Sessions with a status in [\"open\"] can be expired. This Checkout Session has a status of `{CheckoutSessionJson.StatusText(session.Status)}`."));
            }

            return ExpireLocked(session, request, "on request");
        }
    }

    /// <summary>Expires every open session whose <c>expires_at</c> has passed, and returns how many there were.</summary>
    public int ExpireDue(DateTimeOffset now)
    {
        lock (gate)
        {
            var due = sessions.Values.Where(session => session.IsOpen && session.Parameters.ExpiresAt <= now).ToList();

            foreach (var session in due)
            {
                ExpireLocked(session, StripeRequestReference.None, "at expires_at");
            }

            return due.Count;
        }
    }

    /// <summary>
    /// Submits the checkout page with <paramref name="method"/>. Card and iDEAL are paid at once, while SEPA
    /// Direct Debit completes unpaid and settles later.
    /// </summary>
    public CheckoutActionResult Submit(string id, string method)
    {
        lock (gate)
        {
            if (!sessions.TryGetValue(id, out var session))
            {
                return CheckoutActionResult.Fail(null, CheckoutActionFailure.NotFound, $"No Checkout Session {id} exists.");
            }

            // The expiry worker runs only every few seconds, and a submit in between must not pay an expired session.
            if (session.IsOpen && session.Parameters.ExpiresAt <= clock.UtcNow)
            {
                session = ExpireLocked(session, StripeRequestReference.None, "at expires_at");
            }

            if (!session.IsOpen)
            {
                return CheckoutActionResult.Fail(session, CheckoutActionFailure.NotOpen, NotOpenMessage(session));
            }

            if (!session.Parameters.PaymentMethodTypes.Contains(method))
            {
                return CheckoutActionResult.Fail(
                    session,
                    CheckoutActionFailure.InvalidMethod,
                    $"The payment method '{method}' is not offered by this session; choose one of {string.Join(", ", session.Parameters.PaymentMethodTypes)}.");
            }

            var delayed = StripePaymentMethods.IsDelayed(method);
            var completed = session with
            {
                Status = CheckoutSessionStatus.Complete,
                Paid = !delayed,
                PaymentIntentId = SandboxIds.PaymentIntent(),
                PaymentMethodType = method,
                DelayedPayment = delayed ? DelayedPaymentStatus.Processing : DelayedPaymentStatus.None,
                SubmittedAt = clock.UtcNow,
            };

            sessions[id] = completed;
            Payments.RecordPayment(completed);
            eventLog.Emit(StripeEventTypes.CheckoutSessionCompleted, completed, StripeRequestReference.None);

            logger.LogInformation(
                "Stripe sandbox completed Checkout Session {CheckoutSessionId} with {PaymentMethodType}, payment status {PaymentStatus}, PaymentIntent {PaymentIntentId}",
                id, method, completed.PaymentStatus, completed.PaymentIntentId);

            return CheckoutActionResult.Success(completed);
        }
    }

    /// <summary>Ends a processing delayed payment: settled emits async_payment_succeeded, failed emits async_payment_failed.</summary>
    public CheckoutActionResult FinishDelayedPayment(string id, bool succeeded)
    {
        lock (gate)
        {
            if (!sessions.TryGetValue(id, out var session))
            {
                return CheckoutActionResult.Fail(null, CheckoutActionFailure.NotFound, $"No Checkout Session {id} exists.");
            }

            if (session.DelayedPayment != DelayedPaymentStatus.Processing)
            {
                return CheckoutActionResult.Fail(
                    session,
                    CheckoutActionFailure.NoDelayedPaymentPending,
                    $"Checkout Session {id} has no delayed payment waiting to settle.");
            }

            return CheckoutActionResult.Success(FinishDelayedPaymentLocked(session, succeeded));
        }
    }

    /// <summary>Settles every processing delayed payment submitted at least <paramref name="settleAfter"/> ago.</summary>
    public int SettleDue(DateTimeOffset now, TimeSpan settleAfter)
    {
        lock (gate)
        {
            var due = sessions.Values
                .Where(session => session.DelayedPayment == DelayedPaymentStatus.Processing && session.SubmittedAt + settleAfter <= now)
                .ToList();

            foreach (var session in due)
            {
                FinishDelayedPaymentLocked(session, succeeded: true);
            }

            return due.Count;
        }
    }

    public static string NotOpenMessage(CheckoutSessionState session) => session.Status switch
    {
        CheckoutSessionStatus.Expired => "This Checkout Session has expired and can no longer be paid.",
        _ => "This Checkout Session is already complete.",
    };

    private CheckoutSessionState ExpireLocked(CheckoutSessionState session, StripeRequestReference request, string cause)
    {
        var expired = session with { Status = CheckoutSessionStatus.Expired };
        sessions[session.Id] = expired;
        eventLog.Emit(StripeEventTypes.CheckoutSessionExpired, expired, request);

        logger.LogInformation("Stripe sandbox expired Checkout Session {CheckoutSessionId} {Cause}", session.Id, cause);

        return expired;
    }

    private CheckoutSessionState FinishDelayedPaymentLocked(CheckoutSessionState session, bool succeeded)
    {
        var finished = session with
        {
            Paid = succeeded,
            DelayedPayment = succeeded ? DelayedPaymentStatus.Succeeded : DelayedPaymentStatus.Failed,
        };

        sessions[session.Id] = finished;
        Payments.RecordDelayedPaymentOutcome(session.PaymentIntentId!, succeeded);
        eventLog.Emit(
            succeeded ? StripeEventTypes.CheckoutSessionAsyncPaymentSucceeded : StripeEventTypes.CheckoutSessionAsyncPaymentFailed,
            finished,
            StripeRequestReference.None);

        logger.LogInformation(
            "Stripe sandbox delayed payment of Checkout Session {CheckoutSessionId} {Outcome}",
            session.Id, succeeded ? "succeeded" : "failed");

        return finished;
    }
}
