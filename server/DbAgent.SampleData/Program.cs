namespace DbAgent.SampleData;

public static class Program
{
    public static int Main(string[] args) => SampleCommand.Run(args);
}
