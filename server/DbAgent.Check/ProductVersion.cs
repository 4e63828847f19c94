using System.Reflection;

namespace DbAgent.Server;

/// <summary>The version of the `dbagent` executable, as the LSP `initialize` answer, `--version` and SARIF logs report it.</summary>
public static class ProductVersion
{
    public static string Current { get; } =
        typeof(ProductVersion).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion.Split('+')[0] ?? "0.0.0";
}
