using System.Diagnostics;
using System.Text;

namespace KlmSocialPay.LoadDriver.Infrastructure;

/// <summary>Runs a command to completion with a time limit and returns its standard output.</summary>
public static class ProcessRunner
{
    /// <exception cref="InvalidOperationException">The command exited with a non-zero code; the message has its output.</exception>
    /// <exception cref="TimeoutException">The command did not finish within <paramref name="timeout"/> and was killed.</exception>
    public static async Task<string> RunAsync(
        string fileName, IReadOnlyList<string> arguments, TimeSpan timeout, CancellationToken cancellationToken, string? workingDirectory = null)
    {
        var startInfo = new ProcessStartInfo(fileName)
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Path.GetTempPath(),
        };
        foreach (var argument in arguments)
        {
            startInfo.ArgumentList.Add(argument);
        }

        using var process = Process.Start(startInfo) ?? throw new InvalidOperationException($"Could not start {fileName}.");
        var output = new StringBuilder();
        var errors = new StringBuilder();
        process.OutputDataReceived += (_, e) => Append(output, e.Data);
        process.ErrorDataReceived += (_, e) => Append(errors, e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();

        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(timeout);
        try
        {
            await process.WaitForExitAsync(limit.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            cancellationToken.ThrowIfCancellationRequested();
            throw new TimeoutException($"'{Describe(fileName, arguments)}' did not finish within {timeout.TotalSeconds:0} s and was stopped.");
        }

        // WaitForExitAsync returns after the redirected streams reach end of file.
        if (process.ExitCode != 0)
        {
            throw new InvalidOperationException(
                $"'{Describe(fileName, arguments)}' failed with exit code {process.ExitCode}:\n{Snapshot(output)}{Snapshot(errors)}");
        }

        return Snapshot(output);
    }

    private static string Describe(string fileName, IReadOnlyList<string> arguments) =>
        $"{Path.GetFileName(fileName)} {string.Join(' ', arguments)}";

    private static void Append(StringBuilder buffer, string? line)
    {
        if (line is null)
        {
            return;
        }

        lock (buffer)
        {
            buffer.AppendLine(line);
        }
    }

    private static string Snapshot(StringBuilder buffer)
    {
        lock (buffer)
        {
            return buffer.ToString();
        }
    }
}
