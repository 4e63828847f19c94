using DbAgent.Server.Host;
using DbAgent.Server.Protocol;
using DbAgent.Sql.Completion;
using StreamJsonRpc;

namespace DbAgent.Server.Features.SignatureHelp;

/// <summary>
/// textDocument/signatureHelp: inside the argument list of a built-in function of the document's dialect, its
/// overloads (parameters and return type, from the dialect's table kept as data) with the argument being typed.
/// </summary>
[LspHandler(mutatesState: false)]
public sealed class SignatureHelpHandler(LanguageServerContext context)
{
    [JsonRpcMethod(Methods.SignatureHelp, UseSingleObjectParameterDeserialization = true)]
    public async Task<Protocol.SignatureHelp?> SignatureHelpAsync(TextDocumentPositionParams parameters, CancellationToken cancellationToken)
    {
        var snapshot = await context.Documents.GetAsync(parameters.TextDocument.Uri, cancellationToken).ConfigureAwait(false);
        if (snapshot is null) return null;
        var offset = snapshot.Text.ToOffset(parameters.Position);
        if (SqlSignatures.At(snapshot.Script.Tokens, snapshot.Text, snapshot.Dialect, offset) is not { } call) return null;
        var signatures = call.Overloads.Select(Describe).ToList();
        var active = call.Overloads.Select((f, i) => (f, i)).FirstOrDefault(x => x.f.Parameters.Count > call.ActiveParameter).i;
        return new Protocol.SignatureHelp(signatures, active, call.ActiveParameter);
    }

    private static SignatureInformation Describe(BuiltinFunction function)
    {
        var label = $"{function.Signature} → {function.Returns}";
        var parameters = new List<ParameterInformation>();
        var at = function.Name.Length + 1;
        foreach (var p in function.Parameters)
        {
            var written = p.Optional ? $"[{p.Label}]" : p.Label;
            var start = label.IndexOf(written, at, StringComparison.Ordinal);
            if (start < 0) break;
            parameters.Add(new ParameterInformation([start, start + written.Length]));
            at = start + written.Length;
        }
        var kind = function.Kind switch { BuiltinKind.Aggregate => "Aggregate. ", BuiltinKind.Window => "Window function. ", _ => "" };
        return new SignatureInformation(label, MarkupContent.Markdown(kind + function.Description), parameters);
    }
}
