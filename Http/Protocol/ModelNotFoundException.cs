namespace QwenVL.Http.Protocol;

/// <summary>A request named a model this server does not serve (404, in vLLM's words).</summary>
public sealed class ModelNotFoundException(string model) : Exception($"The model `{model}` does not exist.")
{
    public string Model { get; } = model;
}
