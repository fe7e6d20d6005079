namespace QwenVL.Runtime.Hub;

/// <summary>
/// What `--model` names, as vLLM reads it: a local model directory when one exists at that path, else a Hub repo
/// id <c>owner/name</c>. Anything else (a missing directory that is no repo id either) is an error that says both.
/// </summary>
public sealed record ModelReference(string Text, string? LocalDirectory, RepoId? Repo)
{
    public static ModelReference Parse(string text)
    {
        ArgumentNullException.ThrowIfNull(text);
        if (Directory.Exists(text)) return new ModelReference(text, Path.GetFullPath(text), null);
        if (File.Exists(text))
            throw new HubException(HubFailure.NotAModel, $"model '{text}' is a file; give the directory that holds config.json and the weights, or a Hub repo id (owner/name)");
        if (RepoId.TryParse(text, out var repo)) return new ModelReference(text, null, repo);
        throw new HubException(HubFailure.NotAModel,
            $"model '{text}' is neither a directory (none at {Path.GetFullPath(text)}) nor a Hugging Face repo id such as Qwen/Qwen2-VL-2B-Instruct");
    }
}
