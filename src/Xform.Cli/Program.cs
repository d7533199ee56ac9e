namespace Xform.Cli;

public static class Program
{
    public static int Main(string[] args) => XformCli.Run(args, Console.Out, Console.Error);
}
