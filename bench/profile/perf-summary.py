#!/usr/bin/env python3
"""Summarize a `perf script` dump of the silo: CPU samples by module and by component of the stack.

Usage: perf script -i perf.data | python3 perf-summary.py

JIT-compiled frames carry names like `instance void [Npgsql] Npgsql.NpgsqlCommand::...` when the silo ran
with DOTNET_PerfMapEnabled=1 and DOTNET_EnableWriteXorExecute=0; the bracketed word is the assembly.
"""
import re
import sys
from collections import Counter

# A component counts a sample when any frame of its stack matches; the shares overlap (inclusive time).
COMPONENTS = [
    ("Kestrel HTTP server", r"\[Microsoft\.AspNetCore\.Server\.Kestrel"),
    ("ASP.NET Core routing/endpoints", r"\[Microsoft\.AspNetCore\.(Routing|Http\.Extensions)\]"),
    ("Messenger webhook handler", r"MessengerWebhook"),
    ("Stripe webhook handler", r"StripeWebhook"),
    ("Stripe.net EventUtility (verify+parse)", r"Stripe\.EventUtility"),
    ("Stripe.net client (create session)", r"\[Stripe\.net\] Stripe\.(StripeClient|Service|SystemNetHttpClient|Infrastructure)"),
    ("Sandbox (Stripe and Meta stand-ins)", r"\[KlmSocialPay\.Sandbox\]"),
    ("grains (KlmSocialPay.Grains)", r"\[KlmSocialPay\.Grains\]"),
    ("Orleans messaging and scheduling", r"\[Orleans\.(Core|Runtime)\] Orleans\.(Runtime\.Messaging|Runtime\.Scheduler|Networking|Serialization)"),
    ("Orleans ADO.NET grain storage", r"Orleans\.Storage\.AdoNetGrainStorage|Orleans\.Persistence\.AdoNet"),
    ("Orleans reminders", r"Orleans\.(Runtime\.ReminderService|Reminders)"),
    ("grain state JSON (JsonGrainStorageSerializer)", r"JsonGrainStorageSerializer"),
    ("System.Text.Json (all)", r"\[System\.Text\.Json\]"),
    ("Npgsql", r"\[Npgsql\]"),
    ("Serilog and logging (the request logging middleware wraps whole requests)", r"\[(Serilog[^\]]*|Microsoft\.Extensions\.Logging[^\]]*)\]"),
    ("OpenTelemetry and Activity", r"\[OpenTelemetry[^\]]*\]|System\.Diagnostics\.Activity|DiagnosticSource"),
    ("Orleans Dashboard", r"\[Orleans\.Dashboard"),
    ("HttpClient (outbound)", r"System\.Net\.Http\.(HttpClient|SocketsHttpHandler|HttpConnection)"),
    ("HMAC/SHA-256", r"HMAC|SHA256|HashProviderDispenser|libcrypto"),
    ("thread pool dispatch", r"ThreadPoolWorkQueue::Dispatch"),
]

# Components for leaf-most attribution: libraries doing the work, not the middleware that wraps a request.
LEAF_COMPONENTS = [
    ("System.Text.Json", r"\[System\.Text\.Json\]"),
    ("Npgsql", r"\[Npgsql\]"),
    ("Orleans ADO.NET storage and reminders", r"Orleans\.(Storage|Persistence|Reminders|Runtime\.ReminderService)"),
    ("Stripe.net", r"\[Stripe\.net\]"),
    ("OpenTelemetry, metrics and Activity", r"\[OpenTelemetry[^\]]*\]|System\.Diagnostics\.(Activity|Metrics)|DiagnosticSource"),
    ("Orleans Dashboard", r"\[Orleans\.Dashboard"),
    ("Serilog and logging", r"\[(Serilog[^\]]*|Microsoft\.Extensions\.Logging[^\]]*)\]"),
    ("KlmSocialPay code", r"\[KlmSocialPay\."),
    ("Orleans runtime", r"\[Orleans\."),
    ("HttpClient and sockets", r"System\.Net\.(Http|Sockets)"),
    ("ASP.NET Core and Kestrel", r"\[Microsoft\.AspNetCore"),
    ("HMAC/SHA-256 and OpenSSL", r"HMAC|SHA256|libcrypto|OpenSsl"),
    ("other .NET code (base library frames with no component above them)", r"\[[A-Za-z0-9_.]+\] "),
]


def module_of(frame_symbol, dso):
    match = re.search(r"\[([A-Za-z0-9_.]+)\] ", frame_symbol)
    if match:
        return match.group(1)
    return dso

def main():
    samples = 0
    self_symbols = Counter()
    self_modules = Counter()
    inclusive = Counter()
    innermost = Counter()
    stack = []

    def finish():
        nonlocal samples
        if not stack:
            return
        samples += 1
        symbol, dso = stack[0]
        self_modules[module_of(symbol, dso)] += 1
        self_symbols[f"{symbol[:150]} ({dso})"] += 1
        text = "\n".join(s for s, _ in stack)
        for name, pattern in COMPONENTS:
            if re.search(pattern, text):
                inclusive[name] += 1

        # The leaf-most frame that belongs to a component gets the sample; wrappers high up the stack do not.
        # Frames of the base library (async plumbing, collections) pass the sample on to their caller.
        owner = "none of these (runtime, GC, kernel, or frames without a symbol)"
        for components in (LEAF_COMPONENTS[:-1], LEAF_COMPONENTS[-1:]):
            match = next((name for symbol, _ in stack for name, pattern in components if re.search(pattern, symbol)), None)
            if match:
                owner = match
                break
        innermost[owner] += 1

    for line in sys.stdin:
        line = line.rstrip("\n")
        if not line.strip():
            finish()
            stack = []
            continue
        if not line.startswith((" ", "\t")):
            continue  # the sample header line
        frame = re.match(r"\s+[0-9a-f]+ (.*) \((.*)\)$", line)
        if frame:
            stack.append((frame.group(1), frame.group(2).split("/")[-1]))
    finish()

    if samples == 0:
        print("No samples.")
        return
    print(f"{samples} samples")
    print("\nSelf time by module (top 15):")
    for module, count in self_modules.most_common(15):
        print(f"  {100 * count / samples:5.1f}%  {module}")
    print("\nSelf time by function (top 25):")
    for symbol, count in self_symbols.most_common(25):
        print(f"  {100 * count / samples:5.1f}%  {symbol}")
    print("\nInclusive time by component (stacks overlap, so shares add up to more than 100%):")
    for name, _ in COMPONENTS:
        print(f"  {100 * inclusive[name] / samples:5.1f}%  {name}")

    print("\nSelf time by component, each sample given to the leaf-most component on its stack:")
    for name, count in innermost.most_common():
        print(f"  {100 * count / samples:5.1f}%  {name}")

if __name__ == "__main__":
    main()
