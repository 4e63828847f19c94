using System.Text.Json;
using DbAgent.Server.Tests.Lsp;

namespace DbAgent.Server.Tests.Chat;

/// <summary>
/// The parts a chat streamed, read once they have all been handled: the server writes every part before the
/// result, but the test client's JSON-RPC may still be dispatching the last notifications when the result arrives.
/// </summary>
internal static class ChatParts
{
    public static async Task<List<JsonElement>> SettledAsync(LspTestClient client, string token)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        var count = -1;
        var stable = 0;
        while (DateTime.UtcNow < deadline)
        {
            var now = client.Progress.Count;
            stable = now == count ? stable + 1 : 0;
            count = now;
            if (stable >= 3) break;
            await Task.Delay(25);
        }
        return client.Progress.Snapshot()
            .Where(p => p.GetProperty("token").GetString() == token)
            .Select(p => p.GetProperty("value"))
            .ToList();
    }

    public static string Markdown(IEnumerable<JsonElement> parts) =>
        string.Concat(parts.Where(p => p.GetProperty("kind").GetString() == "markdown").Select(p => p.GetProperty("text").GetString()));
}
