namespace Hearth.Bench;

public static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("usage: Hearth.Bench <suite> [options]");
        return args.Length == 0 ? 2 : 0;
    }
}
