namespace QwenVL.Runtime.Checkpoint;

/// <summary>A model directory or checkpoint that cannot be used; the message names the problem.</summary>
public sealed class CheckpointException(string message, Exception? inner = null) : Exception(message, inner);
