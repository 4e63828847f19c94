namespace DbAgent.Server;

public static class Program
{
    public static int Main(string[] args)
    {
        Console.Error.WriteLine("usage: dbagent <lsp|check> [options]");
        return 2;
    }
}
