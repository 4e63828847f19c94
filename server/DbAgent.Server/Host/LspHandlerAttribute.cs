namespace DbAgent.Server.Host;

/// <summary>
/// What a handler does to the server's state, which decides how <see cref="RequestQueue"/> runs its methods.
/// Every class in <see cref="HandlerCatalog"/> carries it:
/// <list type="bullet">
/// <item><c>[LspHandler(mutatesState: true)]</c>: it changes what later requests see (documents, settings,
/// lifecycle). It runs alone, in message order, after every earlier mutation has finished; its method must have
/// made its change by the time it returns (or its task completes).</item>
/// <item><c>[LspHandler(mutatesState: false)]</c>: it only reads. It starts once every earlier mutation has
/// finished, runs in parallel with other reads and later mutations on the immutable snapshots it took, and its
/// wait honours the client's <c>$/cancelRequest</c>.</item>
/// </list>
/// A handler without the attribute is run as a mutation (slower, never wrong); a test fails on it.
/// </summary>
[AttributeUsage(AttributeTargets.Class, Inherited = false)]
public sealed class LspHandlerAttribute(bool mutatesState) : Attribute
{
    public bool MutatesState { get; } = mutatesState;
}
