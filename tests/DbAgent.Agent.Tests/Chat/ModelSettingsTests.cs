using DbAgent.Agent.Chat;
using DbAgent.Agent.Models;
using Microsoft.SemanticKernel;

namespace DbAgent.Agent.Tests.Chat;

public class ModelSettingsTests
{
    [Test]
    public void Unset_settings_are_not_configured_and_have_no_problem()
    {
        var settings = new ModelSettings();
        Assert.That(settings.IsConfigured, Is.False);
        Assert.That(settings.Problem(), Is.Null);
    }

    [Test]
    public void A_local_endpoint_with_a_name_needs_no_key() =>
        Assert.That(new ModelSettings { Endpoint = "http://localhost:11434/v1", Name = "llama3.1" }.Problem(), Is.Null);

    [Test]
    public void An_endpoint_without_a_model_name_says_which_setting_is_missing() =>
        Assert.That(new ModelSettings { Endpoint = "http://localhost:11434/v1" }.Problem(), Does.Contain("`dbagent.model.name` is not"));

    [Test]
    public void OpenAI_without_an_endpoint_needs_a_key() =>
        Assert.That(new ModelSettings { Name = "gpt-4o-mini" }.Problem(), Does.Contain("needs an API key").And.Contain("DbAgent: Set Model API Key"));

    [TestCase("localhost:11434")]
    [TestCase("ftp://models.example.com/v1")]
    [TestCase("not a url")]
    public void A_malformed_endpoint_is_rejected(string endpoint) =>
        Assert.That(new ModelSettings { Endpoint = endpoint, Name = "m" }.Problem(), Does.Contain("not an http(s) URL"));

    [Test]
    public void Credentials_in_the_endpoint_are_refused_and_never_echoed()
    {
        var settings = new ModelSettings { Endpoint = "https://bob:hunter2@models.example.com/v1", Name = "m" };
        Assert.That(settings.Problem(), Does.Contain("must not carry credentials").And.Not.Contain("hunter2"));
    }

    [Test]
    public void The_api_key_never_appears_in_the_settings_text()
    {
        var settings = new ModelSettings { Endpoint = "https://api.openai.com/v1", Name = "gpt-4o-mini", ApiKey = "sk-secret-123" };
        Assert.That(settings.ToString(), Does.Not.Contain("sk-secret-123").And.Contain("gpt-4o-mini"));
        Assert.That(new ChatContext { Model = settings }.ToString(), Does.Not.Contain("sk-secret-123"));
    }

    [Test]
    public async Task The_real_model_reports_a_configuration_problem_before_any_network_call()
    {
        var model = new OpenAiChatModel(new ModelSettings { Name = "gpt-4o-mini" });
        var error = Assert.ThrowsAsync<ChatModelException>(async () =>
        {
            await foreach (var _ in model.StreamAsync(new ChatRequest("hi"), new ChatContext(), CancellationToken.None)) { }
        });
        Assert.That(error!.Message, Does.Contain("needs an API key"));
        await Task.CompletedTask;
    }

    [Test]
    public void The_kernel_offers_the_database_functions_to_the_model()
    {
        var kernel = OpenAiChatModel.BuildKernel(new ModelSettings { Endpoint = "http://localhost:11434/v1", Name = "llama3.1" }, ChatHarness.Context("SELECT 1;"));
        var functions = kernel.Plugins.GetFunctionsMetadata().Select(f => f.Name).ToList();
        // The same tools as VS Code's model and agent mode get: one set.
        Assert.That(functions, Is.EquivalentTo(DbAgent.Agent.Tools.DbAgentToolbox.Default.Tools.Select(DbAgent.Agent.Plugins.ToolboxPlugin.FunctionName)));
        Assert.That(functions, Is.SupersetOf(new[] { "review", "explain_plan", "propose_indexes", "schema", "table_stats", "migration_safety" }));
        Assert.That(kernel.GetRequiredService<Microsoft.SemanticKernel.ChatCompletion.IChatCompletionService>(), Is.Not.Null);
    }

    [Test]
    public void The_system_prompt_grounds_the_model_in_the_file_and_the_connection_state()
    {
        var prompt = OpenAiChatModel.SystemPrompt(ChatHarness.Context("SELECT 1;\nDELETE FROM orders|;"));
        Assert.That(prompt, Does.Contain("PostgreSQL"));
        Assert.That(prompt, Does.Contain("DELETE FROM orders"));
        Assert.That(prompt, Does.Contain("No database connection"));
    }
}
