namespace KlmSocialPay.LoadDriver;

/// <summary>Entry point of the load driver.</summary>
public static class LoadDriverProgram
{
    public static int Main(string[] args)
    {
        Console.WriteLine("KlmSocialPay load driver");
        return 0;
    }
}
