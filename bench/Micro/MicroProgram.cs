using BenchmarkDotNet.Running;

namespace KlmSocialPay.Micro;

/// <summary>Entry point of the micro-benchmarks: BenchmarkDotNet's switcher over every benchmark class here.</summary>
public static class MicroProgram
{
    public static void Main(string[] args) =>
        BenchmarkSwitcher.FromAssembly(typeof(MicroProgram).Assembly).Run(args);
}
